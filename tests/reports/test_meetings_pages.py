"""The meeting compliance and attendance pages, their Excel files and printable pages: who may open them (a ward's
staff not another ward: 404; a plain member: 403), bad months and periods (400 with the reason), the workbook's
rows, and the link to a cell's review page."""
from __future__ import annotations

import io

import pytest
import time_machine
from openpyxl import load_workbook

from handbook.extensions import db
from handbook.org.models import Role
from tests.reports.test_attendance_report import NOW as A_NOW
from tests.reports.test_attendance_report import build as build_attendance
from tests.reports.test_meetings_compliance import NOW, build
from tests.support import signed_in


@pytest.fixture
def scene(factory):
    with time_machine.travel(NOW, tick=False):
        found = build(factory)
        staff = factory.user("canbo@test.vn")
        factory.grant(staff, found["ward"], Role.CAN_BO)
        member_user = factory.user("dv@test.vn")
        factory.member(found["a"], member_user)
        db.session.commit()
        yield found


def test_the_page_shows_the_month(app, scene):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app, "canbo@test.vn")
        page = client.get("/reports/meetings?month=2026-11")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Sinh hoạt chi bộ tháng 11/2026" in text
        assert "1 trong 5 chi bộ đã sinh hoạt thường kỳ có biên bản và điểm danh (20,0\u00a0%)." in text
        assert "Chi bộ D2" in text and "Có lịch nhưng chưa họp" in text
        assert 'src="data:image/svg+xml;base64,' in text
        assert client.get("/reports/meetings/print?month=2026-11").status_code == 200


def test_the_workbook_has_the_rows(app, scene):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app, "canbo@test.vn")
        response = client.get(f"/reports/meetings.xlsx?organisation_id={scene['ward'].id}&month=2026-11")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.data))
        rows = [list(row) for row in book.worksheets[2].iter_rows(values_only=True)]
        assert [row[1] for row in rows[4:]] == ["Chi bộ N", "Chi bộ D2", "Chi bộ D1", "Chi bộ B"]
        first = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        assert first[-1][:3] == ["Toàn Phường Thử", 5, 1]


@pytest.mark.parametrize("month", ["2026-13", "11/2026", "2027-01", "abc"])
def test_a_bad_month_is_a_400(app, scene, month):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app, "canbo@test.vn")
        response = client.get(f"/reports/meetings?month={month}")
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "Tháng phải có dạng yyyy-mm" in text or "chưa tới" in text


def test_scope(app, scene):
    with time_machine.travel(NOW, tick=False):
        staff = signed_in(app, "canbo@test.vn")
        assert staff.get(f"/reports/meetings?organisation_id={scene['other'].id}").status_code == 404
        assert staff.get(f"/reports/attendance?organisation_id={scene['x'].id}").status_code == 404
        assert staff.get(f"/reports/meetings?organisation_id={scene['d'].id}").status_code == 200
        member = signed_in(app, "dv@test.vn")
        for path in ("/reports/meetings", "/reports/meetings.xlsx", "/reports/meetings/print", "/reports/attendance",
                     "/reports/attendance.xlsx", "/reports/attendance/print"):
            assert member.get(path).status_code == 403, path
        assert app.test_client().get("/reports/meetings").status_code == 302


@pytest.fixture
def attendance_scene(factory):
    with time_machine.travel(A_NOW, tick=False):
        found = build_attendance(factory)
        staff = factory.user("canbo@test.vn")
        factory.grant(staff, found["ward"])
        db.session.commit()
        yield found


def test_the_attendance_page_links_the_review(app, attendance_scene):
    with time_machine.travel(A_NOW, tick=False):
        client = signed_in(app, "canbo@test.vn")
        page = client.get("/reports/attendance?from=01/09/2026&to=30/11/2026")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Có mặt 6 trong 10 lượt phải dự (60,0\u00a0%)" in text
        assert f"/meetings/review?org={attendance_scene['a'].id}&amp;year=2026" in text
        assert "01/2026, 03/2026, 10/2026" in text
        default = client.get("/reports/attendance").get_data(as_text=True)
        assert "từ 01/10/2026 đến 06/12/2026" in default  # the last 3 months up to today
        printed = client.get("/reports/attendance/print?from=01/09/2026&to=30/11/2026").get_data(as_text=True)
        assert "/meetings/review" not in printed and "Anh Hai" in printed
        book = load_workbook(io.BytesIO(client.get(
            "/reports/attendance.xlsx?from=01/09/2026&to=30/11/2026").data))
        cells = [list(row) for row in book.worksheets[1].iter_rows(values_only=True)][4:]
        assert [row[1] for row in cells] == ["Chi bộ B", "Chi bộ A", "Chi bộ D1"]
        cell = client.get(f"/reports/attendance?organisation_id={attendance_scene['a'].id}"
                          "&from=01/09/2026&to=30/11/2026").get_data(as_text=True)
        assert "Tỷ lệ dự sinh hoạt từng đảng viên" in cell and "Anh Một" in cell


@pytest.mark.parametrize(("query", "message"), [
    ("from=31/02/2026", "Ngày phải có dạng dd/mm/yyyy"),
    ("from=01/12/2026&to=01/11/2026", "Ngày bắt đầu phải trước ngày kết thúc."),
    ("to=01/01/2027", "Không xem được số liệu của một ngày chưa tới."),
])
def test_a_bad_period_is_a_400(app, attendance_scene, query, message):
    with time_machine.travel(A_NOW, tick=False):
        response = signed_in(app, "canbo@test.vn").get(f"/reports/attendance?{query}")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
