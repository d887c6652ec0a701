"""The committee's view walked as the ward committee's staff would on the demo (canbo@demo.vn, Hải Châu), at the
start of a month — this month's meetings not held yet — : from the home page to the reports' home, the month's
compliance with the cells that did not meet, the composition by group as a chart, the retired members to review
(recorded as reviewed), the cells the app does not reach (their codes issued in one tap) — each printable and in
Excel."""
from __future__ import annotations

import io
import re

import pytest
import time_machine
from openpyxl import load_workbook

from handbook.demo.seed import seed_demo
from handbook.extensions import db
from tests.support import build_app, get_csrf, signed_in

NOW = "2027-01-02 09:30 +07:00"  # a new year's first days: December is the last whole month


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("walk"), "walk")
    with app.app_context(), time_machine.travel(NOW, tick=False):
        seed_demo()
        yield app
        db.session.remove()


def _sheet_rows(response) -> list[list]:
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_the_wards_month_at_a_glance(demo):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(demo, "canbo@demo.vn")
        home = client.get("/").get_data(as_text=True)
        assert 'href="/reports"' in home
        glance = client.get("/reports").get_data(as_text=True)
        assert "Đảng bộ phường Hải Châu" in glance and "Tình hình tháng 01/2027" in glance
        last = re.search(r"Tháng 12/2026: (\d+)/(\d+) chi bộ", glance)
        assert last and 0 < int(last[1]) < int(last[2])  # most cells met in December, not all

        december = client.get("/reports/meetings?month=2026-12")
        text = december.get_data(as_text=True)
        assert december.status_code == 200 and "Sinh hoạt chi bộ tháng 12/2026" in text
        assert "Chưa sinh hoạt" in text or "Có lịch nhưng chưa họp" in text  # the cells that did not meet
        assert 'src="data:image/svg+xml;base64,' in text
        assert client.get("/reports/meetings/print?month=2026-12").status_code == 200
        assert len(_sheet_rows(client.get("/reports/meetings.xlsx?month=2026-12"))) > 10


def test_the_composition_as_a_chart(demo):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(demo, "canbo@demo.vn")
        page = client.get("/reports/composition").get_data(as_text=True)
        assert page.count('src="data:image/svg+xml;base64,') >= 3
        assert "Hưu trí" in page and "Dân tộc Kinh" in page
        assert "31/03/2026" in page and "31/12/2026" in page  # the last four quarter ends
        printed = client.get("/reports/composition/print")
        assert printed.status_code == 200 and "<form" not in printed.get_data(as_text=True)
        rows = _sheet_rows(client.get("/reports/composition.xlsx"))
        assert any(row and row[0] == "Tổng số đảng viên" for row in rows)


def test_the_retired_members_to_review(demo):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(demo, "canbo@demo.vn")
        page = client.get("/reports/reviews?kind=retired_workplace").get_data(as_text=True)
        listed = re.search(r"(\d+) đảng viên trong danh sách", page)
        assert listed and int(listed[1]) > 0, "the demo ward has retired members still at their workplace"
        rows = _sheet_rows(client.get("/reports/reviews.xlsx?kind=retired_workplace"))
        assert any("Kết quả xem xét" in str(cell) for row in rows for cell in row if cell)
        response = client.post("/reports/reviews?kind=retired_workplace",
                               data={"csrf_token": get_csrf(client, "/activate"), "reviewed_on": "02/01/2027",
                                     "note": "Đã rà soát tại hội nghị cấp ủy"})
        assert response.status_code == 302
        after = client.get("/reports/reviews?kind=retired_workplace").get_data(as_text=True)
        assert "02/01/2027" in after and "Đã rà soát tại hội nghị cấp ủy" in after
        assert f"{listed[1]} đảng viên trong danh sách" in after


def test_the_cells_the_app_does_not_reach(demo):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(demo, "canbo@demo.vn")
        page = client.get("/reports/reach").get_data(as_text=True)
        action = re.search(r'<form method="post" action="(/org/\d+/activation-codes)"', page)
        assert action, "a cell with members yet to activate offers its codes"
        issued = client.post(action[1], data={"csrf_token": get_csrf(client, "/activate")})
        assert issued.status_code == 302 and issued.headers["Location"].endswith("/slips")
        assert client.get("/reports/reach/print").status_code == 200
        assert len(_sheet_rows(client.get("/reports/reach.xlsx"))) > 5
