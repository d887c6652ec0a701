"""Accounts, login, activation codes, API tokens."""


def init_app(app) -> None:
    """Sign-in and account pages, who the session says is signed in, throttling, `flask users`."""
    from handbook.auth import account_views, consent, login, throttle, views
    from handbook.auth.cli import users_cli
    from handbook.auth.identifiers import display_phone

    login.init_app(app)
    app.before_request(consent.consent_gate)  # the privacy notice first
    throttle.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(account_views.bp)
    app.cli.add_command(users_cli)
    app.jinja_env.filters["phone"] = display_phone
