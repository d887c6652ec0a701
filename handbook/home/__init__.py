"""The signed-in member's start page and own profile."""


def init_app(app) -> None:
    from handbook.home import views

    app.register_blueprint(views.bp)
