"""Who the request is from: the session cookie's server-side session, or an API bearer token (Flask-Login)."""
from __future__ import annotations

from flask import Flask, g, redirect, request, session, url_for

from handbook.extensions import login_manager


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header, if the request has one."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do

    @login_manager.user_loader
    def load_user(user_id: str):
        from handbook.auth.sessions import user_for

        # The cookie's session token must name a live server-side session (logout, timeouts, revocation).
        return user_for(session.get("sid"), user_id)

    @login_manager.request_loader
    def load_user_from_bearer(req):
        if not req.path.startswith("/api/"):
            return None
        from handbook.auth.service import user_for_token

        token = bearer_token()
        if token is None:
            return None
        user = user_for_token(token)
        if user is not None:
            g.api_bearer = True
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from handbook.core.web import json_error

        if request.path.startswith("/api/"):
            return json_error(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
