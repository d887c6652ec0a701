"""GET /api/v1/reports/composition: the page's figures as JSON within the caller's scope; a bad day or organisation
id is a 400 JSON error in Vietnamese; outside the scope 404, anonymous 401; in the OpenAPI document."""
from __future__ import annotations

import pytest
import time_machine

from tests.reports.test_composition import scene  # noqa: F401 - fixture
from tests.support import signed_in


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-12-06 03:00:00+00:00", tick=False):
        yield


def test_the_wards_figures(app, scene):  # noqa: F811
    response = signed_in(app, "canbo@phuong.vn").get("/api/v1/reports/composition")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["name"], body["as_of"], body["total"]) == (scene["ward"].id, "Phường Thử", "2026-12-06",
                                                                        6)
    dims = {d["key"]: d for d in body["dimensions"]}
    assert {r["key"]: r["count"] for r in dims["status"]["rows"]} == {
        "st_du_bi": 2, "st_chinh_thuc": 2, "st_mien_sinh_hoat": 1, "st_tam_mien": 1}
    assert dims["ethnicity"]["rows"][0] == {"key": "kinh", "label": "Kinh", "count": 3, "share": 50.0}
    assert {r["key"]: r["count"] for r in body["milestones"] if r["count"]} == {
        "badge_30": 1, "badge_40": 1, "badge_50": 1}
    assert body["quarter_days"] == ["2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30", "2026-12-06"]
    total = next(c for c in body["changes"] if c["key"] == "total")
    assert (total["values"], total["change"]) == ([5, 5, 5, 6, 6], 1)
    assert [(c["name"], c["total"]) for c in body["children"]] == [("Chi bộ A", 3), ("Chi bộ B", 1), ("Đảng bộ D", 2)]


def test_another_day_and_a_cell(app, scene):  # noqa: F811
    client = signed_in(app, "bithu.a@phuong.vn")
    body = client.get(f"/api/v1/reports/composition?organisation_id={scene['a'].id}&as_of=30/06/2026").get_json()
    assert (body["total"], body["as_of"], body["children"]) == (3, "2026-06-30", [])


@pytest.mark.parametrize(("raw", "message"), [
    ("2026-13-01", "Ngày phải có dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ("abc", "Ngày phải có dạng dd/mm/yyyy, ví dụ 31/12/2025."),
    ("2026-12-07", "Không xem được số liệu của một ngày chưa tới."),
    ("31/12/1999", "Chỉ xem được số liệu từ ngày 01/01/2000."),
])
def test_a_bad_day_is_a_400(app, scene, raw, message):  # noqa: F811
    response = signed_in(app, "canbo@phuong.vn").get(f"/api/v1/reports/composition?as_of={raw}")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_a_bad_organisation_id_is_a_400(app, scene):  # noqa: F811
    response = signed_in(app, "canbo@phuong.vn").get("/api/v1/reports/composition?organisation_id=x1")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_organisation_id"


def test_outside_the_scope_is_a_404_and_a_member_a_403(app, scene):  # noqa: F811
    for login, org in (("canbo@phuongkhac.vn", scene["ward"]), ("bithu.a@phuong.vn", scene["ward"]),
                       ("canbo@phuong.vn", scene["other"])):
        response = signed_in(app, login).get(f"/api/v1/reports/composition?organisation_id={org.id}")
        assert response.status_code == 404
        assert "error" in response.get_json()
    assert signed_in(app, "dangvien@phuong.vn").get("/api/v1/reports/composition").status_code == 403


def test_anonymous_is_a_401(app, scene, client):  # noqa: F811
    assert client.get("/api/v1/reports/composition").status_code == 401


def test_in_the_openapi_document(app, scene, client):  # noqa: F811
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reports/composition"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"organisation_id", "as_of"}
    assert {"200", "400", "404"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    assert {"dimensions", "milestones", "changes", "children", "quarter_days"} <= set(
        schemas["CompositionReportOut"]["properties"])
