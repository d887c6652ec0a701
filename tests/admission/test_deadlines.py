"""The overdue and soon-due lists: decision (60 working days, 90 with the extension), ceremony (30), recognition
from 30 days before the probation ends, stale dossiers and the cells' list reviews — exact lists over one scene,
scoped by organisation and by the caller's access, in two statements whatever the number of files."""
from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert

from handbook.admission.deadlines import by_cell, due_items
from handbook.admission.models import Candidate, CandidateReview, CandidateStatus, DossierStep, StepStatus
from handbook.caller import load_access
from handbook.extensions import db
from handbook.members.models import Gender
from handbook.org.models import OrgKind, Role
from tests.admission.probation_scene import add_step

TODAY = date(2027, 3, 1)  # a Monday
LISTED = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def due_scene(factory):
    ward = factory.org("Đảng bộ phường An Hải", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Khu phố 1", OrgKind.CHI_BO, ward)
    other = factory.org("Chi bộ Khu phố 2", OrgKind.CHI_BO, ward)
    made = {}

    def cand(key, org=cell, status=CandidateStatus.DANG_XET, listed=LISTED, **fields):
        made[key] = factory.candidate(org, name=key, status=status, created_at=listed, **fields)
        return made[key]

    add_step(cand("A decision overdue"), "cell_resolution", date(2026, 11, 2))  # due 27/01/2027
    add_step(cand("B decision extended soon", decision_extended=True), "cell_resolution", date(2026, 10, 26))
    c = cand("C ceremony overdue")
    add_step(c, "cell_resolution", date(2026, 11, 2))
    add_step(c, "decision", date(2027, 1, 4))  # the ceremony due 22/02/2027
    d = cand("D ceremony later")
    add_step(d, "cell_resolution", date(2026, 12, 1))
    add_step(d, "decision", date(2027, 2, 26))  # due 09/04/2027: neither overdue nor soon
    cand("E probation ends in 19 days", status=CandidateStatus.DU_BI, admitted_on=date(2026, 3, 20))
    cand("F probation ends in 61 days", status=CandidateStatus.DU_BI, admitted_on=date(2026, 5, 1))
    cand("G recognition overdue", status=CandidateStatus.DU_BI, admitted_on=date(2025, 12, 1))
    g2 = cand("G2 recognised", status=CandidateStatus.DU_BI, admitted_on=date(2025, 12, 1))
    add_step(g2, "recog_decision", date(2027, 1, 10))
    add_step(cand("H stale"), "application", date(2026, 2, 10))
    add_step(cand("I stale soon"), "application", date(2026, 3, 5))
    add_step(cand("J stopped", status=CandidateStatus.DUNG), "cell_resolution", date(2026, 1, 5))
    add_step(cand("K other cell overdue", org=other, listed=datetime(2027, 2, 15, 3, 0, tzinfo=UTC)),
             "cell_resolution", date(2026, 11, 2))
    db.session.add(CandidateReview(cell_id=cell.id, reviewed_on=date(2026, 12, 20), candidates=9))
    db.session.add(CandidateReview(cell_id=cell.id, reviewed_on=date(2027, 1, 20), candidates=9))
    factory.commit()
    return ward, cell, other, made


def _rows(items):
    return [(i.full_name or i.cell_name, i.code, i.due_on, i.overdue, i.soon) for i in items]


def test_the_cells_overdue_and_soon_items(app, due_scene):
    ward, cell, other, made = due_scene
    assert _rows(due_items(cell, TODAY)) == [
        ("G recognition overdue", "recognition", date(2027, 1, 13), True, False),
        ("A decision overdue", "decision", date(2027, 1, 27), True, False),
        ("H stale", "stale", date(2027, 2, 10), True, False),
        ("Chi bộ Khu phố 1", "review", date(2027, 2, 20), True, False),  # a month after the last review
        ("C ceremony overdue", "ceremony", date(2027, 2, 22), True, False),
        ("I stale soon", "stale", date(2027, 3, 5), False, True),
        ("B decision extended soon", "decision", date(2027, 3, 10), False, True),
        # listed 30 days ahead of the probation's end, before it is 'soon'
        ("E probation ends in 19 days", "recognition", date(2027, 5, 5), False, False),
    ]
    e = next(i for i in due_items(cell, TODAY) if i.full_name.startswith("E"))
    assert e.probation_end == date(2027, 3, 20)


def test_the_ward_rolls_up_by_cell(app, factory, due_scene):
    ward, cell, other, made = due_scene
    staff = factory.user("phuong@test.vn")
    factory.grant(staff, ward, Role.CAN_BO)
    factory.commit()
    items = due_items(load_access(staff), TODAY)
    assert _rows(due_items(ward, TODAY)) == _rows(items)
    groups = by_cell(items)
    assert [(g.cell_name, g.overdue, g.soon) for g in groups] == [("Chi bộ Khu phố 1", 5, 3),
                                                                  ("Chi bộ Khu phố 2", 1, 1)]
    # the other cell was never reviewed: due a month after its oldest candidate joined the list
    assert _rows(groups[1].items) == [
        ("K other cell overdue", "decision", date(2027, 1, 27), True, False),
        ("Chi bộ Khu phố 2", "review", date(2027, 3, 15), False, True),
    ]


def test_a_sponsor_sees_only_their_members_recognition(app, factory, due_scene):
    ward, cell, other, made = due_scene
    user = factory.user("giupdo@test.vn")
    sponsor = factory.member(cell, user)
    made["E probation ends in 19 days"].sponsor_id = sponsor.id
    factory.commit()
    assert _rows(due_items(load_access(user), TODAY)) == [
        ("E probation ends in 19 days", "recognition", date(2027, 5, 5), False, False)]
    outsider = factory.user("khac@test.vn")
    factory.member(other, outsider)
    factory.commit()
    assert due_items(load_access(outsider), TODAY) == []


def test_two_statements_and_fast_for_5000_candidates_under_a_province(app, factory, statements):
    province = factory.org("Đảng bộ tỉnh", OrgKind.DANG_BO_TINH)
    wards = [factory.org(f"Đảng bộ phường {n}", OrgKind.DANG_BO_XA, province) for n in range(5)]
    cells = [factory.org(f"Chi bộ {n}", OrgKind.CHI_BO, wards[n % 5]) for n in range(50)]
    factory.commit()
    rows = [{"cell_id": cells[n % 50].id, "full_name": f"Quần chúng {n}", "birth_date": date(2000, 1, 1),
             "gender": Gender.NU, "general_education": "thpt", "cccd": f"{n:012d}", "created_at": LISTED,
             "status": CandidateStatus.DU_BI if n % 5 == 0 else CandidateStatus.DANG_XET,
             "admitted_on": date(2026, 3, 1 + n % 28) if n % 5 == 0 else None} for n in range(5000)]
    ids = db.session.scalars(insert(Candidate).returning(Candidate.id, sort_by_parameter_order=True), rows).all()
    steps = []
    for n, cid in enumerate(ids):
        if n % 5:
            steps.append({"candidate_id": cid, "step": "application", "status": StepStatus.XONG,
                          "done_on": date(2026, 1 + n % 12, 1)})
            steps.append({"candidate_id": cid, "step": "cell_resolution", "status": StepStatus.XONG,
                          "done_on": date(2026, 9 + n % 4, 2)})
        if n % 5 in (2, 3):
            steps.append({"candidate_id": cid, "step": "decision", "status": StepStatus.XONG,
                          "done_on": date(2027, 1 + n % 2, 4)})
    db.session.execute(insert(DossierStep), steps)
    db.session.commit()
    assert province.path  # loaded before counting
    with statements() as seen:
        started = time.perf_counter()
        items = due_items(province, TODAY)
        spent = time.perf_counter() - started
    assert len(seen) == 2  # the files with their steps' dates; the cells' last reviews
    assert len(items) > 1000 and spent < 3.0, spent
    print(f"due_items over 5,000 candidates: {len(items)} items in {spent * 1000:.0f} ms")
