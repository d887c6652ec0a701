"""Layout pieces rendered once per process and language instead of on every page.

The banners, the install guide and the bottom navigation of `base.html` hold ~30 translated strings and a
dozen URLs, and were rendered on every page (≈ 2 ms of the ≈ 3.3 ms an empty signed-in page took). What they
depend on is small and known — the language, the URL prefix behind a proxy, the page's section and the unread
count — so each combination is rendered once and kept. Per-request values (CSRF token, user key) never go in.
"""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

MAX_ENTRIES = 2048  # unread counts make the nav's combinations open-ended: past this the store starts over


def fragment(template: str, **inputs) -> Markup:
    """`template` rendered with only `inputs` (plus the language and URL prefix), cached by all three. The
    language is flask-babel's for this moment, so a page rendered under `force_locale` gets its own."""
    store: dict = current_app.extensions.setdefault("layout_fragments", {})
    key = (template, str(get_locale()), request.script_root, tuple(sorted(inputs.items())))
    html = store.get(key)
    if html is None:
        if len(store) >= MAX_ENTRIES:
            store.clear()
        html = store[key] = Markup(render_template(template, **inputs))
    return html


def csrf_field() -> Markup:
    """The hidden CSRF input of the layout's one-button forms, without building a form object for it."""
    return Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">') % escape(generate_csrf())


def section(endpoint: str | None) -> str:
    """Which bottom-navigation entry a page belongs to."""
    endpoint = endpoint or ""
    if endpoint in ("home.index", "home.profile"):
        return endpoint
    for prefix in ("meetings", "regulations.", "notify."):
        if endpoint.startswith(prefix):
            return prefix.rstrip(".")
    return ""


def init_app(app) -> None:
    app.jinja_env.globals.update(fragment=fragment, csrf_field=csrf_field, nav_section=section)
