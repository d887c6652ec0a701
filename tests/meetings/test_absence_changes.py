"""Changing or withdrawing an absence notice until the meeting starts: service, page, API; the leader's sheet
always shows what holds now."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.meetings import attendance
from handbook.meetings.models import Attendance, AttendanceStatus
from handbook.meetings.scheduling import cancel_meeting
from handbook.meetings.validation import MeetingError
from tests.meetings.scenes import NOW, make_meeting
from tests.support import csrf_from, signed_in


def _line(meeting, member):
    return next(line for line in attendance.attendance_sheet(meeting) if line.member.id == member.id)


@pytest.fixture
def tomorrow(cell):
    return make_meeting(cell.org, NOW + timedelta(days=1))


# --- the service -----------------------------------------------------------------------------------

def test_the_reason_can_be_changed_and_the_notice_withdrawn_before_the_start(cell, tomorrow):
    attendance.send_absence(tomorrow, cell.member, "Đi công tác", "first-notice-01", now=NOW)
    attendance.send_absence(tomorrow, cell.member, "Con ốm, phải đưa đi viện", "changed-notice-02", now=NOW)
    line = _line(tomorrow, cell.member)
    assert (line.status, line.reason, line.source) == (AttendanceStatus.VANG_CO_LY_DO, "Con ốm, phải đưa đi viện",
                                                       "notice")
    assert len(db.session.scalars(select(Attendance)).all()) == 1  # changed, not a second notice

    assert attendance.withdraw_absence(tomorrow, cell.member, now=NOW) is True
    assert _line(tomorrow, cell.member).status is None  # expected again
    assert attendance.withdraw_absence(tomorrow, cell.member, now=NOW) is False  # a repeat is harmless
    # and a new notice can be sent afterwards
    attendance.send_absence(tomorrow, cell.member, "Lại bận", now=NOW)
    assert _line(tomorrow, cell.member).reason == "Lại bận"


def test_nothing_changes_once_the_meeting_has_started(cell, tomorrow):
    attendance.send_absence(tomorrow, cell.member, "Đi công tác", now=NOW)
    started = as_utc(tomorrow.starts_at) + timedelta(minutes=1)
    with pytest.raises(MeetingError, match="Buổi họp đã bắt đầu; không thể rút báo vắng nữa"):
        attendance.withdraw_absence(tomorrow, cell.member, now=started)
    with pytest.raises(MeetingError, match="Buổi họp đã bắt đầu; không thể báo vắng nữa"):
        attendance.send_absence(tomorrow, cell.member, "Lý do khác", now=started)
    assert _line(tomorrow, cell.member).reason == "Đi công tác"


def test_a_cancelled_meeting_and_the_leaders_entry_cannot_be_withdrawn(cell, tomorrow):
    attendance.record_sheet(tomorrow, {cell.member.id: (AttendanceStatus.VANG_CO_LY_DO, "Chi ủy ghi: ốm")},
                            cell.leader_user.id, now=NOW)
    with pytest.raises(MeetingError, match="không có báo vắng nào để rút"):
        attendance.withdraw_absence(tomorrow, cell.member, now=NOW)
    cancel_meeting(tomorrow, "Bão")
    with pytest.raises(MeetingError, match="Buổi họp đã bị hủy."):
        attendance.withdraw_absence(tomorrow, cell.member, now=NOW)
    assert _line(tomorrow, cell.member).reason == "Chi ủy ghi: ốm"


# --- the page and the leader's sheet ----------------------------------------------------------------

def _text(response) -> str:
    return response.get_data(as_text=True)


def test_member_changes_then_withdraws_on_the_page_and_the_leader_sees_each_state(app, cell):
    meeting = make_meeting(cell.org, utcnow() + timedelta(days=2), now=utcnow())
    member, leader = signed_in(app, "dangvien@test.vn"), signed_in(app, "bithu@test.vn")
    url = f"/meetings/{meeting.id}"
    csrf = csrf_from(_text(member.get(url)))
    member.post(f"{url}/absence", data={"csrf_token": csrf, "reason": "Đi công tác"})
    page = _text(member.get(url))
    assert "Cập nhật lý do" in page and "Rút báo vắng, tôi sẽ dự họp" in page
    assert re.search(r'<textarea[^>]*name="reason"[^>]*>\s*Đi công tác</textarea>', page)  # starts from what was sent
    assert "Báo vắng</button>" not in page

    changed = member.post(f"{url}/absence", data={"csrf_token": csrf, "reason": "Con ốm"})
    assert changed.status_code == 302
    assert "Đã cập nhật lý do vắng mặt." in _text(member.get(url))
    sheet = _text(leader.get(f"{url}/attendance"))
    assert 'value="Con ốm"' in sheet and "(đã báo vắng)" in sheet

    withdrawn = member.post(f"{url}/absence/withdraw", data={"csrf_token": csrf})
    assert withdrawn.status_code == 302
    page = _text(member.get(url))
    assert "Đã rút báo vắng. Chi bộ sẽ chờ đồng chí dự họp." in page
    assert "Báo vắng</button>" in page and "Vắng có lý do" not in page
    sheet = _text(leader.get(f"{url}/attendance"))
    assert 'value="Con ốm"' not in sheet and "(đã báo vắng)" not in sheet
    assert db.session.scalars(select(Attendance)).all() == []


def test_withdrawing_after_the_start_is_a_400_with_the_message(app, cell):
    now = utcnow()
    started = make_meeting(cell.org, now - timedelta(minutes=10), now=now)
    member = signed_in(app, "dangvien@test.vn")
    csrf = csrf_from(_text(member.get(f"/meetings/{started.id}")))
    response = member.post(f"/meetings/{started.id}/absence/withdraw", data={"csrf_token": csrf})
    assert response.status_code == 400 and "không thể rút báo vắng nữa" in _text(response)
    assert member.post(f"/meetings/{started.id}/absence/withdraw", data={}).status_code == 400  # no CSRF token


# --- the API (what the offline outbox sends) ----------------------------------------------------------

def test_api_withdraw_is_idempotent_and_refuses_after_the_start(app, cell):
    now = utcnow()
    meeting = make_meeting(cell.org, now + timedelta(days=2), now=now)
    started = make_meeting(cell.org, now - timedelta(minutes=10), now=now)
    client = signed_in(app, "dangvien@test.vn")
    token = csrf_from(_text(client.get(f"/meetings/{meeting.id}")))
    headers = {"X-CSRFToken": token}
    sent = client.post(f"/api/v1/meetings/{meeting.id}/absence", headers=headers,
                       json={"reason": "Đi công tác", "client_id": "api-notice-0001"})
    assert sent.status_code == 201
    changed = client.post(f"/api/v1/meetings/{meeting.id}/absence", headers=headers,
                          json={"reason": "Đi học", "client_id": "api-notice-0002"})
    assert changed.get_json()["reason"] == "Đi học"
    body = {"client_id": "api-withdraw-0001"}
    first = client.post(f"/api/v1/meetings/{meeting.id}/absence/withdraw", headers=headers, json=body)
    assert (first.status_code, first.get_json()) == (200, {"meeting_id": meeting.id, "withdrawn": True,
                                                           "status": None})
    again = client.post(f"/api/v1/meetings/{meeting.id}/absence/withdraw", headers=headers, json=body)
    assert (again.status_code, again.get_json()["withdrawn"]) == (200, False)
    late = client.post(f"/api/v1/meetings/{started.id}/absence/withdraw", headers=headers, json={})
    assert late.status_code == 400 and late.get_json()["error"]["code"] == "withdraw_refused"
    assert "không thể rút báo vắng nữa" in late.get_json()["error"]["message"]
