"""A chi ủy meeting is for its invitees (the cell's committee) and those who manage the cell: on every path that
shows a meeting — pages, API, calendar files, notifications — everyone else neither sees it nor learns it exists."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from handbook.caller import load_access
from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.meetings import attendance, calendar, documents, reminders
from handbook.meetings.audience import can_see_meeting
from handbook.meetings.models import MeetingKind
from handbook.notify.models import Notification
from handbook.org.models import Role
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, signed_in


@pytest.fixture
def committee(app, cell, factory):
    """The cell's regular meeting in 3 days and, sooner (in 2 days), a chi ủy meeting with a document; a chi ủy
    viên besides the bí thư, and ward staff who manage the cell without being invited."""
    deputy_user = factory.user("chiuyvien@test.vn", name="Đặng Văn Ủy")
    deputy = factory.member(cell.org, deputy_user, name="Đặng Văn Ủy")
    factory.grant(deputy_user, cell.org, Role.CAP_UY_VIEN)
    staff = factory.user("canbo@test.vn", name="Cán bộ phường")
    factory.grant(staff, cell.ward, Role.CAN_BO)
    factory.commit()
    now = utcnow()
    regular = make_meeting(cell.org, now + timedelta(days=3), by=cell.leader_user, now=now,
                           title="Sinh hoạt thường kỳ")
    closed = make_meeting(cell.org, now + timedelta(days=2), by=cell.leader_user, now=now, kind=MeetingKind.CHI_UY,
                          title="Họp chi ủy: nhận xét đảng viên", agenda=["Kỷ luật đồng chí Minh"])
    document = documents.add_upload(closed, FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="ky-luat.pdf"),
                                    "Hồ sơ kỷ luật", cell.leader_user.id)
    return {"regular": regular, "closed": closed, "document": document, "deputy": deputy,
            "deputy_user": deputy_user, "staff": staff}


# who: (email, a member record to make a calendar feed for, or None) — and whether they see the chi ủy meeting
AUDIENCE = {
    "bí thư (invitee)": ("bithu@test.vn", True),
    "chi ủy viên (invitee)": ("chiuyvien@test.vn", True),
    "ward staff (manages the cell)": ("canbo@test.vn", True),
    "member of the cell": ("dangvien@test.vn", False),
}


def _links(body: str, meeting_id: int) -> bool:
    return re.search(rf"/meetings/{meeting_id}\b", body) is not None


@pytest.mark.parametrize("who", list(AUDIENCE))
def test_a_chi_uy_meeting_shows_only_to_its_audience_on_every_path(app, cell, committee, who):
    email, sees = AUDIENCE[who]
    client = signed_in(app, email)
    closed, doc = committee["closed"], committee["document"]
    found = 200 if sees else 404
    for path in (f"/meetings/{closed.id}", f"/meetings/{closed.id}.ics",
                 f"/meetings/{closed.id}/documents/{doc.id}", f"/api/v1/meetings/{closed.id}"):
        assert client.get(path).status_code == found, path
    listed = client.get("/meetings").get_data(as_text=True)
    assert _links(listed, closed.id) is sees
    assert _links(listed, committee["regular"].id)  # the regular meeting is everyone's
    # the API list is the member's own meetings; staff without a member record have none
    api_ids = [m["id"] for m in client.get("/api/v1/meetings").get_json()["items"]]
    if email != "canbo@test.vn":
        assert (closed.id in api_ids) is sees and committee["regular"].id in api_ids
        # the home page shows the next meeting the member may see: the chi ủy one is sooner
        home = client.get("/").get_data(as_text=True)
        assert _links(home, closed.id) is sees and _links(home, committee["regular"].id) is not sees
        assert ("Kỷ luật đồng chí Minh" in home) is sees
    if not sees:  # its actions are as unknown as the meeting itself
        page = client.get(f"/meetings/{committee['regular'].id}").get_data(as_text=True)
        token = csrf_from(page)
        assert client.post(f"/meetings/{closed.id}/absence", data={"csrf_token": token, "reason": "Bận"},
                           headers={"X-CSRFToken": token}).status_code == 404
        assert client.post(f"/api/v1/meetings/{closed.id}/absence", json={"reason": "Bận"},
                           headers={"X-CSRFToken": token}).status_code == 404
        for path in (f"/meetings/{closed.id}/minutes", f"/meetings/{closed.id}/attendance",
                     f"/meetings/{closed.id}/edit", f"/meetings/{closed.id}/checkin-code"):
            assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("member_key", ["leader", "deputy", "member", "probation"])
def test_the_calendar_feed_carries_a_chi_uy_meeting_only_for_invitees(app, cell, committee, member_key):
    member = committee["deputy"] if member_key == "deputy" else getattr(cell, member_key)
    token = calendar.issue_token(member)
    body = app.test_client().get(f"/calendar/{token}.ics").get_data(as_text=True)
    assert f"meeting-{committee['regular'].id}@" in body
    assert (f"meeting-{committee['closed'].id}@" in body) is (member_key in ("leader", "deputy"))


def test_notices_about_a_chi_uy_meeting_go_to_its_invitees_only(app, cell, committee):
    closed = committee["closed"]
    invitees = {cell.leader_user.id, committee["deputy_user"].id}
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.url == f"/meetings/{closed.id}")))
    assert told == invitees  # "Lịch sinh hoạt mới" when it was created
    soon = as_utc(closed.starts_at) - timedelta(hours=12)
    specs = [s for s in reminders.day_before(soon) if s.url == f"/meetings/{closed.id}"]
    assert {s.user_id for s in specs} == invitees
    # and only they see it in their inbox
    for email, sees in (("dangvien@test.vn", False), ("chiuyvien@test.vn", True)):
        inbox = signed_in(app, email).get("/api/v1/notifications").get_json()
        assert any(n["url"] == f"/meetings/{closed.id}" for n in inbox["items"]) is sees


def test_every_invitee_is_in_the_audience(app, cell, committee):
    """The audience check and the invitee list must agree: nobody is invited to a meeting they cannot open."""
    from handbook.auth.models import User

    closed = committee["closed"]
    for member in attendance.invitees(closed):
        access = load_access(db.session.get(User, member.user_id))
        assert can_see_meeting(access, closed), member.full_name
