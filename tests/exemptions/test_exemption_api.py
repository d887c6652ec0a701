"""GET and POST /api/v1/me/exemptions: the member's state and requests; refused input is a JSON error with nothing
written; in the OpenAPI document."""
from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import func, select

from handbook.audit.service import Actor
from handbook.exemptions import service
from handbook.exemptions.models import Exemption, ExemptionKind, ExemptionReason
from handbook.extensions import db
from tests.exemptions import scene
from tests.support import api_token

NOW = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)  # 01:00 on 01/01/2027 in Hà Nội, still 31/12 in UTC


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Exemption))


@time_machine.travel(NOW, tick=False)
def test_the_member_asks_and_reads_their_state_on_ha_noi_s_day(app, factory, client):
    s = scene.build(factory)
    headers = {"Authorization": f"Bearer {api_token(client, 'dv@test.vn')}"}
    assert client.get("/api/v1/me/exemptions", headers=headers).get_json() == {
        "state": {"exempt": False, "kind": None, "until": None, "days_left": None}, "items": []}
    response = client.post("/api/v1/me/exemptions", headers=headers, json={
        "kind": "tam_mien", "reason": "lam_an_xa", "starts_on": "2027-01-01", "until": "2027-01-31"})
    assert response.status_code == 201, response.get_json()  # "today" is 01/01 in Hà Nội
    exemption = db.session.get(Exemption, response.get_json()["id"])
    service.approve(exemption, "1-NQ/CB", date(2027, 1, 1), Actor(s.leader.user_id), today=date(2027, 1, 1))
    body = client.get("/api/v1/me/exemptions", headers=headers).get_json()
    assert body["state"] == {"exempt": True, "kind": "tam_mien", "until": "2027-01-31", "days_left": 30}
    assert body["items"][0]["status"] == "approved" and body["items"][0]["decision_number"] == "1-NQ/CB"


@time_machine.travel(NOW, tick=False)
def test_refused_requests_are_json_errors_and_write_nothing(app, factory, client):
    scene.build(factory)
    headers = {"Authorization": f"Bearer {api_token(client, 'dv@test.vn')}"}
    for payload, status in (
            ({"kind": "tam_mien", "reason": "lam_an_xa", "starts_on": "2027-01-01", "until": "2028-01-01"}, 400),
            ({"kind": "tam_mien", "reason": "lam_an_xa", "starts_on": "2027-01-10", "until": "2027-01-09"}, 400),
            ({"kind": "tam_mien", "reason": "lam_an_xa", "starts_on": "2026-12-31", "until": "2027-01-09"}, 400),
            ({"kind": "tam", "reason": "lam_an_xa", "starts_on": "2027-01-01"}, 422),
            ({"kind": "mien", "reason": "tuoi_cao", "starts_on": "01/01/2027"}, 422)):
        response = client.post("/api/v1/me/exemptions", headers=headers, json=payload)
        assert response.status_code == status, (payload, response.get_json())
        assert set(response.get_json()["error"]) >= {"code", "message"}
    assert _count() == 0
    assert client.get("/api/v1/me/exemptions").status_code == 401


def test_in_the_openapi_document(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/me/exemptions"]) == {"get", "post"}


def test_my_data_holds_the_member_s_exemptions(app, factory):
    from tests.support import signed_in

    s = scene.build(factory)
    service.request_exemption(s.member, ExemptionKind.TAM_MIEN, ExemptionReason.LAM_AN_XA, "Đi làm xa",
                              date(2027, 1, 4), date(2027, 2, 4), Actor(s.member.user_id), today=date(2027, 1, 4))
    data = signed_in(app, "dv@test.vn").get("/me/data.json").get_json()
    [row] = data["exemptions"]
    assert (row["kind"], row["kind_label"], row["status_label"], row["until"]) == (
        "tam_mien", "Tạm miễn sinh hoạt đảng", "Chờ chi bộ xem xét", "2027-02-04")
