"""The installable PWA: manifest, service worker, offline page, hashed static files, text size."""


def init_app(app) -> None:
    """Manifest, service worker, offline page; hashed static files."""
    from handbook.pwa import views
    from handbook.pwa.assets import init_assets

    init_assets(app)
    app.register_blueprint(views.bp)
