"""A member who leaves the cell (chuyển đi, ra khỏi Đảng, đã mất) keeps their own record and nothing of the cell:
access follows the status at every request, and the status change itself ends their sessions, API tokens,
calendar feeds and push devices in the same transaction."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.auth import service as auth_service
from handbook.auth.models import ApiToken, UserSession
from handbook.core.timeutil import as_utc, local_zone, utcnow
from handbook.extensions import db
from handbook.meetings import calendar, documents, reminders, scheduling
from handbook.meetings.models import CalendarToken, MeetingFormat, MeetingKind
from handbook.members import records
from handbook.members.models import Member, MemberStatus
from handbook.notify.models import PushSubscription
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, signed_in

LEFT = [MemberStatus.CHUYEN_DI, MemberStatus.RA_KHOI_DANG, MemberStatus.DA_MAT]
EXEMPT = [MemberStatus.MIEN_SINH_HOAT, MemberStatus.TAM_MIEN]


@pytest.fixture
def scene(app, factory):
    """Cell A with its bí thư, a cellmate with a phone number, and the member under test, who is signed in on the
    web, holds an API token, a calendar feed and a push device; a meeting of the cell with a document."""
    ward = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ A", OrgKind.CHI_BO, ward)
    leader_user = factory.user("bithu@test.vn", name="Bí thư")
    factory.member(cell, leader_user, name="Lê Văn Thư")
    factory.grant(leader_user, cell, Role.BI_THU)
    cellmate = factory.member(cell, name="Phạm Thị Cùng", phone="+84912345678")
    user = factory.user("dv@test.vn", name="Đảng viên")
    member = factory.member(cell, user, name="Nguyễn Văn An")
    db.session.add(PushSubscription(user_id=user.id, endpoint="https://fcm.googleapis.com/fcm/send/left",
                                    p256dh="x", auth="y"))
    factory.commit()
    starts = utcnow() + timedelta(days=3)
    meeting = scheduling.create_meeting(cell, scheduling.MeetingInput(
        kind=MeetingKind.THUONG_KY, format=MeetingFormat.TRUC_TIEP, starts_at=starts,
        ends_at=starts + timedelta(minutes=90), place="Nhà văn hóa khu A"), leader_user.id)
    document = documents.add_upload(meeting, FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="du-thao.pdf"),
                                    "Dự thảo nghị quyết", leader_user.id)
    return {"cell": cell, "cellmate": cellmate, "member": member, "user": user, "leader": leader_user,
            "meeting": meeting, "document": document, "web": signed_in(app, "dv@test.vn"),
            "api_token": auth_service.create_api_token(user), "feed": calendar.issue_token(member)}


def _bearer(scene) -> dict:
    return {"Authorization": f"Bearer {scene['api_token']}"}


def _set_status_behind_the_service(member: Member, status: MemberStatus) -> None:
    """The status column changes without the status service (another worker, an older row, a restored backup):
    nothing is revoked, so only the per-request decision can keep the cell closed."""
    db.session.execute(update(Member).where(Member.id == member.id).values(status=status))
    db.session.commit()


@pytest.mark.parametrize("status", LEFT, ids=lambda s: s.value)
def test_with_a_session_still_open_a_member_who_left_sees_nothing_of_the_cell(app, scene, status):
    web, cell, meeting = scene["web"], scene["cell"], scene["meeting"]
    assert web.get(f"/org/{cell.id}").status_code == 200  # before: the directory, with every phone number
    _set_status_behind_the_service(scene["member"], status)
    ids = {"cell": cell.id, "cellmate": scene["cellmate"].id, "meeting": meeting.id, "doc": scene["document"].id}
    for path in ("/org/{cell}", "/members/{cellmate}", "/meetings/{meeting}", "/meetings/{meeting}.ics",
                 "/meetings/{meeting}/documents/{doc}", "/org/{cell}/members.xlsx"):
        assert web.get(path.format(**ids)).status_code in (403, 404), path
    for path in ("/api/v1/organisations/{cell}/members", "/api/v1/organisations/{cell}",
                 "/api/v1/members/{cellmate}", "/api/v1/meetings/{meeting}"):
        assert web.get(path.format(**ids), headers=_bearer(scene)).status_code == 404, path
    assert web.get("/api/v1/meetings", headers=_bearer(scene)).get_json()["items"] == []
    for path in ("/", "/meetings"):
        page = web.get(path)
        assert page.status_code == 200 and f"/meetings/{meeting.id}" not in page.get_data(as_text=True), path
    assert f"/org/{cell.id}" not in web.get("/").get_data(as_text=True)  # no link to the directory either
    # no calendar: the old feed answers 404 and no new one can be made
    assert web.get(f"/calendar/{scene['feed']}.ics").status_code == 404
    token = csrf_from(web.get("/profile").get_data(as_text=True))
    assert web.post("/calendar/tokens", data={"csrf_token": token}).status_code == 403
    # what stays: their own record, their data, the privacy notice
    for path in (f"/members/{scene['member'].id}", "/me/data", "/me/data.json", "/privacy", "/profile"):
        assert web.get(path).status_code == 200, path
    assert web.get(f"/api/v1/members/{scene['member'].id}", headers=_bearer(scene)).get_json()["view"] == "full"


@pytest.mark.parametrize("status", EXEMPT, ids=lambda s: s.value)
def test_exempt_members_keep_reading_the_cell(app, scene, status):
    web, cell, meeting = scene["web"], scene["cell"], scene["meeting"]
    _set_status_behind_the_service(scene["member"], status)
    assert web.get(f"/org/{cell.id}").status_code == 200
    assert web.get(f"/meetings/{meeting.id}").status_code == 200
    assert web.get(f"/api/v1/organisations/{cell.id}/members", headers=_bearer(scene)).status_code == 200
    assert [m["id"] for m in web.get("/api/v1/meetings", headers=_bearer(scene)).get_json()["items"]] == [meeting.id]
    assert web.get(f"/calendar/{scene['feed']}.ics").status_code == 200


def _status_form(leader, member_id: int, status: MemberStatus):
    page = leader.get(f"/members/{member_id}").get_data(as_text=True)
    today = utcnow().astimezone(local_zone()).date()
    return leader.post(f"/members/{member_id}/status", data={
        "csrf_token": csrf_from(page), "status": status.value, "from_date": today.strftime("%d/%m/%Y"),
        "reason": "Quyết định số 12-QĐ/ĐU"})


@pytest.mark.parametrize("status", LEFT, ids=lambda s: s.value)
def test_the_status_change_ends_sessions_tokens_feeds_and_devices(app, scene, status):
    member, user = scene["member"], scene["user"]
    other_session = signed_in(app, "dv@test.vn")
    leader = signed_in(app, "bithu@test.vn")
    code = auth_service.issue_activation_code(user, scene["leader"])  # issued, never used
    db.session.commit()
    assert _status_form(leader, member.id, status).status_code == 302
    # the open sessions are over: the next page asks for a login, the API for a token
    for web in (scene["web"], other_session):
        answer = web.get(f"/org/{scene['cell'].id}")
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert scene["web"].get("/api/v1/me", headers=_bearer(scene)).status_code == 401
    assert scene["web"].get(f"/calendar/{scene['feed']}.ics").status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(CalendarToken).where(
        CalendarToken.member_id == member.id, CalendarToken.revoked_at.is_(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(PushSubscription).where(
        PushSubscription.user_id == user.id)) == 0
    ended = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.access_ended")).all()
    assert [(e.target_id, e.actor_id) for e in ended] == [(member.id, scene["leader"].id)]
    assert ended[0].details == {"status": status.value, "sessions": 2, "tokens": 1, "codes": 1, "feeds": 1,
                                "devices": 1}
    with pytest.raises(auth_service.AuthError):  # the code no longer sets a password
        auth_service.activate(code, "Mật khẩu của người đã rời chi bộ")
    # the leader's own session goes on
    assert leader.get(f"/org/{scene['cell'].id}").status_code == 200


def test_a_refused_status_change_ends_nothing(app, scene):
    member = scene["member"]
    future = utcnow().astimezone(local_zone()).date() + timedelta(days=2)
    with pytest.raises(records.RecordError):
        records.record_status(member, MemberStatus.RA_KHOI_DANG, future, None, Actor(scene["leader"].id))
    db.session.rollback()
    assert scene["web"].get(f"/org/{scene['cell'].id}").status_code == 200
    assert scene["web"].get("/api/v1/me", headers=_bearer(scene)).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1


def test_a_change_between_two_statuses_in_the_cell_ends_nothing(app, scene):
    today = utcnow().astimezone(local_zone()).date()
    records.record_status(scene["member"], MemberStatus.TAM_MIEN, today, None, Actor(scene["leader"].id))
    assert scene["web"].get(f"/org/{scene['cell'].id}").status_code == 200
    assert scene["web"].get("/api/v1/me", headers=_bearer(scene)).status_code == 200
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.access_ended")).all()


@pytest.mark.parametrize("status", LEFT, ids=lambda s: s.value)
def test_no_reminder_about_the_cell_reaches_a_leader_who_left(app, scene, status):
    """A bí thư transferred out whose position was not yet taken away: the leaders' reminders skip them."""
    meeting, leader = scene["meeting"], scene["leader"]
    leader_member = db.session.scalar(select(Member).where(Member.user_id == leader.id))
    assert leader.id in reminders.leader_users(meeting.organisation_id)
    _set_status_behind_the_service(leader_member, status)
    assert leader.id not in reminders.leader_users(meeting.organisation_id)
    soon = as_utc(meeting.starts_at) - timedelta(hours=12)
    due = list(reminders.documents_missing(soon)) + list(reminders.day_before(soon))
    assert due and leader.id not in {spec.user_id for spec in due}
