"""The unpaid-dues list among the committee's periodic reviews: the same members as the cell's page counts, in SQL
over the subtree; in January it looks at last year's twelve months."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from handbook.dues import service
from handbook.dues.models import DuesPayment, Method
from handbook.dues.sheet import unpaid_in_year
from handbook.extensions import db
from handbook.reports.models import ReviewKind
from handbook.reports.reviews import review_list
from tests.dues.scene import build
from tests.support import signed_in

TODAY = date(2026, 11, 20)


@pytest.fixture
def scene(factory):
    scene = build(factory)
    paid = {scene.leader: range(1, 11), scene.member: range(1, 8), scene.pensioner: range(1, 10),
            scene.student: range(1, 11), scene.plain: range(1, 11)}
    for person, months in paid.items():
        for m in months:
            db.session.add(DuesPayment(member_id=person.id, cell_id=scene.cell.id, month=date(2026, m, 1),
                                       amount=5000, method=Method.CASH, paid_on=date(2026, m, 5)))
    # a member admitted in August who paid nothing: August, September, October are three
    scene.late = factory.member(scene.cell, name="Mai Văn Mới", admission_date=date(2026, 8, 15))
    # a member 50 years in the Party since June: January to May unpaid is five
    scene.old = factory.member(scene.cell, name="Tô Văn Lão", admission_date=date(1976, 6, 1))
    factory.commit()
    # the other member in cell B owes ten months but was exempt from March to December
    service.add_relief(scene.other, "illness", None, date(2026, 3, 1), date(2026, 12, 1), "1-QĐ", date(2026, 3, 1),
                       scene.actor, today=TODAY)
    return scene


def _listed(org, today):
    result = review_list(org, ReviewKind.UNPAID_DUES, today=today)
    return {row.full_name: row.unpaid for row in result.rows}


def test_sql_list_matches_the_cells_count(scene):
    expected = {"Nguyễn Thị Đóng": 3, "Mai Văn Mới": 3, "Tô Văn Lão": 5}
    assert _listed(scene.ward, TODAY) == expected
    assert {m.full_name: n for m, n in unpaid_in_year(scene.cell, 2026, today=TODAY)} == expected
    assert _listed(scene.cell_b.parent, TODAY) == {}  # two unpaid months, then exempt


def test_in_january_last_years_months(scene):
    # November and December 2026 now count: the bí thư, the student and the member without a profile owe two
    assert _listed(scene.ward, date(2027, 1, 5)) == {"Nguyễn Thị Đóng": 5, "Lê Văn Hưu": 3, "Mai Văn Mới": 5,
                                                     "Tô Văn Lão": 5}


@time_machine.travel("2026-11-20 03:00:00+00:00", tick=False)
def test_the_review_page_shows_the_list(app, scene):
    page = signed_in(app, "canbo@test.vn").get(f"/reports/reviews?organisation_id={scene.ward.id}&kind=unpaid_dues")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mai Văn Mới" in text and "Không đóng đảng phí" in text and "năm 2026" in text
