"""The reports' home page: this month at a glance over a small ward — the members, last month's and this month's
regular meetings, the quarter's thematic meetings, the review lists, the reach — each linking to its report; who
may open it."""
from __future__ import annotations

import pytest
import time_machine

from handbook.extensions import db
from handbook.org.models import Role
from handbook.reports.overview import overview
from tests.reports.test_meetings_compliance import NOW, build
from tests.support import signed_in


@pytest.fixture
def scene(factory):
    with time_machine.travel(NOW, tick=False):
        found = build(factory)
        staff = factory.user("canbo@test.vn")
        factory.grant(staff, found["ward"], Role.CAN_BO)
        factory.member(found["a"], factory.user("dv@test.vn"))
        db.session.commit()
        yield found


def test_the_figures(app, scene):
    with time_machine.travel(NOW, tick=False):
        o = overview(scene["ward"], now=NOW)
    assert (o.members, o.members_year_ago, o.change) == (3, 3, 0)  # placed from their admission in 2005
    month, held, cells, share = o.last_month
    assert (month.year, month.month, held, cells, share) == (2026, 11, 1, 5, 20.0)
    assert (o.compliance.month.month, o.compliance.total.cells) == (12, 5)
    assert o.retired_at_workplace == 0
    assert o.reach.counts["members"] == 3


def test_the_page(app, scene):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app, "canbo@test.vn")
        page = client.get("/reports")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Tình hình tháng 12/2026" in text
        assert "Tháng 11/2026: 1/5 chi bộ (20,0\u00a0%)." in text
        for path in ("/reports/composition", "/reports/meetings", "/reports/attendance", "/reports/reviews",
                     "/reports/reach"):
            assert f'href="{path}?' in text, path
        assert 'aria-current="page">Tổng quan<' in text
        down = client.get(f"/reports?organisation_id={scene['d'].id}")
        assert down.status_code == 200 and "Đảng bộ D" in down.get_data(as_text=True)


def test_who_may_open_it(app, scene):
    with time_machine.travel(NOW, tick=False):
        staff = signed_in(app, "canbo@test.vn")
        assert staff.get(f"/reports?organisation_id={scene['other'].id}").status_code == 404
        assert staff.get("/reports?organisation_id=abc").status_code == 404
        assert signed_in(app, "dv@test.vn").get("/reports").status_code == 403
        assert app.test_client().get("/reports").status_code == 302
