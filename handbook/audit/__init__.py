"""The audit log: who viewed, exported or changed what (no personal data in it)."""


def init_app(app) -> None:
    from handbook.audit import views

    app.register_blueprint(views.bp)
