"""Who is expected, absence notices, check-in (code, online, by the leader) and the attendance sheet."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import IntegrityError

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.rows import column_rows
from handbook.core.timeutil import as_utc, to_local, utcnow
from handbook.extensions import db
from handbook.meetings import checkin_guard
from handbook.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingFormat, MeetingKind, MeetingStatus
from handbook.meetings.scheduling import mark_held, meeting_end
from handbook.meetings.validation import MeetingError
from handbook.members.models import Member, MemberStatus, attends_temporarily, temporary_cell_on
from handbook.org.access import Placement
from handbook.org.models import OrgKind, Position, Role

CODE_SECONDS = 60          # a check-in code rotates every minute
CODE_GRACE_STEPS = 1       # the previous code still works (slow scanners)
CHECKIN_OPENS = timedelta(minutes=30)
JOIN_OPENS = timedelta(minutes=15)
EXPECTED = (MemberStatus.CHINH_THUC, MemberStatus.DU_BI)
EXEMPT = (MemberStatus.MIEN_SINH_HOAT, MemberStatus.TAM_MIEN)
COMMITTEE_ROLES = (Role.BI_THU, Role.PHO_BI_THU, Role.CAP_UY_VIEN)


# built once per kind of meeting (benchmarks/load.py: the meeting page and the absence notice)
@functools.cache
def _invitee_statement(group: bool, committee: bool, one_member: bool):
    """The invitee query of one kind of meeting, built once; a request binds the organisation, the meeting's day
    (and the member)."""
    org_id = bindparam("org_id")
    placed = Member.group_id == org_id if group else \
        or_(Member.cell_id == org_id, attends_temporarily(org_id, bindparam("day")))
    query = select(Member).where(placed, Member.status.in_(EXPECTED + EXEMPT))
    if committee:
        query = query.where(Member.user_id.in_(select(Position.user_id).where(
            Position.organisation_id == org_id, Position.role.in_(COMMITTEE_ROLES))))
    if one_member:
        query = query.with_only_columns(Member.id).where(Member.id == bindparam("member_id"))
    return query


def _invitee_query(meeting: Meeting, one_member: bool = False):
    """The cell's (or tổ's) active members — and those attending the cell temporarily on the meeting's day (not
    past their `temporary_until`); for a chi ủy meeting, only those holding a committee position there."""
    return _invitee_statement(meeting.organisation.kind is OrgKind.TO_DANG, meeting.kind is MeetingKind.CHI_UY,
                              one_member)


def _meeting_day(meeting: Meeting):
    return to_local(as_utc(meeting.starts_at)).date()


def invitees(meeting: Meeting) -> list[Member]:
    """Who is invited: expected members, and exempt ones shown as such."""
    return list(db.session.scalars(_invitee_query(meeting), {"org_id": meeting.organisation_id,
                                                             "day": _meeting_day(meeting)}))


def is_invited(meeting: Meeting, member: Member | Placement) -> bool:
    """Whether `member` is among `invitees(meeting)`: decided from the member's placement and status, except for
    a chi ủy meeting, which asks who holds a position there (one query). The invitee query repeated in Python
    saves a statement on the meeting page and the absence notice (benchmarks/load.py); a test holds the two
    equal for every status, placement and kind."""
    day = _meeting_day(meeting)
    if meeting.kind is not MeetingKind.CHI_UY:
        org_id = meeting.organisation_id
        placed = member.group_id == org_id if meeting.organisation.kind is OrgKind.TO_DANG \
            else org_id in (member.cell_id, temporary_cell_on(member, day))
        return placed and member.status in EXPECTED + EXEMPT
    found = column_rows(_invitee_query(meeting, one_member=True), {"org_id": meeting.organisation_id,
                                                                   "day": day, "member_id": member.id})
    return found.first() is not None


def join_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """The one-tap 'Tham gia trực tuyến' button is live from 15 minutes before until the end."""
    now = now or utcnow()
    return (meeting.online_url is not None and meeting.status is not MeetingStatus.CANCELLED
            and as_utc(meeting.starts_at) - JOIN_OPENS <= now <= meeting_end(meeting))


def checkin_open(meeting: Meeting, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (meeting.status is not MeetingStatus.CANCELLED
            and as_utc(meeting.starts_at) - CHECKIN_OPENS <= now <= meeting_end(meeting))


def _record(meeting: Meeting, member: Member | Placement,
            client_ref: str | None) -> tuple[Attendance | None, Attendance | None]:
    """(the row for this member at this meeting, a row already made with this client id)."""
    rows = db.session.scalars(select(Attendance).where(
        Attendance.member_id == member.id,
        or_(Attendance.meeting_id == meeting.id, Attendance.client_ref == client_ref) if client_ref
        else Attendance.meeting_id == meeting.id,
    )).all()
    mine = next((r for r in rows if r.meeting_id == meeting.id), None)
    replay = next((r for r in rows if client_ref and r.client_ref == client_ref), None)
    if replay is not None and replay.meeting_id != meeting.id:
        # the id is unique per member: never answer with (or overwrite) another meeting's record
        raise MeetingError(_("Yêu cầu gửi lại không hợp lệ: nó đã được dùng cho một buổi họp khác. Hãy mở lại "
                             "trang buổi họp rồi gửi lại."))
    return mine, replay


def _check_client_ref(client_ref: str | None) -> str | None:
    """The id an offline retry carries (the API's client_id): 8 to 64 characters. Its messages reach members through
    the offline queue, so they name no field."""
    if client_ref is None:
        return None
    client_ref = client_ref.strip()
    if not 8 <= len(client_ref) <= 64:
        raise MeetingError(_("Yêu cầu gửi lại không hợp lệ. Hãy mở lại trang buổi họp rồi gửi lại."))
    return client_ref


def send_absence(meeting: Meeting, member: Member | Placement, reason: str, client_ref: str | None = None,
                 now: datetime | None = None) -> Attendance:
    """'Báo vắng' before the meeting; a retry with the same client id returns the first record."""
    client_ref = _check_client_ref(client_ref)
    mine, replay = _record(meeting, member, client_ref)
    if replay is not None:
        return replay
    now = now or utcnow()
    reason = (reason or "").strip()
    if not is_invited(meeting, member):
        raise MeetingError(_("Đồng chí không thuộc danh sách dự họp này."))
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_("Buổi họp đã bị hủy."))
    if now >= as_utc(meeting.starts_at):
        raise MeetingError(_("Buổi họp đã bắt đầu; không thể báo vắng nữa. Hãy liên hệ bí thư chi bộ."))
    if not reason:
        raise MeetingError(_("Vui lòng ghi lý do vắng mặt."))
    if len(reason) > 500:
        raise MeetingError(_("Lý do tối đa 500 ký tự."))
    if mine is not None and mine.status is AttendanceStatus.CO_MAT:
        raise MeetingError(_("Đồng chí đã điểm danh có mặt ở buổi họp này."))
    row = mine or Attendance(meeting_id=meeting.id, member_id=member.id, source="notice")
    row.status, row.reason, row.source, row.client_ref = AttendanceStatus.VANG_CO_LY_DO, reason, "notice", client_ref
    row.checked_in_at = None
    return _save(row, meeting, member, client_ref)


def absence_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """A notice can be sent, changed or withdrawn until the meeting starts."""
    return meeting.status is MeetingStatus.SCHEDULED and (now or utcnow()) < as_utc(meeting.starts_at)


def withdraw_absence(meeting: Meeting, member: Member | Placement, now: datetime | None = None) -> bool:
    """Take back one's own absence notice before the meeting: the member is expected again (the sheet shows no
    entry for them). False when there was no notice — a repeated withdrawal (an offline retry) is not an error."""
    now = now or utcnow()
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_("Buổi họp đã bị hủy."))
    if not absence_open(meeting, now):
        raise MeetingError(_("Buổi họp đã bắt đầu; không thể rút báo vắng nữa. Hãy liên hệ bí thư chi bộ."))
    mine, _replay = _record(meeting, member, None)
    if mine is None:
        return False
    if mine.status is not AttendanceStatus.VANG_CO_LY_DO or mine.source != "notice":
        raise MeetingError(_("Đồng chí không có báo vắng nào để rút ở buổi họp này."))
    db.session.delete(mine)
    db.session.commit()
    return True


def _save(row: Attendance, meeting: Meeting, member: Member | Placement, client_ref: str | None) -> Attendance:
    """Commit; if a simultaneous first request won the race, answer with its record instead of failing."""
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        mine, replay = _record(meeting, member, client_ref)
        if replay is not None or mine is not None:
            return replay or mine
        raise
    return row


def current_code(meeting: Meeting, now: datetime | None = None) -> tuple[str, int]:
    """The code to show on the leader's screen now, and the seconds it has left."""
    now = now or utcnow()
    totp = pyotp.TOTP(meeting.checkin_secret, interval=CODE_SECONDS)
    left = CODE_SECONDS - int(now.timestamp()) % CODE_SECONDS
    return totp.at(now), left


def _code_step(meeting: Meeting, code: str, now: datetime) -> int:
    """The time step the code belongs to, or an error saying whether it expired or is wrong."""
    totp = pyotp.TOTP(meeting.checkin_secret, interval=CODE_SECONDS)
    step = totp.timecode(now)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    for back in range(CODE_GRACE_STEPS + 1):
        if totp.generate_otp(step - back) == code:
            return step - back
    for back in range(CODE_GRACE_STEPS + 1, 240):
        if totp.generate_otp(step - back) == code:
            raise MeetingError(_("Mã điểm danh đã hết hạn. Hãy quét mã mới trên màn hình của chi bộ."))
    raise MeetingError(_("Mã điểm danh không đúng."))


def check_in(meeting: Meeting, member: Member | Placement, code: str | None = None, client_ref: str | None = None,
             now: datetime | None = None, actor: Actor | None = None) -> Attendance:
    """Check in with the rotating code (in person) or without one (online/hybrid meetings). Wrong codes are
    counted: too many and the member (or, for a minute, the meeting) can no longer check in with a code
    (meetings/checkin_guard.py; `actor` for its audit)."""
    client_ref = _check_client_ref(client_ref)
    mine, replay = _record(meeting, member, client_ref)
    if replay is not None:
        return replay
    now = now or utcnow()
    if not is_invited(meeting, member):
        raise MeetingError(_("Đồng chí không thuộc danh sách dự họp này."))
    if not checkin_open(meeting, now):
        raise MeetingError(_("Chỉ điểm danh được trong thời gian diễn ra buổi họp."))
    step = None
    if code:
        checkin_guard.refuse_if_blocked(meeting, member.id)
        try:
            step = _code_step(meeting, code, now)
        except MeetingError as exc:
            locked = checkin_guard.count_miss(meeting, member.id, actor or Actor(getattr(member, "user_id", None)))
            raise MeetingError(locked or str(exc)) from exc
        if mine is not None and mine.checkin_step == step:
            raise MeetingError(_("Mã điểm danh này đã được sử dụng."))
    elif meeting.format is MeetingFormat.TRUC_TIEP:
        raise MeetingError(_("Họp trực tiếp: hãy quét hoặc nhập mã điểm danh của chi bộ."))
    if mine is not None and mine.status is AttendanceStatus.CO_MAT and step is None:
        return mine
    row = mine or Attendance(meeting_id=meeting.id, member_id=member.id, source="online")
    row.status, row.reason = AttendanceStatus.CO_MAT, None
    row.source = "code" if step is not None else "online"
    row.checkin_step, row.client_ref = step, client_ref or row.client_ref
    row.checked_in_at = now
    mark_held(meeting, now)
    return _save(row, meeting, member, client_ref)


def is_temporary(meeting: Meeting, member: Member) -> bool:
    """Attending this cell temporarily: invited, but not voting and not counted here."""
    return member.temporary_cell_id == meeting.organisation_id and member.cell_id != meeting.organisation_id


@dataclass
class SheetLine:
    member: Member
    status: AttendanceStatus | None   # None: nothing known yet
    reason: str | None
    source: str | None
    temporary: bool = False           # sinh hoạt tạm thời: shown as non-voting


def attendance_sheet(meeting: Meeting) -> list[SheetLine]:
    """Every invitee with what is known: check-ins, notices, the leader's entries; exempt members as 'miễn'."""
    rows = {a.member_id: a for a in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))}
    lines = []
    for member in invitees(meeting):
        row = rows.get(member.id)
        temporary = is_temporary(meeting, member)
        if row is not None:
            lines.append(SheetLine(member, row.status, row.reason, row.source, temporary))
        elif member.status in EXEMPT:
            lines.append(SheetLine(member, AttendanceStatus.MIEN, None, None, temporary))
        else:
            lines.append(SheetLine(member, None, None, None, temporary))
    return lines


def record_sheet(meeting: Meeting, entries: dict[int, tuple[AttendanceStatus, str | None]], by_user_id: int, *,
                 rest_present: bool = False, now: datetime | None = None, actor: Actor | None = None) -> int:
    """The leader's attendance sheet, also for members without a phone; one transaction. With `rest_present`
    ("Tất cả có mặt"), every expected invitee still without an entry is marked present as well — absence notices
    and what is already recorded stay as they are, exempt members stay exempt. Returns the entries written.
    Audited with how many rows it held, changed, and marked present (the leader's check-ins)."""
    people = invitees(meeting)
    allowed = {m.id for m in people}
    unknown = set(entries) - allowed
    if unknown:
        raise MeetingError(_("Danh sách có người không thuộc buổi họp này."))
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_("Buổi họp đã bị hủy."))
    # every entry is checked before any row changes: a refused sheet leaves nothing half-written in the session
    cleaned = {member_id: (status, (reason or "").strip()[:500] or None)
               for member_id, (status, reason) in entries.items()}
    if any(status is AttendanceStatus.VANG_CO_LY_DO and not reason for status, reason in cleaned.values()):
        raise MeetingError(_("Vắng có lý do cần ghi lý do."))
    now = now or utcnow()
    if rest_present and now < as_utc(meeting.starts_at) - CHECKIN_OPENS:
        raise MeetingError(_("Buổi họp chưa đến giờ; chỉ đánh dấu “Tất cả có mặt” từ 30 phút trước giờ họp."))
    rows = {a.member_id: a for a in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))}
    if rest_present:
        for member in people:
            if member.id not in cleaned and member.id not in rows and member.status in EXPECTED:
                cleaned[member.id] = (AttendanceStatus.CO_MAT, None)
    changed = present = 0
    for member_id, (status, reason) in cleaned.items():
        row = rows.get(member_id) or Attendance(meeting_id=meeting.id, member_id=member_id, source="leader")
        if row.status is not status or row.reason != reason:
            changed += 1
            present += status is AttendanceStatus.CO_MAT
            row.status, row.reason, row.source, row.recorded_by_id = status, reason, "leader", by_user_id
        db.session.add(row)
    mark_held(meeting, now)
    audit.record("meeting.attendance", actor if actor is not None else Actor(user_id=by_user_id),
                 target_type="meeting", target_id=meeting.id, rows=len(cleaned), changed=changed, present=present)
    db.session.commit()
    return len(cleaned)
