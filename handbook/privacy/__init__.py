"""A member's own data: what the deployment holds about them, to read and to download."""


def init_app(app) -> None:
    from handbook.privacy import views

    app.register_blueprint(views.bp)
