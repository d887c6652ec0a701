"""Accounts, login, activation codes, API tokens."""


def init_app(app) -> None:
    """Sign-in and account pages, who the session says is signed in, throttling, `flask users`."""
    from handbook.auth import account_views, login, throttle, views
    from handbook.auth.cli import users_cli

    login.init_app(app)
    throttle.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(account_views.bp)
    app.cli.add_command(users_cli)
