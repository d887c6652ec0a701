"""The JSON API skeleton: tokens, /me, organisations, OpenAPI, JSON errors."""
from __future__ import annotations

import pytest

from handbook.org.models import OrgKind, Role
from tests.support import api_token, get_csrf, login


@pytest.fixture
def member_scene(factory):
    ward = factory.org("Đảng bộ phường Hải Châu", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Khu dân cư số 3", OrgKind.CHI_BO, ward)
    user = factory.user("dv@test.vn", "+84901234567")
    member = factory.member(cell, user, name="Trần Văn Minh")
    leader = factory.user("bt@test.vn")
    factory.member(cell, leader)
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    return ward, cell, member


def test_token_then_me(app, client, member_scene):
    _ward, cell, member = member_scene
    token = api_token(client, "0901 234 567")
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["member_id"] == member.id
    assert body["organisation_id"] == cell.id
    assert body["display_name"] == "Trần Văn Minh"
    assert body["positions"] == []


def test_me_lists_positions_of_a_leader(app, client, member_scene):
    _ward, cell, _member = member_scene
    token = api_token(client, "bt@test.vn")
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["positions"] == [
        {"organisation_id": cell.id, "organisation_name": "Chi bộ Khu dân cư số 3", "role": "bi_thu",
         "scope": "subtree", "title": "Bí thư Chi bộ Khu dân cư số 3"}
    ]


def test_session_cookie_works_for_the_api(app, client, member_scene):
    login(client, "dv@test.vn")
    assert client.get("/api/v1/me").status_code == 200


def test_bad_and_missing_tokens_get_401_json(app, client, member_scene):
    for headers in ({}, {"Authorization": "Bearer khong-hop-le"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert "đăng nhập" in response.get_json()["error"]["message"]


def test_wrong_password_gives_401_json(app, client, member_scene):
    response = client.post("/api/v1/auth/token", json={"login": "dv@test.vn", "password": "sai-mat-khau"})
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "invalid_credentials"
    assert error["message"].startswith("E-mail/số điện thoại hoặc mật khẩu không đúng.")


def test_organisation_scope(app, client, member_scene):
    ward, cell, _member = member_scene
    headers = {"Authorization": f"Bearer {api_token(client)}"}
    mine = client.get(f"/api/v1/organisations/{cell.id}", headers=headers)
    assert mine.status_code == 200 and mine.get_json()["member_count"] == 2
    assert mine.get_json()["can_manage"] is False
    hidden = client.get(f"/api/v1/organisations/{ward.id}", headers=headers)
    missing = client.get("/api/v1/organisations/999999", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()  # existence does not leak


def test_openapi_lists_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {path for path in spec["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            shaped = rule.rule.replace("/api/v1", "", 1).replace("<int:", "{").replace(">", "}")
            assert shaped in documented or rule.rule.replace("<int:", "{").replace(">", "}") in documented, rule.rule
    token_op = spec["paths"]["/api/v1/auth/token"]["post"]
    schema_ref = token_op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"login", "password"}


def test_session_callers_need_csrf_on_unsafe_api_calls(app, client, member_scene):
    login(client, "dv@test.vn")
    body = {"login": "dv@test.vn", "password": "x"}
    refused = client.post("/api/v1/auth/token", json=body)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    allowed = client.post("/api/v1/auth/token", json=body, headers={"X-CSRFToken": get_csrf(client, "/")})
    assert allowed.status_code == 401
