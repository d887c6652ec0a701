"""Guessing the check-in code is worthless: after 5 wrong codes a member cannot check in with a code at that
meeting (not even the right one) and is told to ask the leader, whose sheet still works; other members go on;
a meeting refuses every code for a minute after too many misses from everyone; lockouts are audited."""
from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from handbook.audit.models import AuditEvent
from handbook.auth.models import RateLimitCounter
from handbook.core.timeutil import timestamp, utcnow
from handbook.extensions import db
from handbook.meetings import attendance
from handbook.meetings.models import Attendance, AttendanceStatus
from handbook.meetings.validation import MeetingError
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, signed_in

LOCKED = "nhập sai mã điểm danh quá nhiều lần"


@pytest.fixture
def meeting(cell):
    """An in-person meeting starting in 5 minutes: check-in is open now (the real clock: the counters use it)."""
    now = utcnow()
    return make_meeting(cell.org, now + timedelta(minutes=5), now=now)


def _wrong(meeting, n: int = 1) -> list[str]:
    """Codes that are neither current nor expired (a guesser's codes)."""
    totp = pyotp.TOTP(meeting.checkin_secret, interval=attendance.CODE_SECONDS)
    step = totp.timecode(utcnow())
    used = {totp.generate_otp(s) for s in range(step - 250, step + 3)}
    return [code for code in (f"{i:06d}" for i in range(1000, 2000)) if code not in used][:n]


def _right(meeting) -> str:
    return attendance.current_code(meeting)[0]


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_sixth_code_is_refused_even_if_right_and_the_leader_still_marks_attendance(app, cell, meeting):
    for code in _wrong(meeting, 4):
        with pytest.raises(MeetingError, match="Mã điểm danh không đúng"):
            attendance.check_in(meeting, cell.member, code)
    with pytest.raises(MeetingError, match=LOCKED):  # the fifth miss says what comes next
        attendance.check_in(meeting, cell.member, _wrong(meeting)[0])
    with pytest.raises(MeetingError, match=f"{LOCKED}.*bí thư chi bộ"):
        attendance.check_in(meeting, cell.member, _right(meeting))
    assert db.session.scalars(select(Attendance)).all() == []
    [event] = _events("meeting.checkin_locked")
    assert (event.target_type, event.target_id) == ("meeting", meeting.id)
    assert event.details == {"member_id": cell.member.id, "count": 5}

    # another member is not affected
    assert attendance.check_in(meeting, cell.probation, _right(meeting)).status is AttendanceStatus.CO_MAT
    # the leader's sheet is the way in for the locked member
    attendance.record_sheet(meeting, {cell.member.id: (AttendanceStatus.CO_MAT, None)}, cell.leader_user.id)
    row = db.session.scalar(select(Attendance).where(Attendance.member_id == cell.member.id))
    assert (row.status, row.source) == (AttendanceStatus.CO_MAT, "leader")
    # the same member at another meeting is not locked out
    now = utcnow()
    other = make_meeting(cell.org, now + timedelta(minutes=20), now=now, place="Hội trường")
    assert attendance.check_in(other, cell.member, _right(other)).status is AttendanceStatus.CO_MAT


def test_the_web_form_and_the_api_share_the_count(app, cell, meeting):
    member = signed_in(app, "dangvien@test.vn")
    csrf = csrf_from(member.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    for code in _wrong(meeting, 3):
        response = member.post(f"/meetings/{meeting.id}/check-in", data={"csrf_token": csrf, "code": code})
        assert response.status_code == 400
    for code in _wrong(meeting, 2):
        response = member.post(f"/api/v1/meetings/{meeting.id}/check-in", json={"code": code},
                               headers={"X-CSRFToken": csrf})
        assert response.status_code == 400
    locked = member.post(f"/api/v1/meetings/{meeting.id}/check-in", json={"code": _right(meeting)},
                         headers={"X-CSRFToken": csrf})
    assert locked.status_code == 400 and locked.get_json()["error"]["code"] == "check_in_refused"
    assert LOCKED in locked.get_json()["error"]["message"]
    page = member.post(f"/meetings/{meeting.id}/check-in", data={"csrf_token": csrf, "code": _right(meeting)})
    assert page.status_code == 400 and LOCKED in page.get_data(as_text=True)
    [event] = _events("meeting.checkin_locked")
    assert event.actor_id == cell.member_user.id and event.ip == "127.0.0.1"

    leader = signed_in(app, "bithu@test.vn")
    sheet = leader.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    saved = leader.post(f"/meetings/{meeting.id}/attendance", data={
        "csrf_token": csrf_from(sheet), f"status_{cell.member.id}": "co_mat"})
    assert saved.status_code == 302
    assert db.session.scalar(select(Attendance.status).where(Attendance.member_id == cell.member.id)) \
        is AttendanceStatus.CO_MAT


def test_a_meeting_refuses_every_code_for_a_minute_after_too_many_misses(app, cell, meeting, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_LIMIT_MEETING", "3 per 1 minute")
    for member, code in zip((cell.member, cell.probation, cell.leader), _wrong(meeting, 3), strict=True):
        with pytest.raises(MeetingError, match="không đúng"):
            attendance.check_in(meeting, member, code)
    with pytest.raises(MeetingError, match="chờ một phút"):  # a fourth member, with the right code
        attendance.check_in(meeting, cell.paused, _right(meeting))
    assert len(_events("meeting.checkin_throttled")) == 1
    # a minute later
    db.session.execute(update(RateLimitCounter).where(RateLimitCounter.key.contains("checkin-meeting"))
                       .values(expires_at=timestamp() - 1))
    db.session.commit()
    assert attendance.check_in(meeting, cell.paused, _right(meeting)).status is AttendanceStatus.CO_MAT


def test_online_check_in_needs_no_code_and_is_not_throttled(app, cell):
    now = utcnow()
    from handbook.meetings.models import MeetingFormat

    online = make_meeting(cell.org, now + timedelta(minutes=5), now=now, format=MeetingFormat.TRUC_TUYEN,
                          place=None, online_url="https://meet.jit.si/chibo1")
    for code in _wrong(online, 5):
        with pytest.raises(MeetingError):
            attendance.check_in(online, cell.member, code)
    assert attendance.check_in(online, cell.member, None).status is AttendanceStatus.CO_MAT
