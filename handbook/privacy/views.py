"""/me/data (a readable page) and /me/data.json (a download): the signed-in user's own data, audited."""
from __future__ import annotations

import enum
import json
from datetime import date, datetime

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from handbook.audit import service as audit
from handbook.caller import current_actor
from handbook.core import timeutil
from handbook.extensions import db
from handbook.members.models import Member
from handbook.privacy.service import LABELS, collect

bp = Blueprint("privacy", __name__, url_prefix="/me")


def _record(fmt: str) -> None:
    member_id = db.session.scalar(db.select(Member.id).where(Member.user_id == current_user.id))
    audit.record("personal_data.export", current_actor(), target_type="member" if member_id else "user",
                 target_id=member_id or current_user.id, format=fmt)
    db.session.commit()


def _json_value(value):
    if isinstance(value, datetime):
        return timeutil.as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(type(value).__name__)


@bp.app_template_filter("plain")
def plain(value) -> str:
    """A cell of the data page: dates dd/mm/yyyy, times local, yes/no in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return timeutil.format_datetime(value)
    if isinstance(value, date):
        return timeutil.format_date(value)
    if isinstance(value, bool):
        from handbook.core.i18n import gettext as _

        return _("Có") if value else _("Không")
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/data")
@login_required
def page():
    sections = collect(current_user)
    _record("html")
    return _no_store(Response(render_template("privacy/my_data.html", sections=sections, labels=LABELS)))


@bp.get("/data.json")
@login_required
def download():
    sections = collect(current_user)
    _record("json")
    # the codes stay for programs; each coded value is followed by its words ("status_label") for people
    body = json.dumps({"exported_at": timeutil.utcnow().isoformat(), **{s.key: s.export_rows() for s in sections}},
                      default=_json_value, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.json"'
    return _no_store(response)
