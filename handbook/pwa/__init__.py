"""The installable PWA: manifest, service worker, offline page, hashed static files, text size."""
