"""Scheduling one meeting, editing, cancelling, and the yearly series (dateutil rrule + VN holidays)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from handbook.core.timeutil import as_utc
from handbook.extensions import db
from handbook.meetings import scheduling
from handbook.meetings.models import Meeting, MeetingFormat, MeetingKind, MeetingSeries, MeetingStatus
from handbook.meetings.validation import MeetingError
from tests.meetings.scenes import NOW, make_meeting, meeting_input

TOMORROW_EVENING = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)  # 19:30 in Hà Nội


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- one meeting ---------------------------------------------------------------------------------

def test_create_with_defaults(cell, changes):
    meeting = make_meeting(cell.org, TOMORROW_EVENING, by=cell.leader_user,
                           agenda=["Kiểm điểm công tác tháng 11", "  ", "Triển khai nhiệm vụ tháng 12"])
    assert meeting.title == "Sinh hoạt chi bộ thường kỳ tháng 11/2026"
    assert meeting.duration_minutes == 90
    assert meeting.status is MeetingStatus.SCHEDULED
    assert meeting.created_by_id == cell.leader_user.id
    assert [(a.position, a.title) for a in meeting.agenda] == [
        (1, "Kiểm điểm công tác tháng 11"), (2, "Triển khai nhiệm vụ tháng 12")]
    assert len(meeting.checkin_secret) >= 16
    assert changes == [(meeting.id, "created")]


def test_create_with_title_and_combined_length(cell):
    meeting = make_meeting(cell.org, TOMORROW_EVENING, minutes=120, combined_thematic=True,
                           title="  Sinh hoạt kết hợp chuyên đề học tập và làm theo Bác  ")
    assert meeting.title == "Sinh hoạt kết hợp chuyên đề học tập và làm theo Bác"
    assert meeting.duration_minutes == 120
    assert meeting.combined_thematic is True


def test_a_tổ_đảng_may_meet_but_not_a_ward(cell):
    assert make_meeting(cell.group, TOMORROW_EVENING).organisation_id == cell.group.id
    with pytest.raises(MeetingError, match="Chỉ chi bộ hoặc tổ đảng"):
        make_meeting(cell.ward, TOMORROW_EVENING)


@pytest.mark.parametrize("fields,minutes,message", [
    ({}, 0, "Giờ kết thúc phải sau giờ bắt đầu."),
    ({}, -30, "Giờ kết thúc phải sau giờ bắt đầu."),
    ({}, 89, "Sinh hoạt thường kỳ cần ít nhất 90 phút"),
    ({"combined_thematic": True}, 119, "Sinh hoạt thường kỳ cần ít nhất 120 phút"),
    ({"format": MeetingFormat.TRUC_TUYEN, "online_url": "javascript:alert(1)"}, 90,
     "Đường dẫn họp trực tuyến phải là địa chỉ http:// hoặc https:// hợp lệ."),
    ({"format": MeetingFormat.TRUC_TUYEN, "online_url": "ftp://meet.example.vn/phong"}, 90,
     "Đường dẫn họp trực tuyến phải là địa chỉ http:// hoặc https://"),
    ({"format": MeetingFormat.TRUC_TUYEN, "online_url": "https://"}, 90, "http:// hoặc https://"),
    ({"format": MeetingFormat.TRUC_TUYEN, "online_url": None}, 90,
     "Họp trực tuyến hoặc kết hợp cần có đường dẫn tham gia."),
    ({"format": MeetingFormat.KET_HOP, "online_url": "https://meet.jit.si/chibo1", "place": "  "}, 90,
     "Họp trực tiếp hoặc kết hợp cần có địa điểm."),
    ({"format": MeetingFormat.TRUC_TIEP, "place": None}, 90, "Họp trực tiếp hoặc kết hợp cần có địa điểm."),
])
def test_bad_input_is_refused_with_a_vietnamese_message(cell, changes, fields, minutes, message):
    with pytest.raises(MeetingError) as caught:
        make_meeting(cell.org, TOMORROW_EVENING, minutes=minutes, **fields)
    assert message in str(caught.value)
    assert _count(Meeting) == 0
    assert changes == []


def test_a_short_thematic_meeting_is_allowed(cell):
    meeting = make_meeting(cell.org, TOMORROW_EVENING, minutes=60, kind=MeetingKind.CHUYEN_DE)
    assert meeting.duration_minutes == 60


def test_online_meeting_needs_no_place_and_keeps_its_link(cell):
    meeting = make_meeting(cell.org, TOMORROW_EVENING, format=MeetingFormat.TRUC_TUYEN, place=None,
                           online_url="  https://zoom.us/j/123456789  ")
    assert meeting.online_url == "https://zoom.us/j/123456789"
    assert meeting.place is None


def test_a_new_meeting_in_the_past_is_refused_unless_recording_one_held(cell, changes):
    yesterday = NOW - timedelta(days=1)
    with pytest.raises(MeetingError, match="Không thể lên lịch một buổi họp trong quá khứ"):
        make_meeting(cell.org, yesterday, recording_held=False)
    held = make_meeting(cell.org, yesterday, recording_held=True)
    assert held.status is MeetingStatus.HELD
    assert changes == []  # recording a past meeting tells nobody
    # a few minutes late is still "now"
    assert make_meeting(cell.org, NOW - timedelta(minutes=4), recording_held=False).status is MeetingStatus.SCHEDULED


def test_update_that_moves_the_meeting_tells_the_invitees(cell, changes):
    meeting = make_meeting(cell.org, TOMORROW_EVENING, agenda=["Nội dung cũ"])
    changes.clear()
    later = TOMORROW_EVENING + timedelta(days=2)
    scheduling.update_meeting(meeting, meeting_input(later, format=MeetingFormat.KET_HOP,
                                                     online_url="https://meet.jit.si/chibo1",
                                                     agenda=["Nội dung mới"]), now=NOW)
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert changes == [(meeting.id, "moved")]
    assert meeting.format is MeetingFormat.KET_HOP
    assert meeting.online_url == "https://meet.jit.si/chibo1"
    assert [a.title for a in meeting.agenda] == ["Nội dung mới"]
    assert scheduling.meeting_end(meeting) == later + timedelta(minutes=90)


def test_update_in_place_is_an_update_not_a_move(cell, changes):
    meeting = make_meeting(cell.org, TOMORROW_EVENING)
    changes.clear()
    scheduling.update_meeting(meeting, meeting_input(TOMORROW_EVENING, 120, place="Hội trường phường"), now=NOW)
    assert changes == [(meeting.id, "updated")]
    assert meeting.duration_minutes == 120


def test_update_refuses_moving_into_the_past_and_bad_links(cell, changes):
    meeting = make_meeting(cell.org, TOMORROW_EVENING)
    changes.clear()
    with pytest.raises(MeetingError, match="trong quá khứ"):
        scheduling.update_meeting(meeting, meeting_input(NOW - timedelta(days=2)), now=NOW)
    with pytest.raises(MeetingError, match="http:// hoặc https://"):
        scheduling.update_meeting(meeting, meeting_input(TOMORROW_EVENING, format=MeetingFormat.KET_HOP,
                                                         online_url="javascript:alert(1)"), now=NOW)
    assert changes == []
    db.session.rollback()
    assert as_utc_start(meeting) == TOMORROW_EVENING


def as_utc_start(meeting):
    return db.session.get(Meeting, meeting.id).starts_at.replace(tzinfo=UTC)


def test_cancel_needs_a_reason_and_tells_the_invitees(cell, changes):
    meeting = make_meeting(cell.org, TOMORROW_EVENING)
    changes.clear()
    with pytest.raises(MeetingError, match="Vui lòng ghi lý do hủy"):
        scheduling.cancel_meeting(meeting, "   ")
    assert changes == []
    scheduling.cancel_meeting(meeting, "Trùng lịch họp của Đảng ủy phường")
    assert meeting.status is MeetingStatus.CANCELLED
    assert meeting.cancel_reason == "Trùng lịch họp của Đảng ủy phường"
    assert changes == [(meeting.id, "cancelled")]
    with pytest.raises(MeetingError, match="Chỉ hủy được buổi họp chưa diễn ra"):
        scheduling.cancel_meeting(meeting, "Lần nữa")
    with pytest.raises(MeetingError, match="đã bị hủy"):
        scheduling.update_meeting(meeting, meeting_input(TOMORROW_EVENING), now=NOW)


def test_local_datetime_is_stored_in_utc(app):
    assert scheduling.local_datetime(date(2027, 1, 3), time(19, 30)) == datetime(2027, 1, 3, 12, 30, tzinfo=UTC)


# --- the yearly series -----------------------------------------------------------------------------

TODAY = date(2026, 11, 22)


def test_plan_series_flags_weekends_and_vietnamese_holidays(app):
    plan = scheduling.plan_series(2027, 3, today=TODAY)
    assert [p.day for p in plan] == [date(2027, m, 3) for m in range(1, 13)]
    assert {p.month for p in plan if p.weekend} == {1, 4, 7, 10}  # 3/1 Sun, 3/4 Sat, 3/7 Sat, 3/10 Sun
    holidays = {p.month: p.holiday for p in plan if p.holiday}
    assert set(holidays) == {5, 9}
    assert "Quốc khánh" in holidays[9]          # 3/9/2027, the day after National Day
    assert "Lao động" in holidays[5]            # 3/5/2027, the day off in lieu of 1 May (a Saturday)
    assert {p.month for p in plan if p.flagged} == {1, 4, 5, 7, 9, 10}


def test_plan_series_for_this_year_only_keeps_dates_ahead(app):
    plan = scheduling.plan_series(2026, 3, today=TODAY)
    assert [p.day for p in plan] == [date(2026, 12, 3)]


@pytest.mark.parametrize("year,day,message", [
    (2025, 3, "Chỉ lập lịch cho năm nay hoặc năm sau."),
    (2028, 3, "Chỉ lập lịch cho năm nay hoặc năm sau."),
    (2027, 29, "Ngày họp hằng tháng phải từ 1 đến 28."),
    (2027, 0, "Ngày họp hằng tháng phải từ 1 đến 28."),
])
def test_plan_series_refuses(app, year, day, message):
    with pytest.raises(MeetingError, match=message):
        scheduling.plan_series(year, day, today=TODAY)


def test_create_series_makes_the_year_at_19_30_local(cell, changes):
    series, meetings = scheduling.create_series(cell.org, 2027, cell.leader_user.id, place="Nhà văn hóa tổ 5",
                                                today=TODAY)
    assert series.day_of_month == 3 and series.local_time == "19:30"
    assert len(meetings) == 12
    db.session.expire_all()
    stored = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert [m.starts_at.replace(tzinfo=UTC) for m in stored] == [
        datetime(2027, m, 3, 12, 30, tzinfo=UTC) for m in range(1, 13)]
    assert {m.kind for m in stored} == {MeetingKind.THUONG_KY}
    assert {m.series_id for m in stored} == {series.id}
    assert {m.place for m in stored} == {"Nhà văn hóa tổ 5"}
    assert stored[0].title == "Sinh hoạt chi bộ thường kỳ tháng 01/2027"
    assert len({m.checkin_secret for m in stored}) == 12  # every meeting its own check-in secret
    assert changes == []  # the series is announced once, as a whole (test_series_preview.py)


def test_create_series_with_own_time_and_a_shift_for_tết(cell):
    _series, meetings = scheduling.create_series(
        cell.org, 2027, cell.leader_user.id, day_of_month=5, local_time="08:00",
        shifts={2: date(2027, 2, 18)}, place="Nhà văn hóa", today=TODAY)
    starts = {as_utc(m.starts_at).date(): as_utc(m.starts_at) for m in meetings}
    assert date(2027, 2, 5) not in starts                      # giao thừa Tết
    assert starts[date(2027, 2, 18)] == datetime(2027, 2, 18, 1, 0, tzinfo=UTC)  # 08:00 local
    assert starts[date(2027, 3, 5)] == datetime(2027, 3, 5, 1, 0, tzinfo=UTC)


def test_a_second_series_for_the_same_year_is_refused(cell, changes):
    scheduling.create_series(cell.org, 2027, cell.leader_user.id, place="Nhà văn hóa", today=TODAY)
    changes.clear()
    with pytest.raises(MeetingError, match="đã có lịch sinh hoạt thường kỳ năm 2027"):
        scheduling.create_series(cell.org, 2027, cell.leader_user.id, place="Nhà văn hóa", today=TODAY)
    assert _count(MeetingSeries) == 1 and _count(Meeting) == 12
    assert changes == []
    # another cell is not affected
    _series, meetings = scheduling.create_series(cell.other_cell, 2027, None, place="Nhà văn hóa", today=TODAY)
    assert len(meetings) == 12


def test_months_with_a_regular_meeting_are_skipped(cell):
    make_meeting(cell.org, datetime(2027, 3, 10, 12, 30, tzinfo=UTC))  # already scheduled by hand
    make_meeting(cell.org, datetime(2027, 4, 3, 12, 30, tzinfo=UTC), kind=MeetingKind.CHUYEN_DE)  # not regular
    cancelled = make_meeting(cell.org, datetime(2027, 5, 4, 12, 30, tzinfo=UTC))
    scheduling.cancel_meeting(cancelled, "Dời sang ngày khác")
    _series, meetings = scheduling.create_series(cell.org, 2027, None, place="Nhà văn hóa", today=TODAY)
    months = sorted(m.starts_at.month for m in meetings)
    assert months == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]


@pytest.mark.parametrize("shift", [date(2027, 3, 1), date(2026, 2, 10)])
def test_a_shift_outside_its_month_is_refused_and_nothing_is_kept(cell, changes, shift):
    with pytest.raises(MeetingError, match="Ngày dời của tháng 2 phải nằm trong tháng đó."):
        scheduling.create_series(cell.org, 2027, None, shifts={2: shift}, place="Nhà văn hóa", today=TODAY)
    # the failed call leaves nothing behind, even for a caller that commits something else afterwards
    db.session.commit()
    assert _count(MeetingSeries) == 0 and _count(Meeting) == 0
    assert changes == []


@pytest.mark.parametrize("text", ["7h30", "25:00", "", "19"])
def test_create_series_refuses_a_bad_time(cell, text):
    with pytest.raises(MeetingError, match="Giờ họp phải có dạng HH:MM"):
        scheduling.create_series(cell.org, 2027, None, local_time=text, place="Nhà văn hóa", today=TODAY)


def test_the_series_is_for_cells_only(cell):
    with pytest.raises(MeetingError, match="chỉ lập cho chi bộ"):
        scheduling.create_series(cell.group, 2027, None, place="Nhà văn hóa", today=TODAY)


def test_a_time_with_the_local_offset_is_stored_as_the_same_instant(cell):
    from zoneinfo import ZoneInfo

    local = datetime(2026, 12, 3, 19, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # e.g. "…T19:30:00+07:00" in the API
    meeting = make_meeting(cell.org, local)
    db.session.expire_all()
    assert as_utc(db.session.get(Meeting, meeting.id).starts_at) == datetime(2026, 12, 3, 12, 30, tzinfo=UTC)
    scheduling.update_meeting(meeting, meeting_input(local + timedelta(hours=1)), now=NOW)
    db.session.expire_all()
    assert as_utc(db.session.get(Meeting, meeting.id).starts_at) == datetime(2026, 12, 3, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize("starts,held", [(datetime(1999, 12, 3, 12, 30, tzinfo=UTC), True),
                                         (datetime(2101, 1, 3, 12, 30, tzinfo=UTC), False)])
def test_absurd_years_are_refused(cell, starts, held):
    with pytest.raises(MeetingError, match="Ngày họp: Giá trị không hợp lệ."):
        make_meeting(cell.org, starts, recording_held=held)


def test_local_datetime_out_of_range_is_a_meeting_error(app):
    with pytest.raises(MeetingError, match="Ngày họp: Giá trị không hợp lệ."):
        scheduling.local_datetime(date(1, 1, 1), time(0, 0))


def test_a_refused_edit_changes_nothing_in_the_session(cell, changes):
    meeting = make_meeting(cell.org, TOMORROW_EVENING, agenda=["Nội dung"])
    changes.clear()
    with pytest.raises(MeetingError, match="Mỗi nội dung chương trình tối đa 300 ký tự."):
        scheduling.update_meeting(meeting, meeting_input(TOMORROW_EVENING, kind=MeetingKind.CHUYEN_DE,
                                                         agenda=["x" * 301]), now=NOW)
    assert meeting.kind is MeetingKind.THUONG_KY and changes == []
    db.session.commit()  # a caller that commits afterwards keeps the meeting as it was
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).kind is MeetingKind.THUONG_KY
