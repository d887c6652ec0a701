"""The yearly series: what the preview shows, why it shows nothing (and what to do instead), and the one notice
that announces a whole year. Dates are fixed (`today=` or time_machine), never the day the tests run."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from sqlalchemy import select

from handbook.core.timeutil import as_utc
from handbook.extensions import db
from handbook.meetings import reminders, scheduling
from handbook.meetings.models import Meeting, MeetingKind
from handbook.meetings.validation import MeetingError
from handbook.notify.models import Notification
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, signed_in

NOVEMBER = date(2026, 11, 22)
DECEMBER = date(2026, 12, 6)
DECEMBER_MORNING = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


# --- the service ---------------------------------------------------------------------------------

def test_december_has_no_dates_left_and_next_year_is_suggested(cell):
    preview = scheduling.preview_series(cell.org, 2026, 3, today=DECEMBER)
    assert preview.dates == []
    assert preview.blocked == ("Năm 2026 không còn ngày họp nào để lập lịch: ngày 3 của các tháng còn lại "
                               "đã qua.")
    assert preview.suggest_year == 2027
    # a later day of the month is still ahead in December
    later = scheduling.preview_series(cell.org, 2026, 20, today=DECEMBER)
    assert [p.day for p in later.dates] == [date(2026, 12, 20)] and later.blocked is None


def test_a_year_with_a_series_says_so(cell):
    scheduling.create_series(cell.org, 2027, cell.leader_user.id, place="Nhà văn hóa", today=NOVEMBER)
    preview = scheduling.preview_series(cell.org, 2027, 3, today=NOVEMBER)
    assert (preview.dates, preview.blocked) == ([], "Chi bộ đã có lịch sinh hoạt thường kỳ năm 2027.")
    assert preview.suggest_year is None  # 2028 cannot be planned yet in 2026
    # this year's last month can still be planned, and then nothing is left to suggest
    assert [p.month for p in scheduling.preview_series(cell.org, 2026, 3, today=NOVEMBER).dates] == [12]
    assert scheduling.preview_series(cell.org, 2026, 3, today=DECEMBER).suggest_year is None


def test_months_already_scheduled_are_left_out_and_named(cell):
    make_meeting(cell.org, datetime(2027, 3, 10, 12, 30, tzinfo=UTC), now=datetime(2026, 11, 22, tzinfo=UTC))
    preview = scheduling.preview_series(cell.org, 2027, 3, today=NOVEMBER)
    assert preview.taken == [3] and len(preview.dates) == 11 and 3 not in {p.month for p in preview.dates}
    make_meeting(cell.org, datetime(2026, 12, 3, 12, 30, tzinfo=UTC), now=datetime(2026, 11, 22, tzinfo=UTC))
    done = scheduling.preview_series(cell.org, 2026, 3, today=NOVEMBER)
    assert done.blocked == "Các tháng còn lại của năm 2026 đều đã có buổi sinh hoạt thường kỳ."
    assert done.suggest_year == 2027


# --- the page --------------------------------------------------------------------------------------

def _text(response) -> str:
    return response.get_data(as_text=True)


@time_machine.travel(DECEMBER_MORNING, tick=False)
def test_page_in_december_explains_and_links_to_next_year(app, cell):
    leader = signed_in(app, "bithu@test.vn")
    url = f"/meetings/series/new?org={cell.org.id}"
    page = _text(leader.get(url))
    assert re.search(r'id="year"[^>]*value="2027"', page)  # in December, next year is offered first
    base = {"csrf_token": csrf_from(page), "day_of_month": "3", "local_time": "19:30", "place": "Nhà văn hóa"}
    blank = leader.post(url, data={**base, "year": "2026"})
    html = _text(blank)
    assert blank.status_code == 200  # a preview that finds nothing is an answer, not an error
    assert "Năm 2026 không còn ngày họp nào để lập lịch" in html
    assert f'href="/meetings/series/new?org={cell.org.id}&amp;year=2027"' in html and "Lập lịch năm 2027" in html
    assert "Tạo 0 buổi họp" not in html
    # following the suggestion opens the form on 2027, whose preview lists the year
    assert re.search(r'id="year"[^>]*value="2027"', _text(leader.get(url + "&year=2027")))
    preview = _text(leader.post(url, data={**base, "year": "2027"}))
    assert "Tạo 12 buổi họp" in preview and "Tháng 1: Chủ nhật, 03/01/2027" in preview and "Cuối tuần" in preview


@time_machine.travel(DECEMBER_MORNING, tick=False)
def test_page_for_a_year_that_has_its_series(app, cell):
    leader = signed_in(app, "bithu@test.vn")
    url = f"/meetings/series/new?org={cell.org.id}"
    base = {"csrf_token": csrf_from(_text(leader.get(url))), "year": "2027", "day_of_month": "3",
            "local_time": "19:30", "place": "Nhà văn hóa"}
    assert leader.post(url, data={**base, "confirm": "1"}).status_code == 302
    preview = leader.post(url, data=base)
    assert preview.status_code == 200
    assert "Chi bộ đã có lịch sinh hoạt thường kỳ năm 2027." in _text(preview)
    assert "Xem lịch sinh hoạt" in _text(preview) and "Tạo 12 buổi họp" not in _text(preview)
    again = leader.post(url, data={**base, "confirm": "1"})
    assert again.status_code == 400 and "Chi bộ đã có lịch sinh hoạt thường kỳ năm 2027." in _text(again)
    assert db.session.query(Meeting).count() == 12


# --- one notice for the whole series -----------------------------------------------------------------

def _changes() -> list[Notification]:
    return db.session.scalars(select(Notification).where(Notification.kind == reminders.CHANGE)
                              .order_by(Notification.user_id)).all()


def test_a_series_is_announced_once_per_member(cell):
    series, meetings = scheduling.create_series(cell.org, 2027, cell.leader_user.id, place="Nhà văn hóa tổ 5",
                                                shifts={2: date(2027, 2, 10)}, today=NOVEMBER)
    notices = _changes()
    # the invitees with an account: the bí thư and the member (the others have none)
    assert [n.user_id for n in notices] == sorted([cell.leader_user.id, cell.member_user.id])
    notice = notices[0]
    assert notice.title == "Lịch sinh hoạt thường kỳ năm 2027"
    assert notice.body == ("12 buổi sinh hoạt thường kỳ, ngày 3 hằng tháng lúc 19:30, từ 03/01/2027 đến "
                           "03/12/2027. Địa điểm: Nhà văn hóa tổ 5. Các buổi dời ngày: 10/02.")
    assert notice.url == "/meetings" and notice.dedupe_key == f"series:{series.id}:created:u{notice.user_id}"
    # deduplicated like every outbox entry: announcing the same series again adds nothing
    reminders.on_series_created(series, series=series, meetings=meetings)
    db.session.commit()
    assert len(_changes()) == 2


def test_a_single_meeting_is_still_announced_on_its_own(cell):
    meeting = make_meeting(cell.org, datetime(2026, 11, 25, 12, 30, tzinfo=UTC), kind=MeetingKind.CHUYEN_DE)
    notices = _changes()
    assert len(notices) == 2 and {n.title for n in notices} == {f"Lịch sinh hoạt mới: {meeting.title}"}
    assert {n.url for n in notices} == {f"/meetings/{meeting.id}"}


# --- the clock: a day's meeting whose hour has passed, past shifts, a double confirmation --------------------

THIRD_AT_21 = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # 21:00 in Hà Nội on the 3rd


def test_todays_meeting_whose_hour_has_passed_is_not_planned(cell):
    preview = scheduling.preview_series(cell.org, 2026, 3, at=time(19, 30), now=THIRD_AT_21)
    assert preview.dates == [] and "Năm 2026 không còn ngày họp nào" in preview.blocked
    with pytest.raises(MeetingError, match="Năm 2026 không còn ngày họp nào"):
        scheduling.create_series(cell.org, 2026, None, place="Nhà văn hóa", now=THIRD_AT_21)
    # later that evening it is still ahead
    _series, meetings = scheduling.create_series(cell.org, 2026, None, local_time="21:30", place="Nhà văn hóa",
                                                 now=THIRD_AT_21)
    assert [as_utc(m.starts_at) for m in meetings] == [datetime(2026, 12, 3, 14, 30, tzinfo=UTC)]


@pytest.mark.parametrize("shift", [date(2026, 12, 1), date(2026, 12, 3)])
def test_a_shift_to_a_past_day_or_hour_is_refused(cell, shift):
    with pytest.raises(MeetingError, match=r"Ngày dời của tháng 12 \(\d\d/12/2026 lúc 19:30\) đã qua"):
        scheduling.create_series(cell.org, 2026, None, day_of_month=5, shifts={12: shift}, place="Nhà văn hóa",
                                 now=THIRD_AT_21)
    db.session.commit()
    assert db.session.query(Meeting).count() == 0


@time_machine.travel(THIRD_AT_21, tick=False)
def test_page_at_nine_in_the_evening_of_the_third_creates_no_past_meeting(app, cell):
    leader = signed_in(app, "bithu@test.vn")
    url = f"/meetings/series/new?org={cell.org.id}"
    data = {"csrf_token": csrf_from(_text(leader.get(url))), "year": "2026", "day_of_month": "3",
            "local_time": "19:30", "place": "Nhà văn hóa"}
    assert "Năm 2026 không còn ngày họp nào" in _text(leader.post(url, data=data))
    confirmed = leader.post(url, data={**data, "confirm": "1"})
    assert confirmed.status_code == 400 and "Năm 2026 không còn ngày họp nào" in _text(confirmed)
    assert db.session.query(Meeting).count() == 0


@time_machine.travel(DECEMBER_MORNING, tick=False)
def test_two_confirmations_at_once_make_one_series(app, cell, monkeypatch):
    """The second confirmation read "no series yet" before the first committed: the unique constraint refuses it,
    and the leader reads why (400), not a server error."""
    leader = signed_in(app, "bithu@test.vn")
    url = f"/meetings/series/new?org={cell.org.id}"
    data = {"csrf_token": csrf_from(_text(leader.get(url))), "year": "2027", "day_of_month": "3",
            "local_time": "19:30", "place": "Nhà văn hóa", "confirm": "1"}
    assert leader.post(url, data=data).status_code == 302
    # as if the first had not committed yet when the second looked
    monkeypatch.setattr(scheduling, "has_series", lambda org_id, year: False)
    monkeypatch.setattr(scheduling, "regular_months", lambda org_id, year: set())
    again = leader.post(url, data=data)
    assert again.status_code == 400 and "Chi bộ đã có lịch sinh hoạt thường kỳ năm 2027." in _text(again)
    assert db.session.query(Meeting).count() == 12
