"""What a meeting shows: start – end in local time, document sizes, and the day's one-tap buttons on the home page."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask_babel import force_locale

from handbook.core.timeutil import format_span
from handbook.core.web import format_size
from handbook.meetings import documents
from handbook.meetings.models import MeetingFormat
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, signed_in

EVENING = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)  # Thứ Năm 26/11/2026, 19:30 in Hà Nội
BEFORE = datetime(2026, 11, 26, 12, 20, tzinfo=UTC)   # ten minutes before it


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_span_runs_from_the_start_to_start_plus_duration_in_local_time(app):
    assert format_span(EVENING, 90) == "Thứ Năm, 26/11/2026, 19:30 – 21:00"
    late = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # 23:00 local, across midnight
    assert format_span(late, 120) == "Thứ Năm, 26/11/2026, 23:00 – Thứ Sáu, 27/11/2026, 01:00"


def test_meeting_page_shows_start_and_end(app, cell):
    meeting = make_meeting(cell.org, EVENING, now=EVENING - timedelta(days=3), minutes=120)
    page = _text(signed_in(app, "dangvien@test.vn").get(f"/meetings/{meeting.id}"))
    assert "Thứ Năm, 26/11/2026, 19:30 – 21:30" in page
    assert "19:30 – 19:30" not in page


@pytest.mark.parametrize("size,vi,en", [
    (45, "45 byte", "45 "),
    (1023, "1.023 byte", "1,023 "),  # the English unit word comes from the catalogue
    (1229, "1,2 KB", "1.2 KB"),
    (10 * 1024, "10 KB", "10 KB"),
    (int(3.4 * 1024 * 1024), "3,4 MB", "3.4 MB"),
    (1024 * 1024 - 10, "1 MB", "1 MB"),  # not "1.024 KB"
])
def test_sizes_read_naturally(app, size, vi, en):
    with app.test_request_context():
        assert format_size(size) == vi
        with force_locale("en"):
            assert format_size(size).startswith(en)


def test_a_small_document_is_not_0_kb(app, cell):
    from werkzeug.datastructures import FileStorage

    meeting = make_meeting(cell.org, EVENING, now=EVENING - timedelta(days=3))
    pdf = b"%PDF-1.4\n" + b"x" * 36  # 45 bytes
    documents.add_upload(meeting, FileStorage(io.BytesIO(pdf), filename="ngan.pdf"), "Tờ trình", cell.leader_user.id)
    page = _text(signed_in(app, "dangvien@test.vn").get(f"/meetings/{meeting.id}"))
    assert "Tờ trình</a> <small>(45 byte)</small>" in page and "(0 KB)" not in page


# --- the home page on meeting day -------------------------------------------------------------------

CHECKIN_FORM = re.compile(
    r'<form method="post" action="/meetings/(\d+)/check-in" class="offline-action"[^>]*>(.*?)</form>', re.S)


@time_machine.travel(BEFORE, tick=False)
def test_home_offers_check_in_with_the_code_for_an_in_person_meeting(app, cell):
    meeting = make_meeting(cell.org, EVENING, now=BEFORE)
    member = signed_in(app, "dangvien@test.vn")
    home = _text(member.get("/"))
    form = CHECKIN_FORM.search(home)
    assert form and int(form.group(1)) == meeting.id
    assert 'name="code"' in form.group(2) and "Điểm danh có mặt" in form.group(2)
    assert "Tham gia trực tuyến" not in home  # no online room for this one


@time_machine.travel(BEFORE, tick=False)
def test_home_offers_one_tap_check_in_and_join_for_an_online_meeting(app, cell):
    meeting = make_meeting(cell.org, EVENING, now=BEFORE, format=MeetingFormat.TRUC_TUYEN, place=None,
                           online_url="https://meet.jit.si/chibo-khu-1")
    member = signed_in(app, "dangvien@test.vn")
    home = _text(member.get("/"))
    form = CHECKIN_FORM.search(home)
    assert form and 'name="code"' not in form.group(2)  # one tap: no code for an online meeting
    assert 'href="https://meet.jit.si/chibo-khu-1"' in home and "Tham gia trực tuyến" in home
    done = member.post(f"/meetings/{meeting.id}/check-in", data={"csrf_token": csrf_from(home)})
    assert done.status_code == 302
    home = _text(member.get("/"))
    assert CHECKIN_FORM.search(home) is None and '<p class="tag">Có mặt</p>' in home
    assert "Tham gia trực tuyến" in home  # still there to join the room


@time_machine.travel(BEFORE - timedelta(hours=2), tick=False)
def test_home_has_no_buttons_before_the_windows_open(app, cell):
    make_meeting(cell.org, EVENING, now=BEFORE - timedelta(hours=2), format=MeetingFormat.KET_HOP,
                 online_url="https://meet.jit.si/chibo-khu-1")
    home = _text(signed_in(app, "dangvien@test.vn").get("/"))
    assert CHECKIN_FORM.search(home) is None and "Tham gia trực tuyến" not in home
    assert "Sinh hoạt chi bộ thường kỳ tháng 11/2026" in home
