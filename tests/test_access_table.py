"""Every endpoint × every role → the expected status (DESIGN.md: access is decided in one place).

Later issues add their endpoints to ENDPOINTS; `test_every_endpoint_is_in_the_table` fails until they do.
"""
from __future__ import annotations

import re

import pytest

from handbook.org.models import OrgKind, Role
from handbook.regulations.files import Upload, add_attachment
from tests.conftest import get_csrf, login

ROLES = ("anonymous", "member", "other_member", "leader", "staff_above", "staff_unrelated", "admin")

# method, path (placeholders filled from the scene), expected status per role in ROLES order
ENDPOINTS = [
    ("GET", "/", (302, 200, 200, 200, 200, 200, 200)),
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
    ("GET", "/org/{ward}", (302, 404, 404, 404, 200, 404, 200)),
    ("GET", "/members/{member}", (302, 200, 404, 200, 200, 404, 200)),
    ("GET", "/members/{other_member}", (302, 404, 200, 404, 404, 200, 200)),
    ("POST", "/members/{member}/activation-code", (302, 403, 404, 200, 200, 404, 200)),
    ("GET", "/api/v1/openapi.json", (200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/auth/token", (401, 401, 401, 401, 401, 401, 401)),
    ("GET", "/api/v1/me", (401, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/organisations/{cell}", (401, 200, 404, 200, 200, 404, 200)),
    ("GET", "/api/v1/organisations/{ward}", (401, 404, 404, 404, 200, 404, 200)),
    ("GET", "/api/v1/regulations", (401, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/regulations/{doc_a}", (401, 200, 404, 200, 200, 404, 200)),
    ("GET", "/api/v1/regulations/{draft_a}", (401, 404, 404, 404, 404, 404, 404)),  # drafts are not in the API
    ("POST", "/logout", (302, 302, 302, 302, 302, 302, 302)),
]


@pytest.fixture
def scene(factory):
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
    factory.member(cell_a, users["leader"])
    factory.grant(users["leader"], cell_a, Role.BI_THU)
    factory.grant(users["staff_above"], ward_a, Role.CAN_BO)
    factory.grant(users["staff_unrelated"], ward_b, Role.CAN_BO)
    doc_a = factory.document(ward_a)  # for ward A and everything below it
    draft_a = factory.document(ward_a, published=False)
    attachment = add_attachment(doc_a, Upload("quy-dinh.pdf", b"%PDF-1.4 test"))
    factory.commit()
    ids = {"lang": "en", "cell": cell_a.id, "ward": ward_a.id, "member": member.id, "other_member": other.id,
           "doc_a": doc_a.id, "draft_a": draft_a.id, "article_a": doc_a.articles[0].id,
           "attachment_a": attachment.id}
    return users, ids


def _call(client, method: str, path: str, token: str):
    headers = {"X-CSRFToken": token}
    if method == "GET":
        return client.get(path)
    if path == "/api/v1/auth/token":
        return client.post(path, json={"login": "khongco@test.vn", "password": "sai-mat-khau"}, headers=headers)
    if path.startswith("/api/"):
        return client.post(path, json={}, headers=headers)
    return client.post(path, data={"csrf_token": token}, headers=headers)


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_access_table(app, scene, role_index, role):
    users, ids = scene
    mismatches = []
    client = app.test_client()
    if role != "anonymous":
        assert login(client, users[role].email).status_code == 302
    token = get_csrf(client, "/activate")
    for method, template, expected in ENDPOINTS:  # POST /logout comes last
        path = template.format(**ids)
        status = _call(client, method, path, token).status_code
        if status != expected[role_index]:
            mismatches.append(f"{method} {path}: expected {expected[role_index]}, got {status}")
    assert not mismatches, f"role {role}:\n" + "\n".join(mismatches)


def _shape(path: str) -> str:
    """'/org/<int:org_id>' and '/org/{cell}' both become '/org/*'."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "*", path)


def test_every_endpoint_is_in_the_table(app):
    listed = {(method, _shape(path)) for method, path, _expected in ENDPOINTS}
    missing = [
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if (method, _shape(rule.rule)) not in listed
    ]
    assert not missing, "endpoints missing from the access table: " + ", ".join(missing)
