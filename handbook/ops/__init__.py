"""Running the app for real: health check, database outages, backups, audit retention."""
