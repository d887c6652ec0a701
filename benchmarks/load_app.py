"""The app as benchmarks/load.py serves it: handbook's own, plus two pages that measure the stack under a page.

    gunicorn 'benchmarks.load_app:create_app()'

- /_bench/signed-in: what every signed-in page pays before its own work (the session cookie, the one statement
  that checks the session and brings the user, the consent gate, rate limits, security headers) and nothing
  else: a two-letter answer;
- /_bench/layout: the same, plus the layout every page is drawn in (`base.html` with its menu, banners, CSRF
  token and translations) around an empty paragraph.

Read against /ping (the ceiling) and the members' pages, they say how much of a page's cost is the stack and
how much is the page. They exist only in this benchmark's server, never in handbook's own.
"""
from __future__ import annotations

import functools

from flask import Blueprint, Flask, current_app, render_template
from flask_login import login_required

from handbook import create_app as create_handbook

bp = Blueprint("bench", __name__, url_prefix="/_bench")
EMPTY_PAGE = '{% extends "base.html" %}{% block content %}<p>{{ _("Sổ tay đảng viên") }}</p>{% endblock %}'


@functools.cache
def _empty_page(app: Flask):
    return app.jinja_env.from_string(EMPTY_PAGE)  # compiled once, as a template file would be


@bp.get("/signed-in")
@login_required
def signed_in():
    return "ok"


@bp.get("/layout")
@login_required
def layout():
    return render_template(_empty_page(current_app._get_current_object()))


def create_app() -> Flask:
    app = create_handbook()
    app.register_blueprint(bp)
    return app
