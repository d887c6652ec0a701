"""Meetings over JSON: the caller's meetings, scheduling (leaders), absence and check-in (idempotent)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from handbook.api.fields import FIELD_ERRORS, ID_RANGE, InputSchema, OutputSchema, UtcDateTime, text
from handbook.caller import current_access, current_actor
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import as_utc
from handbook.core.web import json_error, require
from handbook.extensions import db
from handbook.meetings import attendance, queries, scheduling
from handbook.meetings.audience import can_see_meeting
from handbook.meetings.models import Attendance, Meeting, MeetingFormat, MeetingKind
from handbook.meetings.validation import MeetingError
from handbook.org.access import can_manage_org, can_see_org
from handbook.org.models import Organisation

blp = Blueprint("api_meetings", __name__, url_prefix="/api/v1", description="Sinh hoạt chi bộ")
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]
ONE_OF = _l("Phải là một trong: {choices}.")
NAIVE = _l("Thời gian cần có múi giờ, ví dụ 2026-12-03T19:30:00+07:00.")


class AgendaOut(OutputSchema):
    position = fields.Integer()
    title = fields.String()


class DocumentOut(OutputSchema):
    id = fields.Integer()
    title = fields.String()
    url = fields.String()


class MeetingOut(OutputSchema):
    id = fields.Integer()
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    kind = fields.String()
    format = fields.String()
    title = fields.String()
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    duration_minutes = fields.Integer()
    place = fields.String(allow_none=True)
    online_url = fields.String(allow_none=True)
    status = fields.String()
    cancel_reason = fields.String(allow_none=True)
    my_attendance = fields.String(allow_none=True, metadata={"description": "co_mat, vang_co_ly_do, …"})
    url = fields.String()


class MeetingDetailOut(MeetingOut):
    agenda = fields.List(fields.Nested(AgendaOut))
    documents = fields.List(fields.Nested(DocumentOut))
    can_manage = fields.Boolean()


class MeetingListOut(OutputSchema):
    items = fields.List(fields.Nested(MeetingOut))
    upcoming = fields.Integer(metadata={"description": "số buổi sắp tới ở đầu danh sách"})


class MeetingIn(InputSchema):
    organisation_id = fields.Integer(required=True, strict=True, error_messages=FIELD_ERRORS, validate=ID_RANGE)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in MeetingKind], error=ONE_OF),
                         error_messages=FIELD_ERRORS)
    format = fields.String(load_default=MeetingFormat.TRUC_TIEP.value,
                           validate=validate.OneOf([f.value for f in MeetingFormat], error=ONE_OF),
                           error_messages=FIELD_ERRORS)
    title = text(required=False, max_length=200, min_length=0)
    starts_at = fields.AwareDateTime(required=True, error_messages={**FIELD_ERRORS, "naive": NAIVE})
    ends_at = fields.AwareDateTime(required=True, error_messages={**FIELD_ERRORS, "naive": NAIVE})
    place = text(required=False, max_length=255, min_length=0, allow_none=True)
    online_url = text(required=False, max_length=500, min_length=0, allow_none=True)
    combined_thematic = fields.Boolean(load_default=False, error_messages=FIELD_ERRORS)
    recording_held = fields.Boolean(load_default=False, error_messages=FIELD_ERRORS)
    agenda = fields.List(text(max_length=300), load_default=list, error_messages=FIELD_ERRORS,
                         validate=validate.Length(max=50, error=_l("Tối đa {max} nội dung.")))


class AbsenceIn(InputSchema):
    reason = text(max_length=500, multiline=True)
    client_id = text(required=False, max_length=64, min_length=8,
                     metadata={"description": "mã do ứng dụng tạo; gửi lại cùng mã không tạo bản ghi thứ hai"})


class CheckinIn(InputSchema):
    code = text(required=False, max_length=12, min_length=4)
    client_id = text(required=False, max_length=64, min_length=8)


class AttendanceOut(OutputSchema):
    meeting_id = fields.Integer()
    status = fields.String()
    reason = fields.String(allow_none=True)
    client_id = fields.String(allow_none=True)


def _meeting_dict(meeting: Meeting, mine=None) -> dict:
    end = scheduling.meeting_end(meeting)
    return {
        "id": meeting.id, "organisation_id": meeting.organisation_id, "organisation_name": meeting.organisation.name,
        "kind": meeting.kind.value, "format": meeting.format.value, "title": meeting.title,
        "starts_at": as_utc(meeting.starts_at), "ends_at": end, "duration_minutes": meeting.duration_minutes,
        "place": meeting.place, "online_url": meeting.online_url, "status": meeting.status.value,
        "cancel_reason": meeting.cancel_reason, "my_attendance": mine.status.value if mine else None,
        "url": url_for("meetings.show", meeting_id=meeting.id),
    }


def _visible(meeting_id: int) -> Meeting:
    """The meeting if the caller is in its audience (`can_see_meeting`); 404 otherwise."""
    meeting = db.session.get(Meeting, meeting_id)
    require(meeting is not None and can_see_meeting(current_access(), meeting))
    return meeting


@blp.route("/meetings")
@blp.response(200, MeetingListOut)
@blp.doc(security=SECURITY)
@login_required
def list_meetings():
    """Các buổi sinh hoạt sắp tới và gần đây của chi bộ (và tổ đảng) của người gọi."""
    access = current_access()
    member = access.member  # None for an account without a member record and for a member who left
    upcoming, past = queries.meetings_for_orgs(queries.member_orgs(member), access=access) if member else ([], [])
    mine = queries.attendance_of(member, [m.id for m in upcoming + past]) if member else {}
    return {"items": [_meeting_dict(m, mine.get(m.id)) for m in upcoming + past], "upcoming": len(upcoming)}


@blp.route("/meetings", methods=["POST"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(MeetingIn)
@blp.response(201, MeetingDetailOut)
@blp.alt_response(400, description="Vi phạm quy định (giờ, đường dẫn, ngày trong quá khứ…)")
@blp.alt_response(403, description="Không phải chi ủy hoặc cấp ủy cấp trên")
@blp.doc(security=SECURITY)
def create_meeting(payload):
    """Lên lịch một buổi sinh hoạt (chi ủy hoặc cấp ủy cấp trên)."""
    org = db.session.get(Organisation, payload["organisation_id"])
    access = current_access()
    require(org is not None and can_see_org(access, org))
    require(can_manage_org(access, org), 403)
    data = scheduling.MeetingInput(
        kind=MeetingKind(payload["kind"]), format=MeetingFormat(payload["format"]), title=payload.get("title"),
        starts_at=payload["starts_at"], ends_at=payload["ends_at"], place=payload.get("place"),
        online_url=payload.get("online_url") or None, combined_thematic=payload["combined_thematic"],
        recording_held=payload["recording_held"], agenda=payload["agenda"],
    )
    try:
        meeting = scheduling.create_meeting(org, data, current_user.id, actor=current_actor())
    except MeetingError as exc:
        return json_error(400, str(exc), code="invalid_meeting")
    return _detail(meeting)


def _detail(meeting: Meeting) -> dict:
    member = current_access().member
    mine = queries.attendance_of(member, [meeting.id]).get(meeting.id) if member else None
    return {
        **_meeting_dict(meeting, mine),
        "agenda": [{"position": a.position, "title": a.title} for a in meeting.agenda],
        "documents": [{"id": d.id, "title": d.title,
                       "url": url_for("meetings.document", meeting_id=meeting.id, document_id=d.id)}
                      for d in meeting.documents],
        "can_manage": can_manage_org(current_access(), meeting.organisation),
    }


@blp.route("/meetings/<int:meeting_id>")
@blp.response(200, MeetingDetailOut)
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi của người gọi")
@blp.doc(security=SECURITY)
@login_required
def get_meeting(meeting_id: int):
    """Một buổi sinh hoạt: chương trình, tài liệu, tình trạng tham dự của người gọi."""
    return _detail(_visible(meeting_id))


def _attendance_reply(row, created: bool):
    body = {"meeting_id": row.meeting_id, "status": row.status.value, "reason": row.reason, "client_id": row.client_ref}
    return body, 201 if created else 200


def _caller_member():
    member = current_access().member  # the placement the attendance is written with; none for a member who left
    require(member is not None, 403)
    return member


def _attendance_action(meeting_id: int, client_id: str | None, action, refused_code: str):
    """Absence and check-in alike: scope, the caller's member record, the action, 201 or 200 on a retry."""
    meeting = _visible(meeting_id)
    member = _caller_member()
    before = _existing(member, client_id)
    try:
        row = action(meeting, member)
    except MeetingError as exc:
        return json_error(400, str(exc), code=refused_code)
    return _attendance_reply(row, created=before is None)


@blp.route("/meetings/<int:meeting_id>/absence", methods=["POST"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(AbsenceIn)
@blp.response(201, AttendanceOut)
@blp.alt_response(200, schema=AttendanceOut, description="Đã nhận trước đó (cùng client_id)")
@blp.doc(security=SECURITY)
def send_absence(payload, meeting_id: int):
    """Báo vắng trước buổi họp, kèm lý do; gửi lại (với client_id mới) để sửa lý do cho đến giờ họp."""
    client_id = payload.get("client_id")
    return _attendance_action(meeting_id, client_id, lambda meeting, member: attendance.send_absence(
        meeting, member, payload["reason"], client_id), "absence_refused")


class WithdrawIn(InputSchema):
    client_id = text(required=False, max_length=64, min_length=8,
                     metadata={"description": "mã do ứng dụng tạo (hàng đợi ngoại tuyến); rút lại lần nữa không lỗi"})


class WithdrawOut(OutputSchema):
    meeting_id = fields.Integer()
    withdrawn = fields.Boolean(metadata={"description": "false: không còn báo vắng nào (đã rút trước đó)"})
    status = fields.String(allow_none=True, metadata={"description": "null: chi bộ chờ đồng chí dự họp"})


@blp.route("/meetings/<int:meeting_id>/absence/withdraw", methods=["POST"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(WithdrawIn)
@blp.response(200, WithdrawOut)
@blp.alt_response(400, description="Buổi họp đã bắt đầu hoặc đã hủy; hoặc vắng do chi ủy ghi")
@blp.doc(security=SECURITY)
def withdraw_absence(payload, meeting_id: int):
    """Rút báo vắng trước giờ họp: đồng chí lại được chờ dự họp."""
    meeting = _visible(meeting_id)
    member = _caller_member()
    try:
        withdrawn = attendance.withdraw_absence(meeting, member)
    except MeetingError as exc:
        return json_error(400, str(exc), code="withdraw_refused")
    return {"meeting_id": meeting_id, "withdrawn": withdrawn, "status": None}


@blp.route("/meetings/<int:meeting_id>/check-in", methods=["POST"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(CheckinIn)
@blp.response(201, AttendanceOut)
@blp.alt_response(200, schema=AttendanceOut, description="Đã nhận trước đó (cùng client_id)")
@blp.doc(security=SECURITY)
def check_in(payload, meeting_id: int):
    """Điểm danh: bằng mã xoay vòng (họp trực tiếp) hoặc không cần mã (họp trực tuyến)."""
    client_id = payload.get("client_id")
    return _attendance_action(meeting_id, client_id, lambda meeting, member: attendance.check_in(
        meeting, member, payload.get("code"), client_id, actor=current_actor()), "check_in_refused")


def _existing(member, client_id: str | None):
    """The record an earlier request with this client id made, if any (so a retry answers 200)."""
    if not client_id:
        return None
    return db.session.scalar(select(Attendance).where(Attendance.member_id == member.id,
                                                      Attendance.client_ref == client_id.strip()))
