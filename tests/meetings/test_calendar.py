"""The private ICS feed and the per-meeting .ics, read back with an independent parser (vobject)."""
from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
import vobject

from handbook.core.timeutil import as_utc, local_zone, utcnow
from handbook.extensions import db
from handbook.meetings import calendar, scheduling
from handbook.meetings.models import CalendarToken, MeetingFormat
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, login, signed_in

FEED_RE = re.compile(r"/calendar/([A-Za-z0-9_-]{40,})\.ics")


@pytest.fixture
def upcoming(cell):
    """Two meetings of the member's cell at 19:30 local, 3 and 10 days ahead, and one of another cell."""
    now = utcnow()
    day = now.astimezone(local_zone()).date() + timedelta(days=3)
    first = make_meeting(cell.org, scheduling.local_datetime(day, time(19, 30)), now=now,
                         format=MeetingFormat.KET_HOP, online_url="https://meet.jit.si/chibo-1")
    second = make_meeting(cell.org, scheduling.local_datetime(day + timedelta(days=7), time(7, 0)), now=now,
                          minutes=120)
    elsewhere = make_meeting(cell.other_cell, scheduling.local_datetime(day, time(19, 30)), now=now)
    return first, second, elsewhere, day


def _parse(body: bytes):
    return vobject.readOne(body.decode("utf-8"))


def _tzid(prop) -> list[str]:
    """vobject moves TZID to X-VOBJ-ORIGINAL-TZID when it converts the value to a datetime."""
    return prop.params.get("TZID") or prop.params.get("X-VOBJ-ORIGINAL-TZID")


def test_feed_parses_with_tzid_local_times_alarms_and_stable_uids(client, cell, upcoming):
    first, second, _elsewhere, day = upcoming
    token = calendar.issue_token(cell.member)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    parsed = _parse(response.data)
    events = sorted(parsed.vevent_list, key=lambda e: e.dtstart.value)
    assert [e.summary.value for e in events] == [first.title, second.title]   # not the other cell's meeting
    for event in events:
        assert _tzid(event.dtstart) == ["Asia/Ho_Chi_Minh"]
        assert _tzid(event.dtend) == ["Asia/Ho_Chi_Minh"]
        triggers = sorted((a.trigger.value for a in event.valarm_list), reverse=True)
        assert triggers == [-timedelta(hours=2), -timedelta(days=1)]
    start = events[0].dtstart.value
    assert (start.date(), start.time()) == (day, time(19, 30))
    assert start.utcoffset() == timedelta(hours=7)
    assert events[0].dtend.value - start == timedelta(minutes=90)
    assert events[1].dtend.value - events[1].dtstart.value == timedelta(minutes=120)
    assert events[0].location.value == "Nhà văn hóa tổ 5"
    assert "https://meet.jit.si/chibo-1" in events[0].description.value
    assert [tz.tzid.value for tz in parsed.vtimezone_list] == ["Asia/Ho_Chi_Minh"]

    uids = [e.uid.value for e in events]
    assert len(set(uids)) == 2
    # regenerated later (after an edit) the UIDs are the same
    start_utc = as_utc(first.starts_at)
    scheduling.update_meeting(first, scheduling.MeetingInput(
        kind=first.kind, format=first.format, starts_at=start_utc + timedelta(hours=1),
        ends_at=start_utc + timedelta(hours=2, minutes=30), place=first.place, online_url=first.online_url))
    again = sorted(_parse(client.get(f"/calendar/{token}.ics").data).vevent_list, key=lambda e: e.dtstart.value)
    assert [e.uid.value for e in again] == uids
    assert again[0].dtstart.value.time() == time(20, 30)


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled_without_alarms(client, cell, upcoming):
    first = upcoming[0]
    scheduling.cancel_meeting(first, "Trùng lịch")
    token = calendar.issue_token(cell.member)
    # found by its start: the two meetings of the cell share a title when both fall in the same month
    events = {as_utc(e.dtstart.value): e for e in _parse(client.get(f"/calendar/{token}.ics").data).vevent_list}
    cancelled = events[as_utc(first.starts_at)]
    assert cancelled.status.value == "CANCELLED"
    assert not hasattr(cancelled, "valarm_list") or cancelled.valarm_list == []


def test_token_from_the_profile_page_and_revocation(client, cell, upcoming):
    login(client, "dangvien@test.vn")
    profile = client.get("/profile").get_data(as_text=True)
    assert "Tạo địa chỉ lịch mới" in profile
    created = client.post("/calendar/tokens", data={"csrf_token": csrf_from(profile)})
    assert (created.status_code, created.headers["Location"]) == (302, "/calendar/tokens")  # post/redirect/get
    page = client.get("/calendar/tokens")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = FEED_RE.search(page.get_data(as_text=True)).group(1)
    assert len(token) >= 40
    assert db.session.query(CalendarToken).one().token_hash != token  # only a hash is stored

    anonymous = client.application.test_client()
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 200

    profile = client.get("/profile").get_data(as_text=True)
    token_id = db.session.query(CalendarToken).one().id
    assert f"/calendar/tokens/{token_id}/revoke" in profile
    revoked = client.post(f"/calendar/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(profile)})
    assert revoked.status_code == 302
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404
    assert f"/calendar/tokens/{token_id}/revoke" not in client.get("/profile").get_data(as_text=True)


def test_the_new_address_is_shown_once_with_a_copy_button_and_a_revisit_is_no_405(app, cell):
    member = signed_in(app, "dangvien@test.vn")
    csrf = csrf_from(member.get("/profile").get_data(as_text=True))
    created = member.post("/calendar/tokens", data={"csrf_token": csrf})
    assert created.status_code == 302
    # between the redirect and the page, the address waits in the session sealed, never in clear text
    kept = app.session_interface.get_signing_serializer(app).loads(member.get_cookie("session").value)
    page = member.get("/calendar/tokens").get_data(as_text=True)
    token = FEED_RE.search(page).group(1)
    assert token not in str(kept) and kept["new_feed_token"]["member"] == cell.member.id
    field = re.search(r'<input id="feed-url" type="text" readonly value="([^"]+)"', page)
    assert field and field.group(1).endswith(f"/calendar/{token}.ics")  # selectable without JavaScript
    assert 'data-copy="feed-url"' in page and "Sao chép địa chỉ" in page
    assert "Địa chỉ chỉ hiện một lần" in page
    again = member.get("/calendar/tokens")  # a reload, or coming back later
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and FEED_RE.search(text) is None
    assert "hãy tạo địa chỉ mới" in text and "Tạo địa chỉ lịch mới" in text and "Thu hồi" in text
    # another account signed in on the same browser never sees it
    other = signed_in(app, "bithu@test.vn")
    with other.session_transaction() as session:
        session["new_feed_token"] = kept["new_feed_token"]
    assert FEED_RE.search(other.get("/calendar/tokens").get_data(as_text=True)) is None


def test_unknown_tokens_are_404(client, cell, upcoming):
    calendar.issue_token(cell.member)
    assert client.get("/calendar/" + "A" * 43 + ".ics").status_code == 404
    assert client.get("/calendar/" + "A" * 150 + ".ics").status_code == 404


def test_someone_elses_token_cannot_be_revoked(client, cell, factory):
    token = calendar.issue_token(cell.member)
    other_user = factory.user("khac@test.vn")
    factory.member(cell.org, other_user)
    factory.commit()
    token_id = db.session.query(CalendarToken).one().id
    client = signed_in(client.application, "khac@test.vn")
    csrf = csrf_from(client.get("/profile").get_data(as_text=True))
    assert client.post(f"/calendar/tokens/{token_id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_meeting_ics_download_needs_login_and_scope(client, cell, upcoming, factory):
    first, _second, elsewhere, day = upcoming
    assert client.get(f"/meetings/{first.id}.ics").status_code == 302
    client = signed_in(client.application, "dangvien@test.vn")
    response = client.get(f"/meetings/{first.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    event = _parse(response.data).vevent
    assert event.dtstart.value.date() == day and _tzid(event.dtstart) == ["Asia/Ho_Chi_Minh"]
    assert client.get(f"/meetings/{elsewhere.id}.ics").status_code == 404
    assert client.get("/meetings/999999.ics").status_code == 404


def test_feed_leaves_out_old_meetings(client, cell):
    now = utcnow()
    old = make_meeting(cell.org, now - timedelta(days=40), now=now)
    recent = make_meeting(cell.org, now - timedelta(days=20), now=now)
    token = calendar.issue_token(cell.member)
    titles = {e.uid.value for e in _parse(client.get(f"/calendar/{token}.ics").data).vevent_list}
    assert any(uid.startswith(f"meeting-{recent.id}@") for uid in titles)
    assert not any(uid.startswith(f"meeting-{old.id}@") for uid in titles)
