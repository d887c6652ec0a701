"""GET /api/v1/reports/admissions: the same figures as the report's page, within the caller's scope; a bad year or
organisation id is a 400 JSON error in Vietnamese; outside the scope, 404; in the OpenAPI document."""
from __future__ import annotations

import pytest
import time_machine

from handbook.admission.report import GROUPS
from handbook.org.models import Role
from tests.admission.test_report import build
from tests.support import signed_in


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-12-06 03:00:00+00:00", tick=False):
        yield


@pytest.fixture
def scene(factory):
    scene = build(factory)
    factory.grant(factory.user("canbo@phuong.vn"), scene["ward"], Role.CAN_BO)
    factory.grant(factory.user("bithu.a@phuong.vn"), scene["a"], Role.BI_THU)
    factory.grant(factory.user("canbo@phuongkhac.vn"), scene["other"], Role.CAN_BO)
    factory.user("dangvien@phuong.vn")
    factory.commit()
    return scene


def test_the_wards_figures(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get("/api/v1/reports/admissions")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["name"], body["year"], body["as_of"]) == (scene["ward"].id, "Phường Thử", 2026,
                                                                        "2026-12-06")
    assert (body["admitted"], body["target"], body["percent"], body["target_from_children"]) == (6, 14, 42.9, True)
    assert set(body["groups"]) == set(GROUPS)
    assert {key: n for key, n in body["groups"].items() if n} == {
        "women": 4, "youth_union": 3, "minority": 1, "religious": 1, "age_18_30": 4, "dai_hoc": 1, "thac_si": 1,
        "tien_si": 1, "occ_cong_nhan": 1, "occ_dn_tu_nhan": 1, "occ_khac": 4}
    assert body["university_or_more"] == 3
    assert (body["term_admitted"], body["previous_term_admitted"]) == (8, 2)
    assert body["term"] == {"start": "2025-10-01", "end": "2026-12-06", "previous_start": "2020-10-01",
                            "previous_end": "2021-12-06"}
    children = {child["name"]: child for child in body["children"]}
    assert (children["Chi bộ A"]["admitted"], children["Chi bộ A"]["target"], children["Chi bộ A"]["percent"]) == (
        4, 10, 40.0)
    assert children["Đảng bộ D"]["groups"]["women"] == 2
    assert (body["cells"], body["idle_cells"], body["empty_cells"], body["idle_years"]) == (5, 3, 1, 3)


def test_another_year_and_a_cell(app, scene):
    client = signed_in(app, "bithu.a@phuong.vn")
    body = client.get(f"/api/v1/reports/admissions?organisation_id={scene['a'].id}&year=2025").get_json()
    assert (body["admitted"], body["target"], body["children"]) == (1, 99, [])


@pytest.mark.parametrize("year", ["1999", "2028", "abc", "2026.0", "", " "])
def test_a_bad_year_is_a_400(app, scene, year):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get(f"/api/v1/reports/admissions?year={year}")
    if not year.strip():
        assert response.status_code == 200  # absent: this year
        return
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "invalid_year",
                                            "message": "Năm phải là một số từ 2000 đến 2027."}


def test_a_bad_organisation_id_is_a_400(app, scene):
    client = signed_in(app, "canbo@phuong.vn")
    response = client.get("/api/v1/reports/admissions?organisation_id=x1")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_organisation_id"


def test_outside_the_scope_is_a_404(app, scene):
    for login, org in (("canbo@phuongkhac.vn", scene["ward"]), ("bithu.a@phuong.vn", scene["ward"]),
                       ("canbo@phuong.vn", scene["other"])):
        client = signed_in(app, login)
        response = client.get(f"/api/v1/reports/admissions?organisation_id={org.id}")
        assert response.status_code == 404, login
        assert response.get_json()["error"]["code"] == "not_found"
    client = signed_in(app, "canbo@phuong.vn")
    assert client.get("/api/v1/reports/admissions?organisation_id=99999999").status_code == 404
    client = signed_in(app, "dangvien@phuong.vn")  # no position: not for them, as every report answers
    assert client.get("/api/v1/reports/admissions").status_code == 403


def test_anonymous_is_a_401(app, scene, client):
    assert client.get("/api/v1/reports/admissions").status_code == 401


def test_in_the_openapi_document(app, scene, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reports/admissions"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"organisation_id", "year"}
    assert {"200", "400", "404"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    assert set(schemas["AdmissionGroupsOut"]["properties"]) == set(GROUPS)
    assert {"children", "groups", "term", "target", "percent"} <= set(schemas["AdmissionsReportOut"]["properties"])
