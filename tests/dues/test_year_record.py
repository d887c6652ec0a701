"""The dues part of a member's year beside their self-assessment: months paid of the months due."""
from __future__ import annotations

from datetime import date

import pytest

from handbook.dues import payments
from handbook.dues.models import DuesRelief, ReliefKind
from handbook.dues.sheet import paid_of_due
from handbook.evaluation.record import year_records
from handbook.extensions import db
from tests.dues.scene import build

TODAY = date(2026, 11, 20)  # January to October are over


@pytest.fixture
def scene(factory):
    return build(factory)


def test_months_paid_of_those_due_skip_exempt_months_and_the_current_one(scene):
    payments.record_months(scene.member, date(2026, 2, 1), date(2026, 4, 1), "", "cash", None, date(2026, 4, 2),
                           scene.actor, today=TODAY)
    payments.record_months(scene.member, date(2026, 11, 1), None, "", "cash", None, TODAY, scene.actor, today=TODAY)
    db.session.add(DuesRelief(member_id=scene.pensioner.id, kind=ReliefKind.ILLNESS, percent=100,
                              from_month=date(2026, 6, 1), to_month=date(2026, 8, 1), decision_number="5-QĐ/CB",
                              decision_date=date(2026, 5, 20)))
    db.session.commit()
    figures = paid_of_due([scene.member, scene.pensioner, scene.student], 2026, today=TODAY)
    # November is paid but not over, so it is neither due nor counted
    assert figures[scene.member.id] == (3, 10)
    assert figures[scene.pensioner.id] == (0, 7)  # three exempt months
    assert figures[scene.student.id] == (0, 10)
    assert paid_of_due([], 2026, today=TODAY) == {}


def test_the_evaluation_shows_the_dues_months(scene):
    payments.record_months(scene.member, date(2026, 2, 1), None, "", "cash", None, date(2026, 2, 5), scene.actor,
                           today=TODAY)
    records = year_records([scene.member, scene.other], 2026, today=TODAY)
    assert records[scene.member.id].dues == (1, 10)
    assert records[scene.other.id].dues == (0, 10)
    assert year_records([scene.member], 2027, today=TODAY)[scene.member.id].dues is None  # nothing due yet
