"""The leader's side: recording a meeting after the fact, "Tất cả có mặt" on the sheet, the key actions as buttons,
and the committee's reminder setting shown only to those who receive it."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings import attendance
from handbook.meetings.models import Attendance, AttendanceStatus
from handbook.notify.models import NotificationPreference
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, signed_in

NOON = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)      # 12:00 in Hà Nội
EVENING = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)  # 19:30


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- recording a meeting that was held -----------------------------------------------------------------

@time_machine.travel(NOON, tick=False)
def test_recording_a_held_meeting_says_so_and_leads_to_attendance_and_minutes(app, cell):
    leader = signed_in(app, "bithu@test.vn")
    url = f"/meetings/new?org={cell.org.id}"
    form = {"csrf_token": csrf_from(_text(leader.get(url))), "kind": "thuong_ky", "format": "truc_tiep",
            "title": "", "day": date(2026, 11, 3).isoformat(), "start": "19:30", "end": "21:00",
            "place": "Nhà văn hóa tổ 5", "online_url": "", "agenda": "", "recording_held": "y"}
    response = leader.post(url, data=form)
    assert response.status_code == 302
    meeting_id = int(re.search(r"/meetings/(\d+)$", response.headers["Location"]).group(1))
    page = _text(leader.get(response.headers["Location"]))
    flash = re.search(r'<p class="flash flash-success" role="status">(.*?)</p>', page, re.S).group(1)
    assert flash.startswith("Đã ghi lại buổi họp đã tổ chức (không gửi thông báo cho đảng viên).")
    assert f'<a href="/meetings/{meeting_id}/attendance">ghi điểm danh</a>' in flash
    assert f'<a href="/meetings/{meeting_id}/minutes">ghi biên bản</a>' in flash
    assert "Đã lên lịch buổi họp" not in page
    # scheduling one ahead still says it was announced
    ahead = leader.post(url, data={**form, "day": date(2026, 12, 3).isoformat(), "recording_held": ""})
    assert "Đã lên lịch buổi họp và thông báo tới đảng viên." in _text(leader.get(ahead.headers["Location"]))


# --- "Tất cả có mặt" ----------------------------------------------------------------------------------

def _status(meeting, member):
    row = db.session.scalar(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                     Attendance.member_id == member.id))
    return (row.status, row.reason, row.source) if row else None


@time_machine.travel(EVENING - timedelta(minutes=10), tick=False)
def test_all_present_marks_the_rest_and_keeps_notices_without_javascript(app, cell):
    now = EVENING - timedelta(minutes=10)
    meeting = make_meeting(cell.org, EVENING, now=now - timedelta(days=2))
    attendance.send_absence(meeting, cell.member, "Đi công tác", now=now)
    leader = signed_in(app, "bithu@test.vn")
    url = f"/meetings/{meeting.id}/attendance"
    sheet = _text(leader.get(url))
    assert 'name="all_present" value="1"' in sheet and "Tất cả có mặt" in sheet
    # the sheet as the browser sends it: the notice pre-filled, the dự bị member set by hand, the rest empty
    response = leader.post(url, data={
        "csrf_token": csrf_from(sheet), "all_present": "1",
        f"status_{cell.member.id}": "vang_co_ly_do", f"reason_{cell.member.id}": "Đi công tác",
        f"status_{cell.probation.id}": "vang_khong_ly_do", f"status_{cell.leader.id}": ""})
    assert response.status_code == 302
    assert "1 đồng chí chưa điểm danh được ghi có mặt. Các báo vắng giữ nguyên." in _text(leader.get(url))
    assert _status(meeting, cell.leader) == (AttendanceStatus.CO_MAT, None, "leader")
    assert _status(meeting, cell.member) == (AttendanceStatus.VANG_CO_LY_DO, "Đi công tác", "notice")
    assert _status(meeting, cell.probation)[0] is AttendanceStatus.VANG_KHONG_LY_DO
    assert _status(meeting, cell.exempt) is None and _status(meeting, cell.paused) is None  # still "miễn"
    assert "Tất cả có mặt</button>" not in _text(leader.get(url))  # nobody left unmarked


def test_all_present_waits_for_the_meeting(app, cell):
    meeting = make_meeting(cell.org, utcnow() + timedelta(days=2), now=utcnow())
    leader = signed_in(app, "bithu@test.vn")
    url = f"/meetings/{meeting.id}/attendance"
    response = leader.post(url, data={"csrf_token": csrf_from(_text(leader.get(url))), "all_present": "1"})
    assert response.status_code == 400 and "chỉ đánh dấu “Tất cả có mặt” từ 30 phút trước giờ họp" in _text(response)
    assert db.session.scalars(select(Attendance)).all() == []


# --- the key actions are buttons, not links in a closed section ---------------------------------------

def test_leaders_see_buttons_and_members_do_not(app, cell):
    meeting = make_meeting(cell.org, utcnow() + timedelta(days=2), now=utcnow())
    leader, member = signed_in(app, "bithu@test.vn"), signed_in(app, "dangvien@test.vn")
    index = _text(leader.get("/meetings"))
    assert "<details" not in index
    for path in (f"/meetings/new?org={cell.org.id}", f"/meetings/series/new?org={cell.org.id}"):
        assert re.search(rf'<a class="btn[^"]*" href="{re.escape(path.replace("&", "&amp;"))}">', index), path
    page = _text(leader.get(f"/meetings/{meeting.id}"))
    for path in ("edit", "checkin-code", "attendance", "minutes"):
        assert re.search(rf'<a class="btn[^"]*" href="/meetings/{meeting.id}/{path}">', page), path
    assert "Dành cho chi ủy" not in _text(member.get(f"/meetings/{meeting.id}"))
    assert "Lập lịch cho chi bộ" not in _text(member.get("/meetings"))


# --- the committee's reminder setting -----------------------------------------------------------------

def test_the_committee_reminder_setting_is_for_leaders_only(app, cell):
    member, leader = signed_in(app, "dangvien@test.vn"), signed_in(app, "bithu@test.vn")
    page = _text(member.get("/notifications/settings"))
    assert "Việc cần làm của cấp ủy" not in page and 'name="kind_leader_task"' not in page
    leader_page = _text(leader.get("/notifications/settings"))
    assert "Việc cần làm của cấp ủy" in leader_page
    # a member's save leaves the setting they were not shown alone; a leader can turn it off
    member.post("/notifications/settings/preferences", data={"csrf_token": csrf_from(page),
                                                             "kind_meeting_change": "on"})
    leader.post("/notifications/settings/preferences", data={
        "csrf_token": csrf_from(leader_page), "kind_meeting_change": "on", "kind_meeting_reminder": "on"})
    off = set(db.session.execute(select(NotificationPreference.user_id, NotificationPreference.kind).where(
        NotificationPreference.push_enabled.is_(False))))
    assert off == {(cell.member_user.id, "meeting_reminder"), (cell.leader_user.id, "leader_task"),
                   (cell.leader_user.id, "temporary_attendance"),  # also for cell leaders only
                   (cell.leader_user.id, "admission_task"),  # leaders (and sponsors of probationary members)
                   (cell.member_user.id, "exemption"), (cell.leader_user.id, "exemption"),  # everyone's own
                   (cell.leader_user.id, "exemption_task"),  # the cell's requests: leaders only
                   (cell.member_user.id, "evaluation_self"), (cell.leader_user.id, "evaluation_self"),  # members
                   (cell.leader_user.id, "evaluation_round"),  # leaders
                   (cell.leader_user.id, "member_transfer"),  # leaders (and members with a move of their own)
                   (cell.member_user.id, "dues_unpaid"), (cell.leader_user.id, "dues_unpaid"),  # everyone's dues
                   (cell.leader_user.id, "dues_cell")}  # the cell's unpaid count: leaders only
    assert 'name="kind_temporary_attendance"' not in page and 'name="kind_temporary_attendance"' in leader_page
