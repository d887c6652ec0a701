"""Every endpoint × every role → the expected status (DESIGN.md: access is decided in one place).

Later issues add their endpoints to ENDPOINTS; `test_every_endpoint_is_in_the_table` fails until they do.
"""
from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings import calendar, documents, scheduling
from handbook.meetings.models import MeetingFormat, MeetingKind
from handbook.notify.models import Notification, PushSubscription
from handbook.org.models import OrgKind, Role
from handbook.regulations.files import Upload, add_attachment
from tests.conftest import get_csrf, login

ROLES = ("anonymous", "member", "other_member", "leader", "staff_above", "staff_unrelated", "admin")



def _new_meeting(ids: dict) -> dict:
    starts = utcnow() + timedelta(days=3)
    return {"organisation_id": ids["cell"], "kind": "thuong_ky", "format": "truc_tuyen",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "online_url": "https://meet.jit.si/chibo-a"}


# method, path (placeholders filled from the scene), expected status per role in ROLES order, and optionally
# a function of the scene's ids (plus "role") giving the body (JSON for /api/, form fields otherwise)
ENDPOINTS = [
    ("GET", "/", (302, 200, 200, 200, 200, 200, 200)),
    ("GET", "/ping", (200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/login", (200, 302, 302, 302, 302, 302, 302)),
    ("POST", "/login", (400, 302, 302, 302, 302, 302, 302)),  # an empty form
    ("GET", "/activate", (200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/activate", (400, 400, 400, 400, 400, 400, 400)),  # an empty form
    ("GET", "/password", (302, 200, 200, 200, 200, 200, 200)),
    ("POST", "/password", (302, 400, 400, 400, 400, 400, 400)),  # an empty form
    ("POST", "/language/{lang}", (302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/profile", (302, 200, 200, 200, 200, 200, 200)),
    ("GET", "/meetings", (302, 200, 200, 200, 200, 200, 200)),
    ("GET", "/regulations", (302, 200, 200, 200, 200, 200, 200)),
    ("GET", "/regulations/{doc_a}", (302, 200, 404, 200, 200, 404, 200)),
    ("GET", "/regulations/{draft_a}", (302, 404, 404, 404, 200, 404, 200)),
    ("GET", "/regulations/articles/{article_a}", (302, 200, 404, 200, 200, 404, 200)),
    ("POST", "/regulations/articles/{article_a}/bookmark", (302, 302, 404, 302, 302, 404, 302)),
    ("GET", "/regulations/saved", (302, 200, 200, 200, 200, 200, 200)),
    ("POST", "/regulations/text-size", (302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/regulations/attachments/{attachment_a}", (302, 200, 404, 200, 200, 404, 200)),
    ("GET", "/regulations/new", (302, 403, 403, 200, 200, 200, 200)),
    ("POST", "/regulations/new", (302, 403, 403, 400, 400, 400, 400)),  # an empty form
    ("POST", "/regulations/{draft_a}/publish", (302, 404, 404, 404, 302, 404, 302)),
    ("POST", "/regulations/{doc_a}/status", (302, 403, 404, 403, 302, 404, 302)),
    ("POST", "/regulations/{draft_a}/discard", (302, 404, 404, 404, 302, 404, 302)),
    ("GET", "/notifications", (302, 200, 200, 200, 200, 200, 200)),
    ("GET", "/org/", (302, 200, 200, 200, 200, 200, 200)),
    ("GET", "/org/{cell}", (302, 200, 404, 200, 200, 404, 200)),
    ("GET", "/org/{cell}/temporary", (302, 403, 404, 200, 200, 404, 200)),
    ("POST", "/org/{cell}/temporary", (302, 403, 404, 400, 400, 404, 400)),  # an empty form
    ("POST", "/org/{cell}/temporary/{member}/end", (302, 403, 404, 404, 404, 404, 404)),  # not attending temporarily
    ("GET", "/org/{ward}", (302, 404, 404, 404, 200, 404, 200)),
    ("GET", "/members/{member}", (302, 200, 404, 200, 200, 404, 200)),
    ("GET", "/members/{other_member}", (302, 404, 200, 404, 404, 200, 200)),
    ("POST", "/members/{member}/activation-code", (302, 403, 404, 200, 200, 404, 200)),
    ("GET", "/members/{member}/edit", (302, 403, 404, 200, 200, 404, 200)),
    ("POST", "/members/{member}/edit", (302, 403, 404, 400, 400, 404, 400)),  # an empty form
    ("GET", "/members/{member}/contact", (302, 200, 404, 200, 200, 404, 200)),
    ("POST", "/members/{member}/status", (302, 403, 404, 400, 400, 404, 400)),  # an empty form
    ("POST", "/members/{member}/photo", (302, 400, 404, 400, 400, 404, 400)),  # no file
    ("GET", "/members/{member}/photo", (302, 200, 404, 200, 200, 404, 200)),
    ("POST", "/members/{member}/contact", (302, 302, 404, 302, 302, 404, 302)),  # clears the contact fields
    ("GET", "/members/import", (302, 403, 403, 200, 200, 200, 200)),
    ("GET", "/members/import/template.xlsx", (302, 403, 403, 200, 200, 200, 200)),
    ("POST", "/members/import", (302, 403, 403, 400, 400, 400, 400)),  # no organisation, no file
    ("POST", "/members/import/{token}", (302, 404, 404, 404, 404, 404, 404)),  # nobody's upload
    ("GET", "/members/import/{token}/rejected.xlsx", (302, 404, 404, 404, 404, 404, 404)),
    ("POST", "/members/import/{token}/cancel", (302, 404, 404, 404, 404, 404, 404)),
    ("GET", "/org/{cell}/members.xlsx", (302, 403, 404, 200, 200, 404, 200)),
    ("GET", "/org/{cell}/members/print", (302, 403, 404, 200, 200, 404, 200)),
    ("GET", "/members/duplicates/", (302, 403, 403, 200, 200, 200, 200)),
    ("POST", "/members/duplicates/merge", (302, 403, 403, 400, 400, 400, 400)),  # no records named
    ("POST", "/members/duplicates/dismiss", (302, 403, 403, 400, 400, 400, 400)),
    ("GET", "/admin/audit/", (302, 403, 403, 403, 403, 403, 200)),
    ("GET", "/api/v1/openapi.json", (200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/auth/token", (401, 401, 401, 401, 401, 401, 401)),
    ("GET", "/api/v1/me", (401, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/organisations/{cell}", (401, 200, 404, 200, 200, 404, 200)),
    ("GET", "/api/v1/organisations/{ward}", (401, 404, 404, 404, 200, 404, 200)),
    ("GET", "/api/v1/regulations", (401, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/regulations/{doc_a}", (401, 200, 404, 200, 200, 404, 200)),
    ("GET", "/api/v1/regulations/{draft_a}", (401, 404, 404, 404, 404, 404, 404)),  # drafts are not in the API
    ("GET", "/api/v1/members/{member}", (401, 200, 404, 200, 200, 404, 200)),
    ("GET", "/api/v1/members/{cellmate}", (401, 200, 404, 200, 200, 404, 200)),  # a member gets the card only
    ("GET", "/api/v1/members/{other_member}", (401, 404, 200, 404, 404, 200, 200)),
    ("GET", "/api/v1/organisations/{cell}/members", (401, 200, 404, 200, 200, 404, 200)),
    ("GET", "/api/v1/organisations/{ward}/members", (401, 404, 404, 404, 200, 404, 200)),
    # meetings: a scheduled in-person meeting of cell A three days ahead, a PDF of it, the member's feed
    ("GET", "/meetings/{meeting}", (302, 200, 404, 200, 200, 404, 200)),
    ("GET", "/meetings/{meeting}.ics", (302, 200, 404, 200, 200, 404, 200)),
    ("GET", "/meetings/{meeting}/documents/{document}", (302, 200, 404, 200, 200, 404, 200)),
    ("POST", "/meetings/{meeting}/absence", (302, 400, 404, 400, 403, 404, 403)),  # no reason
    ("POST", "/meetings/{meeting}/absence/withdraw", (302, 302, 404, 302, 403, 404, 403)),  # none to withdraw
    ("POST", "/meetings/{meeting}/check-in", (302, 400, 404, 400, 403, 404, 403)),  # not open yet
    ("GET", "/calendar/{feed_token}.ics", (200, 200, 200, 200, 200, 200, 200)),  # the token is the credential
    ("POST", "/calendar/tokens", (302, 302, 302, 302, 403, 403, 403)),  # only members have a feed
    ("GET", "/calendar/tokens", (302, 200, 200, 200, 403, 403, 403)),  # where the new address is shown once
    ("POST", "/calendar/tokens/{feed}/revoke", (302, 302, 404, 404, 403, 403, 403)),
    ("GET", "/meetings/new?org={cell}", (302, 403, 404, 200, 200, 404, 200)),
    ("POST", "/meetings/new?org={cell}", (302, 403, 404, 400, 400, 404, 400)),  # an empty form
    ("GET", "/meetings/series/new?org={cell}", (302, 403, 404, 200, 200, 404, 200)),
    ("POST", "/meetings/series/new?org={cell}", (302, 403, 404, 400, 400, 404, 400)),  # an empty form
    ("GET", "/meetings/review?org={cell}", (302, 403, 404, 200, 200, 404, 200)),
    ("GET", "/meetings/committee", (302, 403, 403, 200, 200, 200, 200)),
    ("GET", "/meetings/{meeting}/edit", (302, 403, 404, 200, 200, 404, 200)),
    ("POST", "/meetings/{meeting}/edit", (302, 403, 404, 400, 400, 404, 400)),  # an empty form
    ("POST", "/meetings/{meeting}/documents", (302, 403, 404, 400, 400, 404, 400)),  # neither file nor link
    ("GET", "/meetings/{meeting}/checkin-code", (302, 403, 404, 200, 200, 404, 200)),
    ("GET", "/meetings/{meeting}/attendance", (302, 403, 404, 200, 200, 404, 200)),
    ("POST", "/meetings/{meeting}/attendance", (302, 403, 404, 302, 302, 404, 302)),  # an empty sheet
    ("GET", "/meetings/{meeting}/minutes", (302, 403, 404, 200, 200, 404, 200)),
    ("POST", "/meetings/{meeting}/minutes", (302, 403, 404, 400, 400, 404, 400)),  # no text
    ("GET", "/meetings/{meeting}/minutes/print", (302, 403, 404, 200, 200, 404, 200)),
    ("POST", "/meetings/{meeting}/resolutions", (302, 403, 404, 400, 400, 404, 400)),  # an empty form
    ("POST", "/meetings/{meeting}/votes", (302, 403, 404, 400, 400, 404, 400)),  # an empty form
    ("POST", "/meetings/{meeting}/cancel", (302, 403, 404, 400, 400, 404, 400)),  # no reason
    ("GET", "/api/v1/meetings", (401, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/meetings", (401, 403, 404, 201, 201, 404, 201), _new_meeting),
    ("GET", "/api/v1/meetings/{meeting}", (401, 200, 404, 200, 200, 404, 200)),
    # the leader is also a member of cell A; staff and admin have no member record
    ("POST", "/api/v1/meetings/{meeting}/absence", (401, 201, 404, 201, 403, 404, 403),
     lambda ids: {"reason": "Đi công tác", "client_id": f"absence-{ids['role']}"}),
    ("POST", "/api/v1/meetings/{meeting}/absence/withdraw", (401, 200, 404, 200, 403, 404, 403),
     lambda ids: {"client_id": f"withdraw-{ids['role']}"}),
    ("POST", "/api/v1/meetings/{meeting}/check-in", (401, 400, 404, 400, 403, 404, 403),  # not open yet
     lambda ids: {"client_id": f"check-in-{ids['role']}"}),
    ("GET", "/manifest.webmanifest", (200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/sw.js", (200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/offline", (200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/settings/text-size", (400, 400, 400, 400, 400, 400, 400)),  # no size chosen
    # notifications: one of the member's notifications and one of the member's devices
    ("GET", "/notifications/{notification}", (302, 302, 404, 404, 404, 404, 404)),  # opens its link
    ("POST", "/notifications/read-all", (302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/notifications/settings", (302, 200, 200, 200, 200, 200, 200)),
    ("POST", "/notifications/settings/preferences", (302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/notifications/settings/test", (302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/notifications/settings/devices/{device}/delete", (302, 302, 404, 404, 404, 404, 404)),
    ("GET", "/admin/notify", (302, 403, 403, 403, 403, 403, 200)),
    ("GET", "/api/v1/push/vapid-public-key", (200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/push/subscriptions", (401, 422, 422, 422, 422, 422, 422)),  # an empty body
    ("DELETE", "/api/v1/push/subscriptions", (401, 422, 422, 422, 422, 422, 422)),  # an empty body
    ("GET", "/api/v1/notifications", (401, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/notifications/read", (401, 200, 200, 200, 200, 200, 200)),
    ("GET", "/healthz", (200, 200, 200, 200, 200, 200, 200)),  # public: load balancers and monitoring
    ("GET", "/me/data", (302, 200, 200, 200, 200, 200, 200)),  # one's own data only
    ("GET", "/me/data.json", (302, 200, 200, 200, 200, 200, 200)),
    # security: the second login step (nothing pending → back to the login page), own sessions, privacy notice
    ("GET", "/login/2fa", (302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/login/2fa", (302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/login/2fa/setup", (302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/login/2fa/setup", (302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/account/2fa", (302, 200, 200, 200, 302, 302, 302)),  # staff already have it → profile
    ("POST", "/account/2fa", (302, 400, 400, 400, 302, 302, 302)),  # an empty form
    ("GET", "/account/2fa/disable", (302, 302, 302, 302, 403, 403, 403)),  # staff may not turn it off
    ("POST", "/account/2fa/disable", (302, 302, 302, 302, 403, 403, 403)),
    ("POST", "/account/sessions/{session_id}/revoke", (302, 404, 404, 404, 404, 404, 404)),  # not one of mine
    ("POST", "/account/sessions/revoke-others", (302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/privacy", (200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/privacy/accept", (302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/api/v1/privacy", (401, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/privacy/consent", (401, 200, 200, 200, 200, 200, 200), lambda ids: {"version": "2026-01"}),
    ("POST", "/logout", (302, 302, 302, 302, 302, 302, 302)),
]


@pytest.fixture
def scene(app, factory):
    """City → ward A → cell A (+ a tổ đảng), ward B → cell B; one account per role."""
    city = factory.org("Đảng bộ Thành phố", OrgKind.DANG_BO_TINH)
    ward_a = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA, city)
    ward_b = factory.org("Đảng bộ phường B", OrgKind.DANG_BO_XA, city)
    cell_a = factory.org("Chi bộ A", OrgKind.CHI_BO, ward_a)
    factory.org("Tổ đảng số 1", OrgKind.TO_DANG, cell_a)
    cell_b = factory.org("Chi bộ B", OrgKind.CHI_BO, ward_b)
    users = {role: factory.user(f"{role}@test.vn") for role in ROLES[1:]}
    users["admin"].is_admin = True
    member = factory.member(cell_a, users["member"])
    other = factory.member(cell_b, users["other_member"], phone="+84912000111")
    cellmate = factory.member(cell_a, users["leader"])
    factory.grant(users["leader"], cell_a, Role.BI_THU)
    factory.grant(users["staff_above"], ward_a, Role.CAN_BO)
    factory.grant(users["staff_unrelated"], ward_b, Role.CAN_BO)
    doc_a = factory.document(ward_a)  # for ward A and everything below it
    draft_a = factory.document(ward_a, published=False)
    attachment = add_attachment(doc_a, Upload("quy-dinh.pdf", b"%PDF-1.4 test"))
    member.photo_file = "scene.jpg"
    photos = Path(app.instance_path) / "member_photos"
    photos.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 4)).save(photos / "scene.jpg", "JPEG")
    notification = Notification(user_id=users["member"].id, kind="test", title="Thông báo", body="…", url="/",
                                tag="t", dedupe_key="scene")
    device = PushSubscription(user_id=users["member"].id, endpoint="https://fcm.googleapis.com/fcm/send/scene",
                              p256dh="x", auth="y")
    db.session.add_all([notification, device])
    factory.commit()
    starts = utcnow() + timedelta(days=3)
    meeting = scheduling.create_meeting(cell_a, scheduling.MeetingInput(
        kind=MeetingKind.THUONG_KY, format=MeetingFormat.TRUC_TIEP, starts_at=starts,
        ends_at=starts + timedelta(minutes=90), place="Nhà văn hóa khu A"), users["leader"].id)
    upload = FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="du-thao.pdf")
    document = documents.add_upload(meeting, upload, "Dự thảo nghị quyết", users["leader"].id)
    feed_token = calendar.issue_token(member)
    ids = {"token": "0" * 32, "cellmate": cellmate.id, "session_id": "0" * 64,
           "lang": "en", "cell": cell_a.id, "ward": ward_a.id, "member": member.id, "other_member": other.id,
           "meeting": meeting.id, "document": document.id, "feed_token": feed_token,
           "feed": calendar.tokens_of(member)[0].id,
           "doc_a": doc_a.id, "draft_a": draft_a.id, "article_a": doc_a.articles[0].id,
           "attachment_a": attachment.id, "notification": notification.id, "device": device.id}
    return users, ids


def _call(client, method: str, path: str, token: str, body: dict | None = None):
    headers = {"X-CSRFToken": token}
    if method == "GET":
        return client.get(path)
    if path == "/api/v1/auth/token":
        return client.post(path, json={"login": "khongco@test.vn", "password": "sai-mat-khau"}, headers=headers)
    if method == "DELETE":
        return client.delete(path, json={}, headers=headers)
    if path.startswith("/api/"):
        return client.post(path, json=body or {}, headers=headers)
    return client.post(path, data={"csrf_token": token, **(body or {})}, headers=headers)


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_access_table(app, scene, role_index, role):
    users, ids = scene
    mismatches = []
    client = app.test_client()
    if role != "anonymous":
        assert login(client, users[role].email).status_code == 302
    token = get_csrf(client, "/activate")
    for method, template, expected, *make_body in ENDPOINTS:  # POST /logout comes last
        path = template.format(**ids)
        body = make_body[0]({**ids, "role": role}) if make_body else None
        status = _call(client, method, path, token, body).status_code
        if status != expected[role_index]:
            mismatches.append(f"{method} {path}: expected {expected[role_index]}, got {status}")
    assert not mismatches, f"role {role}:\n" + "\n".join(mismatches)


def _shape(path: str) -> str:
    """'/org/<int:org_id>' and '/org/{cell}' both become '/org/*'; a query string is not part of the rule."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "*", path.split("?", 1)[0])


def test_shape_matches_rules_and_table_paths():
    assert _shape("/meetings/new?org={cell}") == _shape("/meetings/new") == "/meetings/new"
    assert _shape("/meetings/{meeting}.ics") == _shape("/meetings/<int:meeting_id>.ics") == "/meetings/*.ics"
    assert _shape("/meetings/{meeting}/edit") != _shape("/meetings/new")


def test_every_endpoint_is_in_the_table(app):
    listed = {(row[0], _shape(row[1])) for row in ENDPOINTS}
    missing = [
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if (method, _shape(rule.rule)) not in listed
    ]
    assert not missing, "endpoints missing from the access table: " + ", ".join(missing)
