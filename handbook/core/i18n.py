"""Translation helpers: Vietnamese is the source language, English a complete catalogue."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import gettext, lazy_gettext, ngettext

__all__ = ["gettext", "lazy_gettext", "ngettext", "select_locale"]


def select_locale() -> str:
    """The member's chosen language (kept in the session), Vietnamese otherwise."""
    if has_request_context():
        chosen = session.get("lang") or request.args.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
