"""Counts kept per day until the next change: every kind of write that changes a count shows at once, in counts_on
and on the tree's pages, even for a day already counted; a write that changes no count keeps them."""
from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.members import importer
from handbook.members.counts import counts_on, roll_up
from handbook.members.models import CountsVersion, Member, MemberPlacement, MemberStatus, MemberStatusHistory
from handbook.members.placements import move_member
from handbook.members.records import record_status
from handbook.org.history import Decision
from handbook.org.models import OrgKind, Role
from handbook.org.service import move_organisation
from handbook.structure.services import merge_organisations
from tests.support import signed_in

ACTOR = Actor()
TODAY = date(2025, 10, 1)
PAST = date(2025, 9, 1)
OWN_COUNT = re.compile(r"tính đến ngày [0-9/]+: (\d+)")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-10-01 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def tree(app, factory):
    with time_machine.travel("2025-08-01 09:00 +07:00", tick=False):  # the tree recorded before its changes
        return _tree(factory)


def _tree(factory):
    city = factory.org("Thành phố", OrgKind.DANG_BO_TINH)
    ward = factory.org("Phường A", OrgKind.DANG_BO_XA, city)
    other = factory.org("Phường B", OrgKind.DANG_BO_XA, city)
    a = factory.org("Chi bộ A1", OrgKind.CHI_BO, ward)
    b = factory.org("Chi bộ A2", OrgKind.CHI_BO, ward)
    c = factory.org("Chi bộ B1", OrgKind.CHI_BO, other)
    members = {cell.id: [factory.member(cell, admission_date=date(2010, 1, 1)) for _ in range(n)]
               for cell, n in ((a, 3), (b, 2), (c, 1))}
    staff = factory.user("staff@test.vn")
    factory.grant(staff, city, Role.CAN_BO)
    factory.commit()
    return {"city": city, "ward": ward, "other": other, "a": a, "b": b, "c": c, "members": members}


def counts(tree, day=TODAY):
    keys = ("city", "ward", "other", "a", "b", "c")
    found = counts_on([tree[k].id for k in keys], day)
    return {k: found[tree[k].id] for k in keys}


def shown(client, org, day: date | None = None) -> int:
    """The count the organisation's page states (for today, or as of `day`)."""
    query = f"?as_of={day:%d/%m/%Y}" if day else ""
    page = client.get(f"/tree/{org.id}{query}")
    assert page.status_code == 200
    return int(OWN_COUNT.search(page.get_data(as_text=True)).group(1))


def test_a_move_shows_at_once_on_the_pages_and_in_the_counts(app, tree):
    client = signed_in(app, "staff@test.vn")
    assert shown(client, tree["a"]) == 3 and shown(client, tree["c"]) == 1  # counted, and kept
    move_member(tree["members"][tree["a"].id][0], tree["c"], on=TODAY, actor=ACTOR)
    db.session.commit()
    assert shown(client, tree["a"]) == 2 and shown(client, tree["c"]) == 2
    assert shown(client, tree["ward"]) == 4 and shown(client, tree["city"]) == 6
    assert counts(tree)["other"] == 2


def test_a_status_change_shows_at_once(app, tree):
    client = signed_in(app, "staff@test.vn")
    assert shown(client, tree["ward"]) == 5
    record_status(tree["members"][tree["b"].id][0], MemberStatus.DA_MAT, TODAY, None, ACTOR)
    assert shown(client, tree["ward"]) == 4 and shown(client, tree["b"]) == 1
    assert counts(tree)["city"] == 5


def test_a_merge_and_a_moved_ward_show_at_once_and_leave_the_day_before_as_it_was(app, tree):
    client = signed_in(app, "staff@test.vn")
    before = counts(tree, PAST)
    assert counts(tree) == before == {"city": 6, "ward": 5, "other": 1, "a": 3, "b": 2, "c": 1}
    merge_organisations([tree["b"]], tree["a"], decision=Decision("1-QĐ"), on=TODAY, actor=ACTOR)
    assert counts(tree) == {"city": 6, "ward": 5, "other": 1, "a": 5, "b": 0, "c": 1}
    assert shown(client, tree["a"]) == 5
    move_organisation(tree["a"], tree["other"], decision=Decision("2-QĐ"), on=TODAY, actor=ACTOR)
    assert shown(client, tree["other"]) == 6 and shown(client, tree["ward"]) == 0
    assert counts(tree, PAST) == before and shown(client, tree["ward"], PAST) == 5


def test_a_backdated_change_shows_at_once_on_a_day_already_counted(app, tree):
    client = signed_in(app, "staff@test.vn")
    assert shown(client, tree["ward"], PAST) == 5
    member = tree["members"][tree["a"].id][0]
    record_status(member, MemberStatus.CHINH_THUC, date(2011, 1, 1), None, ACTOR)
    record_status(member, MemberStatus.CHUYEN_DI, date(2025, 8, 15), None, ACTOR)  # recorded late
    assert shown(client, tree["ward"], PAST) == 4 and counts(tree, PAST)["a"] == 2
    moved = tree["members"][tree["b"].id][0]
    placement = db.session.scalar(select(MemberPlacement).where(MemberPlacement.member_id == moved.id))
    placement.valid_from = date(2025, 9, 15)  # a correction: placed there later than recorded
    db.session.commit()
    assert shown(client, tree["b"], PAST) == 1 and shown(client, tree["b"]) == 2


def test_an_imported_file_shows_at_once(app, tree):
    client = signed_in(app, "staff@test.vn")
    assert shown(client, tree["c"]) == 1
    report = importer.validate_file("handbook/members/samples/demo_import.xlsx")
    added = importer.import_valid(report, tree["c"], ACTOR)
    assert added == 8
    assert shown(client, tree["c"]) == 9 and shown(client, tree["city"]) == 14


def test_bulk_statements_and_a_pending_change_are_seen_and_a_rollback_restores(app, tree):
    assert counts(tree)["a"] == 3
    gone = tree["members"][tree["a"].id][0]
    db.session.execute(delete(MemberPlacement).where(MemberPlacement.member_id == gone.id))  # not committed
    assert counts(tree)["a"] == 2
    db.session.rollback()
    assert counts(tree)["a"] == 3
    db.session.delete(db.session.get(Member, gone.id))  # its placements go with it (ON DELETE CASCADE)
    db.session.commit()
    assert counts(tree)["a"] == 2


def test_a_write_from_another_session_shows(app, tree):
    assert counts(tree)["c"] == 1
    db.session.commit()
    with Session(db.engine) as other:
        member = other.get(Member, tree["members"][tree["c"].id][0].id)
        other.add(MemberStatusHistory(member_id=member.id, status=MemberStatus.RA_KHOI_DANG, from_date=TODAY))
        other.commit()
    db.session.commit()  # a new transaction, as the next request has
    assert counts(tree)["c"] == 0


def test_writes_that_change_no_count_keep_the_counts(app, tree, statements):
    assert counts(tree)["a"] == 3
    token = db.session.scalar(select(CountsVersion.token))
    member = tree["members"][tree["a"].id][0]
    member.phone = "+84901234567"
    db.session.commit()
    assert db.session.scalar(select(CountsVersion.token)) == token
    cell = tree["a"].id
    with statements() as seen:
        assert counts_on([cell], TODAY) == {cell: 3}
    assert len(seen) == 1  # the token only


def test_a_change_to_a_field_figures_are_grouped_by_replaces_the_token(app, tree):
    token = db.session.scalar(select(CountsVersion.token))
    member = tree["members"][tree["a"].id][0]
    member.ethnicity = "Tày"
    db.session.commit()
    assert db.session.scalar(select(CountsVersion.token)) != token


def test_roll_up_sums_subtrees_and_ignores_a_cycle():
    children = {1: [2, 3], 2: [4], 5: [6], 6: [5]}
    totals = roll_up([1, 2, 3, 4, 5, 6], children, {3: 2, 4: 5, 6: 1})
    assert totals[1] == 7 and totals[2] == 5 and totals[3] == 2 and totals[4] == 5
    assert totals[6] == 1 and totals[5] == 1  # 6 under 5 counted; the edge back from 6 to 5 not followed
