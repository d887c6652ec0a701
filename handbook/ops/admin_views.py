"""The administrators' pages: the audit log, and the state of notification delivery."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import login_required

from handbook.audit import service as audit_log_service
from handbook.caller import current_access, current_actor
from handbook.core.timeutil import parse_day
from handbook.core.web import MAX_ID, page_arg, require
from handbook.extensions import db
from handbook.notify.health import STALE, health
from handbook.org.access import can_browse_audit

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


def _date(name: str) -> date | None:
    return parse_day(request.args.get(name, ""))


@bp.get("/audit/")
@login_required
def audit_log():
    require(can_browse_audit(current_access()), 403)
    action, target_type = request.args.get("action", ""), request.args.get("target_type", "")
    flt = audit_log_service.AuditFilter(
        action=action if action in audit_log_service.ACTIONS else None,
        actor_id=_int("actor"),
        target_type=target_type if target_type in audit_log_service.TARGET_LABELS else None,
        target_id=_int("target"),
        date_from=_date("from"),
        date_to=_date("to"),
    )
    page = page_arg()
    events, total = audit_log_service.search(flt, page, PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", events=events, total=total, page=page, per_page=PER_PAGE,
                           flt=flt, actions=audit_log_service.ACTIONS, action_label=audit_log_service.action_label,
                           target_labels=audit_log_service.TARGET_LABELS, args=args)


@bp.get("/notify")
@login_required
def deliveries():
    require(current_access().is_admin, 403)  # access decides (an admin whose member record left is none)
    html = render_template("admin/deliveries.html", h=health(), stale_minutes=int(STALE.total_seconds() // 60))
    audit_log_service.record("notify.delivery_status", current_actor())  # who read the delivery status, and when
    db.session.commit()
    return html
