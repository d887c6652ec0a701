"""GET /api/v1/reports/meetings: the month's compliance within the caller's scope; a bad month is a 400 JSON error
in Vietnamese; outside the scope 404; a member who manages nothing 403; anonymous 401; in the OpenAPI document."""
from __future__ import annotations

import pytest
import time_machine

from handbook.extensions import db
from handbook.org.models import Role
from tests.reports.test_meetings_compliance import NOW, build
from tests.support import signed_in


@pytest.fixture
def scene(factory):
    with time_machine.travel(NOW, tick=False):
        found = build(factory)
        factory.grant(factory.user("canbo@phuong.vn"), found["ward"], Role.CAN_BO)
        factory.member(found["a"], factory.user("dangvien@phuong.vn"))
        db.session.commit()
        yield found


def test_the_wards_month(app, scene):
    with time_machine.travel(NOW, tick=False):
        response = signed_in(app, "canbo@phuong.vn").get("/api/v1/reports/meetings?month=2026-11")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["month"], body["cells"], body["held"], body["share"]) == (
        scene["ward"].id, "2026-11", 5, 1, 20.0)
    assert (body["held_incomplete"], body["scheduled"], body["missing"]) == (1, 1, 2)
    assert (body["thematic"], body["meetings"], body["average_score"]) == (2, 2, 3.0)
    assert [(c["name"], c["share"]) for c in body["children"]] == [
        ("Chi bộ A", 100.0), ("Chi bộ B", 0.0), ("Chi bộ N", 0.0), ("Đảng bộ D", 0.0)]
    assert [(c["name"], c["under"], c["status"]) for c in body["not_held"]] == [
        ("Chi bộ N", "Chi bộ N", "missing"), ("Chi bộ D2", "Đảng bộ D", "missing"),
        ("Chi bộ D1", "Đảng bộ D", "scheduled"),
        ("Chi bộ B", "Chi bộ B", "held_incomplete")]


@pytest.mark.parametrize("month", ["2026-13", "2026/11", "2027-01"])
def test_a_bad_month_is_a_400_json(app, scene, month):
    with time_machine.travel(NOW, tick=False):
        response = signed_in(app, "canbo@phuong.vn").get(f"/api/v1/reports/meetings?month={month}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["message"] in ("Tháng phải có dạng yyyy-mm, ví dụ 2026-03.",
                                "Không xem được số liệu của một tháng chưa tới.")


def test_scope(app, scene, client):
    with time_machine.travel(NOW, tick=False):
        staff = signed_in(app, "canbo@phuong.vn")
        assert staff.get(f"/api/v1/reports/meetings?organisation_id={scene['other'].id}").status_code == 404
        assert staff.get(f"/api/v1/reports/meetings?organisation_id={scene['d'].id}").get_json()["cells"] == 2
        assert staff.get("/api/v1/reports/meetings?organisation_id=abc").status_code == 400
        member = signed_in(app, "dangvien@phuong.vn")
        assert member.get("/api/v1/reports/meetings").status_code == 403  # manages nothing
        assert client.get("/api/v1/reports/meetings").status_code == 401


def test_in_the_openapi_document(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reports/meetings"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"organisation_id", "month"}
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert {"share", "children", "not_held"} <= set(spec["components"]["schemas"]["MeetingsReportOut"]["properties"])
