"""The demo's evaluation: last year's round in the demo cell through the services (every level, an exempt member
not rated, each self-assessment submitted), last year's ratings in the other cells, this year's round open on the
demo member's home page from November on — and in December some of this year's ratings already in."""
from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.auth.models import User
from handbook.demo.seed import MEMBER, SECRETARY, seed_demo
from handbook.evaluation import people, rules, summary
from handbook.evaluation.models import AssessmentStatus, Level, Rating, SelfAssessment
from handbook.evaluation.summary import org_figures, org_lines
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.models import Organisation, OrgKind
from tests.support import build_app, signed_in


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("evaluation-demo"), "evaluation_demo")
    with app.app_context(), time_machine.travel("2026-12-06 10:00 +07:00", tick=False):
        seed_demo()
        yield app
        db.session.remove()


def _cell() -> Organisation:
    return db.session.scalar(select(Organisation).join(Member, Member.cell_id == Organisation.id).join(
        User, User.id == Member.user_id).where(User.email == SECRETARY["email"]))


def test_last_year_in_the_demo_cell(seeded):
    cell = _cell()
    figures = org_figures(cell, org_lines(cell, 2025))
    assert figures.exempt >= 1 and figures.not_yet == 0 and figures.rated == figures.to_rate
    assert set(figures.levels) == set(Level)  # a spread: every level
    assert figures.submitted == figures.to_rate
    exempt = [m for m in people.reviewed_at(cell) if rules.not_rated(m.status)]
    assert not db.session.scalar(select(func.count(Rating.id)).where(Rating.member_id.in_([m.id for m in exempt])))
    statuses = set(db.session.scalars(select(SelfAssessment.status).where(SelfAssessment.organisation_id == cell.id)))
    assert statuses == {AssessmentStatus.SUBMITTED}


def test_committee_figures_over_the_demo(seeded):
    city = db.session.scalar(select(Organisation).where(Organisation.kind == OrgKind.DANG_BO_TINH))
    last = summary.committee(city, 2025)
    assert last.total.rated > 0.9 * last.total.to_rate
    this = summary.committee(city, 2026)  # December: half of the cells already rated
    assert 0 < this.total.rated < last.total.rated


def test_this_years_round_is_on_the_demo_members_home(seeded):
    with time_machine.travel("2026-12-06 10:00 +07:00", tick=False):
        client = signed_in(seeded, MEMBER["email"])
        page = client.get("/").get_data(as_text=True)
        assert "Kiểm điểm, đánh giá năm 2026" in page
        assert "Kết quả các năm" in client.get("/evaluation").get_data(as_text=True)
