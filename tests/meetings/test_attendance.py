"""Invitees, absence notices, check-in with rotating codes (pyotp), client ids, the leader's sheet."""
from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from handbook.core.timeutil import as_utc
from handbook.extensions import db
from handbook.meetings import attendance
from handbook.meetings.models import Attendance, AttendanceStatus, MeetingFormat, MeetingKind, MeetingStatus
from handbook.meetings.scheduling import cancel_meeting
from handbook.meetings.validation import MeetingError
from handbook.org.access import Placement
from tests.meetings.scenes import NOW, make_meeting

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # fixed, so the codes below are deterministic


def _rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Attendance))


@pytest.fixture
def soon(cell):
    """An in-person meeting starting 10 minutes after NOW (check-in is open at NOW)."""
    meeting = make_meeting(cell.org, NOW + timedelta(minutes=10))
    meeting.checkin_secret = SECRET
    db.session.commit()
    return meeting


def code_at(meeting, when) -> str:
    return attendance.current_code(meeting, when)[0]


# --- invitees --------------------------------------------------------------------------------------

def test_invitees_are_the_active_members(cell, soon):
    ids = {m.id for m in attendance.invitees(soon)}
    assert ids == {cell.leader.id, cell.member.id, cell.probation.id, cell.exempt.id, cell.paused.id}
    assert attendance.is_invited(soon, cell.member) and attendance.is_invited(soon, cell.probation)
    assert not attendance.is_invited(soon, cell.gone)
    assert not attendance.is_invited(soon, cell.outsider)


def test_the_sheet_shows_exempt_members_as_miễn(cell, soon):
    lines = {line.member.id: line for line in attendance.attendance_sheet(soon)}
    assert set(lines) == {cell.leader.id, cell.member.id, cell.probation.id, cell.exempt.id, cell.paused.id}
    assert lines[cell.exempt.id].status is AttendanceStatus.MIEN
    assert lines[cell.paused.id].status is AttendanceStatus.MIEN
    assert lines[cell.member.id].status is None and lines[cell.probation.id].status is None


def test_a_tổ_đảng_meeting_invites_its_group_only(cell):
    cell.member.group_id = cell.group.id
    db.session.commit()
    meeting = make_meeting(cell.group, NOW + timedelta(days=1))
    assert [m.id for m in attendance.invitees(meeting)] == [cell.member.id]
    assert not attendance.is_invited(meeting, cell.leader)


@pytest.mark.parametrize("kind", ["cell", "group", "committee", "other_cell"])
def test_is_invited_agrees_with_the_invitee_list_for_everyone(cell, kind):
    """`is_invited` decides most meetings in Python (the meeting page and the absence notice ask it): for every
    member of every status and placement it must say what the invitee query says, for records and placements."""
    cell.member.group_id = cell.group.id
    cell.outsider.temporary_cell_id = cell.org.id  # attends the cell's meetings for a while
    db.session.commit()
    org = cell.group if kind == "group" else cell.other_cell if kind == "other_cell" else cell.org
    meeting = make_meeting(org, NOW + timedelta(days=1), kind=MeetingKind.CHI_UY if kind == "committee"
                           else MeetingKind.THUONG_KY)
    invited = {m.id for m in attendance.invitees(meeting)}
    everyone = (cell.leader, cell.member, cell.probation, cell.exempt, cell.paused, cell.gone, cell.outsider)
    for member in everyone:
        ref = Placement(member.id, member.cell_id, member.group_id, member.temporary_cell_id, member.status)
        assert attendance.is_invited(meeting, member) is (member.id in invited), member.full_name
        assert attendance.is_invited(meeting, ref) is (member.id in invited), member.full_name
    assert invited  # each kind invites someone, so the loop compared both answers


# --- absence notices -------------------------------------------------------------------------------

def test_absence_before_the_start(cell, soon):
    row = attendance.send_absence(soon, cell.member, "  Đi công tác Quảng Nam  ", now=NOW)
    assert (row.status, row.reason, row.source) == (AttendanceStatus.VANG_CO_LY_DO, "Đi công tác Quảng Nam", "notice")
    # a second notice replaces the reason, still one row
    attendance.send_absence(soon, cell.member, "Ốm", now=NOW)
    assert _rows() == 1 and row.reason == "Ốm"


@pytest.mark.parametrize("after", [timedelta(minutes=10), timedelta(hours=3)])
def test_absence_after_the_start_is_refused(cell, soon, after):
    with pytest.raises(MeetingError, match="Buổi họp đã bắt đầu; không thể báo vắng nữa"):
        attendance.send_absence(soon, cell.member, "Đi công tác", now=NOW + after)
    assert _rows() == 0


def test_absence_needs_a_reason_and_an_invitation(cell, soon):
    with pytest.raises(MeetingError, match="Vui lòng ghi lý do vắng mặt."):
        attendance.send_absence(soon, cell.member, "   ", now=NOW)
    with pytest.raises(MeetingError, match="Lý do tối đa 500 ký tự."):
        attendance.send_absence(soon, cell.member, "x" * 501, now=NOW)
    for stranger in (cell.outsider, cell.gone):
        with pytest.raises(MeetingError, match="Đồng chí không thuộc danh sách dự họp này."):
            attendance.send_absence(soon, stranger, "Bận", now=NOW)
    assert _rows() == 0


def test_absence_for_a_cancelled_meeting_is_refused(cell, soon):
    cancel_meeting(soon, "Bão")
    with pytest.raises(MeetingError, match="Buổi họp đã bị hủy."):
        attendance.send_absence(soon, cell.member, "Bận", now=NOW)


def test_client_id_makes_a_retry_one_record(cell, soon):
    first = attendance.send_absence(soon, cell.member, "Đi công tác", client_ref="offline-7f3a9c", now=NOW)
    # the retry arrives after the start (the phone was offline): still the first record, no error
    again = attendance.send_absence(soon, cell.member, "Đi công tác", client_ref="offline-7f3a9c",
                                    now=NOW + timedelta(hours=1))
    assert again is first
    assert _rows() == 1
    with pytest.raises(MeetingError, match="^Yêu cầu gửi lại không hợp lệ. Hãy mở lại trang buổi họp") as refused:
        attendance.send_absence(soon, cell.member, "Đi công tác", client_ref="short", now=NOW)
    assert "client_id" not in str(refused.value)  # the offline queue shows it to the member


def test_a_client_id_from_another_meeting_is_not_answered_with_that_meeting(cell, soon):
    other = make_meeting(cell.org, NOW + timedelta(days=30))
    attendance.send_absence(soon, cell.member, "Đi công tác", client_ref="reused-id-123", now=NOW)
    with pytest.raises(MeetingError, match="^Yêu cầu gửi lại không hợp lệ: nó đã được dùng cho một buổi họp khác"):
        attendance.send_absence(other, cell.member, "Ốm", client_ref="reused-id-123", now=NOW)
    assert db.session.scalar(select(func.count()).select_from(Attendance)
                             .where(Attendance.meeting_id == other.id)) == 0


# --- check-in --------------------------------------------------------------------------------------

@pytest.mark.parametrize("offset", [-timedelta(minutes=21), timedelta(minutes=101)])
def test_check_in_outside_the_window_is_refused(cell, soon, offset):
    # the window: from 30 minutes before the start (NOW + 10') until the end (NOW + 100')
    with pytest.raises(MeetingError, match="Chỉ điểm danh được trong thời gian diễn ra buổi họp."):
        attendance.check_in(soon, cell.member, code_at(soon, NOW + offset), now=NOW + offset)
    assert not attendance.checkin_open(soon, NOW + offset)
    assert attendance.checkin_open(soon, NOW - timedelta(minutes=20))


def test_in_person_check_in_needs_the_code(cell, soon):
    with pytest.raises(MeetingError, match="Họp trực tiếp: hãy quét hoặc nhập mã điểm danh"):
        attendance.check_in(soon, cell.member, None, now=NOW)
    assert _rows() == 0


def test_the_current_code_checks_in(cell, soon):
    code, left = attendance.current_code(soon, NOW + timedelta(seconds=15))
    assert len(code) == 6 and code.isdigit() and left == 45
    row = attendance.check_in(soon, cell.member, f"{code[:3]} {code[3:]}", now=NOW + timedelta(seconds=15))
    assert (row.status, row.source) == (AttendanceStatus.CO_MAT, "code")
    assert row.checkin_step == pyotp.TOTP(SECRET, interval=60).timecode(NOW)
    assert as_utc(row.checked_in_at) == NOW + timedelta(seconds=15)


def test_the_previous_code_still_works(cell, soon):
    previous = code_at(soon, NOW - timedelta(seconds=30))
    assert previous != code_at(soon, NOW)
    row = attendance.check_in(soon, cell.member, previous, now=NOW + timedelta(seconds=20))
    assert row.status is AttendanceStatus.CO_MAT


def test_an_old_code_has_expired(cell, soon):
    old = code_at(soon, NOW - timedelta(minutes=10))
    assert old not in (code_at(soon, NOW), code_at(soon, NOW - timedelta(minutes=1)))
    with pytest.raises(MeetingError, match="Mã điểm danh đã hết hạn"):
        attendance.check_in(soon, cell.member, old, now=NOW)
    assert _rows() == 0


def test_a_wrong_code_is_refused(cell, soon):
    totp = pyotp.TOTP(SECRET, interval=60)
    step = totp.timecode(NOW)
    recent = {totp.generate_otp(step - back) for back in range(300)}
    wrong = next(f"{n:06d}" for n in range(1000) if f"{n:06d}" not in recent)
    with pytest.raises(MeetingError, match="Mã điểm danh không đúng."):
        attendance.check_in(soon, cell.member, wrong, now=NOW)
    with pytest.raises(MeetingError, match="Mã điểm danh không đúng."):
        attendance.check_in(soon, cell.member, "abc", now=NOW)


def test_a_code_used_twice_by_the_same_member_is_refused(cell, soon):
    code = code_at(soon, NOW)
    attendance.check_in(soon, cell.member, code, now=NOW)
    with pytest.raises(MeetingError, match="Mã điểm danh này đã được sử dụng."):
        attendance.check_in(soon, cell.member, code, now=NOW + timedelta(seconds=30))
    # another member may use the code shown on the screen
    assert attendance.check_in(soon, cell.probation, code, now=NOW).status is AttendanceStatus.CO_MAT
    assert _rows() == 2


def test_check_in_with_a_client_id_is_idempotent(cell, soon):
    code = code_at(soon, NOW)
    first = attendance.check_in(soon, cell.member, code, client_ref="phone-42-abc", now=NOW)
    again = attendance.check_in(soon, cell.member, code, client_ref="phone-42-abc", now=NOW + timedelta(minutes=5))
    assert again is first and _rows() == 1


def test_online_meeting_self_check_in_without_a_code(cell):
    meeting = make_meeting(cell.org, NOW + timedelta(minutes=5), format=MeetingFormat.TRUC_TUYEN, place=None,
                           online_url="https://meet.jit.si/chibo1")
    assert attendance.join_open(meeting, NOW) and not attendance.join_open(meeting, NOW - timedelta(minutes=11))
    row = attendance.check_in(meeting, cell.member, None, now=NOW + timedelta(minutes=6))
    assert (row.status, row.source) == (AttendanceStatus.CO_MAT, "online")
    assert attendance.check_in(meeting, cell.member, None, now=NOW + timedelta(minutes=7)) is row
    assert _rows() == 1


def test_a_notice_then_a_check_in_is_present(cell, soon):
    attendance.send_absence(soon, cell.member, "Có thể đến muộn", now=NOW - timedelta(days=1))
    row = attendance.check_in(soon, cell.member, code_at(soon, NOW), now=NOW)
    assert (row.status, row.reason) == (AttendanceStatus.CO_MAT, None)
    assert _rows() == 1


def test_checking_in_before_the_start_does_not_mark_the_meeting_held(cell, soon):
    attendance.check_in(soon, cell.member, code_at(soon, NOW), now=NOW)  # 10 minutes early
    assert soon.status is MeetingStatus.SCHEDULED
    later = NOW + timedelta(minutes=12)
    attendance.check_in(soon, cell.probation, code_at(soon, later), now=later)
    assert soon.status is MeetingStatus.HELD


# --- the leader's sheet ----------------------------------------------------------------------------

@pytest.fixture
def held(cell):
    """A meeting held yesterday, being recorded."""
    meeting = make_meeting(cell.org, NOW - timedelta(days=1))
    assert meeting.status is MeetingStatus.HELD
    return meeting


def test_the_sheet_is_prefilled_and_the_leader_overwrites(cell, soon):
    attendance.send_absence(soon, cell.probation, "Trực cơ quan", now=NOW - timedelta(hours=1))
    attendance.check_in(soon, cell.member, code_at(soon, NOW), now=NOW)
    lines = {line.member.id: line for line in attendance.attendance_sheet(soon)}
    assert (lines[cell.member.id].status, lines[cell.member.id].source) == (AttendanceStatus.CO_MAT, "code")
    assert (lines[cell.probation.id].status, lines[cell.probation.id].reason) == (
        AttendanceStatus.VANG_CO_LY_DO, "Trực cơ quan")
    assert lines[cell.leader.id].status is None

    saved = attendance.record_sheet(soon, {
        cell.leader.id: (AttendanceStatus.CO_MAT, None),                        # no phone: recorded for them
        cell.probation.id: (AttendanceStatus.VANG_KHONG_LY_DO, ""),             # overrides the notice
        cell.member.id: (AttendanceStatus.CO_MAT, None),                        # unchanged
    }, cell.leader_user.id)
    assert saved == 3
    db.session.expire_all()
    lines = {line.member.id: line for line in attendance.attendance_sheet(soon)}
    assert (lines[cell.leader.id].status, lines[cell.leader.id].source) == (AttendanceStatus.CO_MAT, "leader")
    assert (lines[cell.probation.id].status, lines[cell.probation.id].reason) == (
        AttendanceStatus.VANG_KHONG_LY_DO, None)
    assert lines[cell.member.id].source == "code"   # the member's own check-in is kept as it was
    assert _rows() == 3


def test_the_sheet_refuses_strangers_and_excused_without_reason(cell, held):
    with pytest.raises(MeetingError, match="Danh sách có người không thuộc buổi họp này."):
        attendance.record_sheet(held, {cell.outsider.id: (AttendanceStatus.CO_MAT, None)}, cell.leader_user.id)
    with pytest.raises(MeetingError, match="Danh sách có người không thuộc buổi họp này."):
        attendance.record_sheet(held, {cell.gone.id: (AttendanceStatus.CO_MAT, None)}, cell.leader_user.id)
    with pytest.raises(MeetingError, match="Vắng có lý do cần ghi lý do."):
        attendance.record_sheet(held, {
            cell.leader.id: (AttendanceStatus.CO_MAT, None),
            cell.member.id: (AttendanceStatus.VANG_CO_LY_DO, "   "),
        }, cell.leader_user.id)
    db.session.commit()  # a refused sheet leaves nothing half-written behind
    assert _rows() == 0


def test_recording_the_sheet_before_the_meeting_does_not_mark_it_held(cell):
    from handbook.core.timeutil import utcnow

    upcoming = make_meeting(cell.org, utcnow() + timedelta(days=2), now=utcnow())
    attendance.record_sheet(upcoming, {cell.member.id: (AttendanceStatus.VANG_CO_LY_DO, "Đi học")},
                            cell.leader_user.id)
    assert upcoming.status is MeetingStatus.SCHEDULED
