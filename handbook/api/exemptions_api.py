"""The member's own exemptions in the JSON API: their state (exempt or not, until when, days left) and their requests;
a new request, checked by the same rules as the page."""
from __future__ import annotations

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields, validate

from handbook.api.fields import FIELD_ERRORS, InputSchema, OutputSchema, text
from handbook.caller import current_access, current_actor
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.core.web import json_error, require
from handbook.exemptions import service
from handbook.exemptions.models import ExemptionKind, ExemptionReason, ExemptionStatus
from handbook.exemptions.rules import KIND_LABELS, REASON_LABELS, STATUS_LABELS, ExemptionError
from handbook.extensions import db
from handbook.members.models import Member

blp = Blueprint("api_exemptions", __name__, url_prefix="/api/v1", description="Miễn, tạm miễn sinh hoạt đảng")
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]
ONE_OF = _l("Phải là một trong: {choices}.")


class ExemptionOut(OutputSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "mien: miễn công tác và sinh hoạt đảng; tam_mien: tạm miễn"})
    kind_label = fields.String()
    reason = fields.String()
    reason_label = fields.String()
    detail = fields.String(allow_none=True)
    starts_on = fields.Date()
    until = fields.Date(allow_none=True, metadata={"description": "ngày cuối cùng được miễn; null: không thời hạn"})
    status = fields.String()
    status_label = fields.String()
    decision_number = fields.String(allow_none=True)
    decision_date = fields.Date(allow_none=True)
    refusal_reason = fields.String(allow_none=True)
    ended_on = fields.Date(allow_none=True, metadata={"description": "ngày trở lại sinh hoạt"})


class StateOut(OutputSchema):
    exempt = fields.Boolean(metadata={"description": "hôm nay đang được miễn hoặc tạm miễn"})
    kind = fields.String(allow_none=True)
    until = fields.Date(allow_none=True)
    days_left = fields.Integer(allow_none=True)


class MyExemptionsOut(OutputSchema):
    state = fields.Nested(StateOut)
    items = fields.List(fields.Nested(ExemptionOut))


class ExemptionIn(InputSchema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ExemptionKind], error=ONE_OF),
                         error_messages=FIELD_ERRORS)
    reason = fields.String(required=True, validate=validate.OneOf([r.value for r in ExemptionReason], error=ONE_OF),
                           error_messages=FIELD_ERRORS)
    detail = text(required=False, max_length=500, min_length=0, allow_none=True, multiline=True)
    starts_on = fields.Date(required=True, error_messages=FIELD_ERRORS)
    until = fields.Date(load_default=None, allow_none=True, error_messages=FIELD_ERRORS)


def exemption_json(row) -> dict:
    return {"id": row.id, "kind": row.kind.value, "kind_label": str(KIND_LABELS[row.kind]),
            "reason": row.reason.value, "reason_label": str(REASON_LABELS[row.reason]), "detail": row.detail,
            "starts_on": row.starts_on, "until": row.until, "status": row.status.value,
            "status_label": str(STATUS_LABELS[row.status]), "decision_number": row.decision_number,
            "decision_date": row.decision_date, "refusal_reason": row.refusal_reason, "ended_on": row.ended_on}


def _own_member() -> Member:
    placement = current_access().member
    require(placement is not None)
    return db.session.get(Member, placement.id)


@blp.route("/me/exemptions")
@blp.response(200, MyExemptionsOut)
@blp.alt_response(404, description="Tài khoản không có hồ sơ đảng viên, hoặc đảng viên đã rời chi bộ")
@blp.doc(security=SECURITY)
@login_required
def my_exemptions():
    """Tình trạng miễn, tạm miễn sinh hoạt của bản thân và các đơn đã làm."""
    member = _own_member()
    today = local_today()
    current = service.current_for(member.id, today)
    exempt = current is not None and current.status is ExemptionStatus.APPROVED and current.covers(today)
    return {"state": {"exempt": exempt, "kind": current.kind.value if exempt else None,
                      "until": current.until if exempt else None,
                      "days_left": service.days_left(current, today) if exempt else None},
            "items": [exemption_json(row) for row in service.history_for(member.id)]}


@blp.route("/me/exemptions", methods=["POST"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(ExemptionIn)
@blp.response(201, ExemptionOut)
@blp.alt_response(400, description="Vi phạm quy định (thời gian trùng, quá 12 tháng, ngày kết thúc trước ngày bắt "
                                   "đầu…); không ghi gì")
@blp.alt_response(404, description="Tài khoản không có hồ sơ đảng viên, hoặc đảng viên đã rời chi bộ")
@blp.doc(security=SECURITY)
def request_exemption(payload):
    """Làm đơn xin miễn hoặc tạm miễn sinh hoạt đảng; chi bộ xem xét, quyết định."""
    member = _own_member()
    try:
        row = service.request_exemption(member, ExemptionKind(payload["kind"]), ExemptionReason(payload["reason"]),
                                        payload.get("detail"), payload["starts_on"], payload.get("until"),
                                        current_actor(), today=local_today())
    except ExemptionError as exc:
        return json_error(400, str(exc), code="invalid_exemption", fields={exc.field: [str(exc)]} if exc.field else {})
    return exemption_json(row), 201
