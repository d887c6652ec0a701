"""A member's own moves in the JSON API: each move's kind, state, destination, letter and deadlines, with the
working days left; their temporary placement next to them."""
from __future__ import annotations

from flask_login import current_user, login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import OutputSchema
from handbook.core.timeutil import local_today
from handbook.core.web import require
from handbook.members import moves, service
from handbook.members.move_models import OPEN_STATES

blp = Blueprint("api_moves", __name__, url_prefix="/api/v1", description="Chuyển sinh hoạt đảng")


class MoveOut(OutputSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "chinh_thuc (chuyển chính thức) hoặc tam_thoi (tạm thời)"})
    kind_label = fields.String()
    reason = fields.String()
    reason_label = fields.String()
    state = fields.String(metadata={"description": "requested, letter, received, cancelled hoặc lapsed"})
    state_label = fields.String()
    open = fields.Boolean()
    from_organisation_id = fields.Integer()
    from_organisation_name = fields.String()
    to_organisation_id = fields.Integer(allow_none=True, metadata={"description": "null: ngoài hệ thống"})
    destination_name = fields.String()
    change_day = fields.Date()
    until = fields.Date(allow_none=True, metadata={"description": "ngày cuối sinh hoạt tạm thời"})
    letter_number = fields.String(allow_none=True)
    letter_day = fields.Date(allow_none=True)
    request_by = fields.Date(allow_none=True, metadata={"description": "hạn có giấy giới thiệu (60 ngày làm việc)"})
    present_by = fields.Date(allow_none=True, metadata={"description": "hạn xuất trình (30 ngày làm việc)"})
    received_day = fields.Date(allow_none=True)
    deadline = fields.Date(allow_none=True, metadata={"description": "hạn đang tính của bước hiện tại"})
    working_days_left = fields.Integer(allow_none=True, metadata={"description": "âm: quá hạn"})


class TemporaryOut(OutputSchema):
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    until = fields.Date(allow_none=True)


class TransferOut(OutputSchema):
    current = fields.List(fields.Nested(MoveOut), metadata={"description": "các lần chuyển đang mở"})
    history = fields.List(fields.Nested(MoveOut), metadata={"description": "mọi lần chuyển, mới nhất trước"})
    temporary = fields.Nested(TemporaryOut, allow_none=True)


def move_json(move, today) -> dict:
    state = moves.state_on(move, today)
    left = moves.countdown(move, today) if state is move.state else None
    return {
        "id": move.id, "kind": move.kind.value, "kind_label": str(moves.KIND_LABELS[move.kind]),
        "reason": move.reason.value, "reason_label": str(moves.REASON_LABELS[move.reason]),
        "state": state.value, "state_label": str(moves.STATE_LABELS[state]), "open": state in OPEN_STATES,
        "from_organisation_id": move.from_cell_id,
        "from_organisation_name": move.from_cell.name, "to_organisation_id": move.to_org_id,
        "destination_name": move.destination_name, "change_day": move.change_day, "until": move.until,
        "letter_number": move.letter_number, "letter_day": move.letter_day, "request_by": move.request_by,
        "present_by": move.present_by, "received_day": move.received_day,
        "deadline": left.deadline if left else None, "working_days_left": left.days_left if left else None,
    }


@blp.route("/me/transfer")
@blp.response(200, TransferOut)
@blp.alt_response(404, description="Tài khoản không gắn với hồ sơ đảng viên")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
@login_required
def my_transfer():
    """Các lần chuyển sinh hoạt đảng của chính người gọi: trạng thái, giấy giới thiệu, hạn và số ngày làm việc còn
    lại."""
    member = service.member_for_user(current_user.id)
    require(member is not None)
    today = local_today()
    history = [move_json(move, today) for move in moves.moves_of(member.id)]
    temporary = None
    if member.temporary_cell is not None and (member.temporary_until is None or member.temporary_until >= today):
        temporary = {"organisation_id": member.temporary_cell_id, "organisation_name": member.temporary_cell.name,
                     "until": member.temporary_until}
    return {"current": [m for m in history if m["open"]], "history": history, "temporary": temporary}
