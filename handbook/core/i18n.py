"""Translation helpers: Vietnamese is the source language, English a complete catalogue."""
from __future__ import annotations

import flask_babel
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import LazyString

__all__ = ["gettext", "lazy_gettext", "ngettext", "select_locale", "install_jinja_gettext"]


def select_locale() -> str:
    """The member's chosen language (kept in the session), Vietnamese otherwise."""
    if has_request_context():
        chosen = session.get("lang") or request.args.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translations():
    """The catalogue for the current locale, looked up once per request and locale.

    flask-babel looks it up again for every string (a page has 50–100): measured as ~10 % of a page's CPU under
    benchmarks/load.py. The cache follows `force_locale` (it swaps the context's locale object)."""
    if not has_app_context():
        return flask_babel.get_translations()
    here = g._get_current_object()  # one context lookup, then plain attributes (a page asks 50–100 times)
    babel_ctx = getattr(here, "_flask_babel", None)
    cached = getattr(here, "_hb_translations", None)
    if cached is not None and babel_ctx is not None and cached[0] is getattr(babel_ctx, "babel_locale", None):
        return cached[1]
    found = flask_babel.get_translations()
    babel_ctx = getattr(here, "_flask_babel", None)
    locale = getattr(babel_ctx, "babel_locale", None) if babel_ctx is not None else None
    if locale is not None:
        here._hb_translations = (locale, found)
    return found


def gettext(string: str, **variables) -> str:
    text = translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """A label translated when shown, through the same per-request catalogue cache as `gettext` (flask-babel's
    own looks the catalogue up again for every label: a meetings page of 12 cards showed ~45 of them)."""
    return LazyString(gettext, string, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def install_jinja_gettext(app) -> None:
    """Templates' `_()` through the same per-request cache (replaces what flask-babel installed)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
