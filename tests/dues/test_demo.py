"""The demo's year of dues: the demo cell through the services (each kind of member, a reduction, unpaid months,
one member with three), every other cell bulk-inserted; the current month partly paid on any day."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from handbook.auth.models import User
from handbook.demo.seed import seed_demo
from handbook.dues import rules, sheet
from handbook.dues.models import Category, DuesPayment, DuesProfile, DuesRelief
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.models import CELL_KINDS, Organisation
from tests.support import build_app


@pytest.fixture(scope="module", params=["2026-12-06 10:00 +07:00", "2027-01-02 06:00 +07:00"])
def seeded(tmp_path_factory, request):
    app = build_app(tmp_path_factory.mktemp("dues_demo"), "dues_demo")
    with app.app_context(), time_machine.travel(request.param, tick=False):
        seed_demo()
        yield app, date.fromisoformat(request.param[:10])
        db.session.remove()


def _demo_cell() -> Organisation:
    cell_id = db.session.scalar(select(Member.cell_id).join(User, User.id == Member.user_id)
                                .where(User.email == "bithu@demo.vn"))
    return db.session.get(Organisation, cell_id)


def test_the_demo_cell_has_every_kind_of_member(seeded):
    _app, today = seeded
    cell = _demo_cell()
    current = sheet.cell_sheet(cell, rules.month_start(today), today=today)
    categories = set(db.session.scalars(select(DuesProfile.category).join(Member, Member.id == DuesProfile.member_id)
                                        .where(Member.cell_id == cell.id)))
    assert {Category.PENSION, Category.STUDENT, Category.WAGE} <= categories
    statuses = {line.expected.status for line in current.lines}
    assert rules.Status.FIFTY_YEARS in statuses and current.reduced == 1
    assert db.session.scalar(select(DuesRelief.decision_number)) == "15-QĐ/ĐU"
    assert 0 < current.paid_count < current.members  # the current month partly paid
    last = rules.month_start(today) - relativedelta(months=1)
    assert [n for _m, n in sheet.unpaid_in_year(cell, last.year, today=today)] == [3]


def test_every_cell_has_dues(seeded):
    _app, today = seeded
    month = rules.month_start(today)
    cells_paid = db.session.scalar(select(func.count(func.distinct(DuesPayment.cell_id))))
    cells = db.session.scalar(select(func.count(Organisation.id)).where(Organisation.kind.in_(CELL_KINDS)))
    assert cells_paid >= cells - 1
    assert db.session.scalar(select(func.count(DuesPayment.id)).where(DuesPayment.month == month)) > 0
    assert db.session.scalar(select(func.count(DuesPayment.id)).where(DuesPayment.paid_on > today)) == 0
