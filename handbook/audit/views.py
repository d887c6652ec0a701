"""Admins browse and filter the audit log."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from handbook.audit import service
from handbook.caller import current_access
from handbook.core.web import MAX_ID, page_arg, require
from handbook.members.validation import parse_date
from handbook.org.access import can_browse_audit

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


def _date(name: str):
    try:
        return parse_date(request.args.get(name, "").strip())
    except ValueError:
        return None


@bp.get("/")
@login_required
def index():
    require(can_browse_audit(current_access()), 403)
    action, target_type = request.args.get("action", ""), request.args.get("target_type", "")
    flt = service.AuditFilter(
        action=action if action in service.ACTIONS else None,
        actor_id=_int("actor"),
        target_type=target_type if target_type in service.TARGET_LABELS else None,
        target_id=_int("target"),
        date_from=_date("from"),
        date_to=_date("to"),
    )
    page = page_arg()
    events, total = service.search(flt, page, PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/index.html", events=events, total=total, page=page, per_page=PER_PAGE,
                           flt=flt, actions=service.ACTIONS, action_label=service.action_label,
                           target_labels=service.TARGET_LABELS, args=args)
