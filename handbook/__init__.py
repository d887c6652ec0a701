"""Sổ tay đảng viên điện tử — the application factory."""
from __future__ import annotations

import os

from flask import Flask, g, redirect, request, url_for
from werkzeug.exceptions import HTTPException

from handbook.config import build_config
from handbook.extensions import babel, compress, csrf, db, login_manager, migrate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides what the environment says (tests pass a database URL here)."""
    config = dict(config or {})
    instance_path = (
        config.pop("INSTANCE_PATH", None) or os.environ.get("INSTANCE_PATH") or os.path.join(ROOT, "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    app.config.update(build_config(app.instance_path, config))
    _apply_proxy_fix(app)
    from handbook.core.web import IdConverter

    app.url_map.converters["int"] = IdConverter

    _init_extensions(app)
    _register_blueprints(app)
    _register_errors(app)
    _register_cli(app)
    return app


def _apply_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* from the reverse proxy only when told so (PROXY_FIX_X_FOR=1 etc.)."""
    counts = {name: app.config[f"PROXY_FIX_X_{name.upper()}"] for name in ("for", "proto", "host", "port", "prefix")}
    if any(counts.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **{f"x_{k}": v for k, v in counts.items()})


def _init_extensions(app: Flask) -> None:
    from handbook.core.i18n import select_locale

    db.init_app(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from handbook.core.dbping import IDLE_SECONDS, ping_when_idle

        with app.app_context():
            ping_when_idle(db.engine, app.config.get("DB_PING_IDLE_SECONDS", IDLE_SECONDS))
    from handbook.regulations.search_index import include_object

    migrate.init_app(
        app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True, include_object=include_object
    )
    from handbook.ops.health import init_health

    init_health(app, os.path.join(ROOT, "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from handbook.core.i18n import install_jinja_gettext

    install_jinja_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do

    from handbook import models  # noqa: F401 - every model registered on the metadata
    @login_manager.user_loader
    def load_user(user_id: str):
        from flask import session

        from handbook.auth.sessions import user_for

        # The cookie's session token must name a live server-side session (logout, timeouts, revocation).
        return user_for(session.get("sid"), user_id)

    @login_manager.request_loader
    def load_user_from_bearer(req):
        if not req.path.startswith("/api/"):
            return None
        from handbook.api import bearer_token
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

    from handbook.core.web import register_template_helpers
    from handbook.pwa.assets import init_assets

    register_template_helpers(app)
    init_assets(app)
    compress.init_app(app)

    from handbook.auth import throttle
    from handbook.core import inputs, security

    security.init_app(app)
    inputs.init_app(app)
    throttle.init_app(app)

    from handbook.core import fragments

    fragments.init_app(app)

    @app.context_processor
    def layout_context():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale())}  # the one in force (flask-babel asks select_locale once)


def _register_blueprints(app: Flask) -> None:
    import handbook.meetings.reminders  # noqa: F401 - the meetings feature's reminder rules and change receiver
    from handbook.api import init_api
    from handbook.audit.views import bp as audit_bp
    from handbook.auth.account_views import bp as account_bp
    from handbook.auth.views import bp as auth_bp
    from handbook.home.views import bp as home_bp
    from handbook.meetings import manage_views, records_views, views  # noqa: F401 - routes on the blueprints
    from handbook.meetings.blueprints import manage_bp as meetings_manage_bp
    from handbook.meetings.blueprints import member_bp as meetings_bp
    from handbook.members import duplicate_views, io_views, transfer_views  # noqa: F401
    from handbook.members import manage_views as members_manage_views  # noqa: F401
    from handbook.members import views as members_views  # noqa: F401
    from handbook.members.blueprints import manage_bp as members_manage_bp
    from handbook.members.blueprints import member_bp as members_bp
    from handbook.notify.views import admin_bp as notify_admin_bp
    from handbook.notify.views import bp as notify_bp
    from handbook.ops.health import bp as ops_bp
    from handbook.privacy.views import bp as privacy_bp
    from handbook.pwa.views import bp as pwa_bp
    from handbook.regulations import publish_views  # noqa: F401
    from handbook.regulations import views as regulations_views  # noqa: F401
    from handbook.regulations.blueprints import manage_bp as regulations_manage_bp
    from handbook.regulations.blueprints import reader_bp as regulations_bp

    for blueprint in (auth_bp, home_bp, members_bp, members_manage_bp, audit_bp, meetings_bp,
                      meetings_manage_bp, regulations_bp, regulations_manage_bp, pwa_bp,
                      notify_bp, notify_admin_bp, ops_bp, privacy_bp, account_bp):
        app.register_blueprint(blueprint)
    init_api(app)


def _register_errors(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from handbook.core.i18n import gettext as _
    from handbook.core.web import error_response, handle_http_exception, handle_unexpected

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        message = _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang.")
        return error_response(400, message, code="csrf_failed")

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)


def _register_cli(app: Flask) -> None:
    from handbook.cli import register

    register(app)
