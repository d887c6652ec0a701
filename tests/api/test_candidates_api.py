"""Candidates in the API: the list and one file in the caller's scope, and adding one — bad input a Vietnamese
JSON error with nothing written, a cell out of scope 404."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from handbook.admission import dossier, steps
from handbook.org.models import Role
from tests.admission.dossier_scene import ACTOR, TODAY, build, counts
from tests.support import api_token

NOW = "2026-12-06 03:00:00+00:00"


@pytest.fixture
def scene(app, factory):
    scene = build(factory)
    outsider = factory.user("khac@test.vn", name="Bí thư nơi khác")
    factory.member(scene.other_cell, outsider, name="Ngô Văn Khác")
    factory.grant(outsider, scene.other_cell, Role.BI_THU)
    factory.commit()
    return scene


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _body(cell_id, **fields):
    body = {"cell_id": cell_id, "full_name": "Võ Thị Hoa", "birth_date": "2001-03-15", "gender": "nu",
            "general_education": "thpt", "professional_level": "dai_hoc", "occupation_group": "dn_tu_nhan",
            "youth_union": True, "source": "doan_tn", "cccd": "079301000111"}
    body.update(fields)
    return body


def _auth(client, login="bithu@test.vn"):
    return {"Authorization": f"Bearer {api_token(client, login)}"}


def test_create_list_and_read_a_candidate(app, client, scene, factory):
    headers = _auth(client)
    response = client.post("/api/v1/candidates", json=_body(scene.cell.id), headers=headers)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["full_name"] == "Võ Thị Hoa" and created["status"] == "dang_xet" and created["age_months"] == 308
    assert created["occupation_group_label"] == "Người lao động doanh nghiệp tư nhân"
    assert len(created["steps"]) == len(steps.STEPS) and created["progress"]["next_steps"][0] == "awareness"
    candidate_id = created["id"]
    dossier.record_step(dossier_candidate(candidate_id), "application", status="xong", done_on=date(2026, 11, 2),
                        actor=ACTOR, today=TODAY)
    other = factory.candidate(scene.other_cell)
    factory.commit()
    listing = client.get("/api/v1/candidates?per_page=10", headers=headers).get_json()
    assert [c["id"] for c in listing["items"]] == [candidate_id] and listing["total"] == 1
    assert listing["items"][0]["stage"] == "Đơn xin vào Đảng"
    filtered = client.get(f"/api/v1/candidates?organisation_id={scene.other_cell.id}", headers=headers).get_json()
    assert filtered["total"] == 0
    one = client.get(f"/api/v1/candidates/{candidate_id}", headers=headers).get_json()
    application = next(s for s in one["steps"] if s["code"] == "application")
    assert application["status"] == "xong" and application["done_on"] == "2026-11-02"
    assert client.get(f"/api/v1/candidates/{other.id}", headers=headers).status_code == 404


def dossier_candidate(candidate_id):
    from handbook.admission.models import Candidate
    from handbook.extensions import db

    return db.session.get(Candidate, candidate_id)


@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"birth_date": "2008-12-07"}, 400, "Chưa đủ 18 tuổi"),
    ({"general_education": "tieu_hoc"}, 400, "trung học cơ sở"),
    ({"cccd": "12"}, 400, "Số CCCD phải gồm đúng 12 chữ số."),
    ({"gender": "x"}, 422, "Phải là một trong"),
    ({"birth_date": "15/03/2001"}, 422, "Giá trị không hợp lệ."),
    ({"salary": 1}, 422, "Trường không được hỗ trợ."),
])
def test_bad_input_is_a_vietnamese_error_and_nothing_written(app, client, scene, fields, status, message):
    response = client.post("/api/v1/candidates", json=_body(scene.cell.id, **fields), headers=_auth(client))
    body = response.get_json()
    assert response.status_code == status and message in str(body["error"]), body
    assert counts() == (0, 0, 0)


def test_a_duplicate_cccd_is_refused_without_naming_the_member(app, client, scene):
    response = client.post("/api/v1/candidates", json=_body(scene.cell.id, cccd="001090000123"),
                           headers=_auth(client))
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Số CCCD này đã có trong dữ liệu" in response.get_json()["error"]["message"]
    assert "Đỗ Văn Xa" not in text and "Chi bộ khu phố 9" not in text and str(scene.far_member.id) not in text
    assert counts() == (0, 0, 0)


def test_a_cell_out_of_scope_is_404(app, client, scene):
    headers = _auth(client, "khac@test.vn")
    assert client.post("/api/v1/candidates", json=_body(scene.cell.id), headers=headers).status_code == 404
    assert client.post("/api/v1/candidates", json=_body(scene.ward.id), headers=headers).status_code == 404
    assert client.get("/api/v1/candidates", headers=headers).get_json()["total"] == 0
    assert counts() == (0, 0, 0)


def test_the_openapi_document_has_the_candidates(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/candidates"])
    assert "CandidateDetailOut" in spec["components"]["schemas"]
