"""Sổ tay đảng viên điện tử — the application factory."""
from __future__ import annotations

import os
from importlib import import_module

from flask import Flask

from handbook.config import build_config
from handbook.extensions import babel, compress, csrf, db, migrate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each package registers its own blueprints, commands and receivers (`init_app`), kernel first, api and pwa last.
FEATURES = ("core", "auth", "org", "members", "meetings", "admission", "dues", "exemptions", "structure",
            "treeio", "regulations", "reports", "evaluation", "notify", "privacy", "home", "ops", "demo", "pwa", "api")


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
    _init_extensions(app)
    for name in FEATURES:
        import_module(f"handbook.{name}").init_app(app)
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
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from handbook.core.i18n import install_jinja_gettext

    install_jinja_gettext(app)
    compress.init_app(app)
    from handbook import models  # noqa: F401 - every model registered on the metadata
