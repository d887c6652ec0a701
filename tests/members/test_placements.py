"""A member's cells over time: the one move function, its history rows, and every path that places a member."""
from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.members.models import Member, MemberChange, MemberPlacement
from handbook.members.placements import MoveError, cell_on, move_members, placements_of
from handbook.org.models import OrgKind

ACTOR = Actor()


@pytest.fixture
def cells(factory):
    ward = factory.org("Phường A", OrgKind.DANG_BO_XA)
    a = factory.org("Chi bộ A", OrgKind.CHI_BO, ward)
    b = factory.org("Chi bộ B", OrgKind.CHI_BO, ward)
    group = factory.org("Tổ đảng 1", OrgKind.TO_DANG, a)
    factory.commit()
    return ward, a, b, group


def test_a_new_record_opens_its_first_placement(cells, factory):
    _ward, a, _b, _group = cells
    member = factory.member(a, admission_date=date(2010, 3, 2))
    [placement] = placements_of(member.id)
    assert (placement.cell_id, placement.valid_from, placement.valid_to) == (a.id, date(2010, 3, 2), None)


@time_machine.travel("2026-02-10 09:00 +07:00", tick=False)
def test_moving_members_closes_and_opens_placements_drops_the_group_and_is_audited(cells, factory):
    _ward, a, b, group = cells
    one, two = factory.member(a, group_id=group.id), factory.member(a)
    factory.commit()
    assert move_members([one, two], b, on=date(2026, 2, 1), decision_number="5-QĐ/ĐU", reason="Chuyển địa bàn",
                        actor=ACTOR) == 2
    db.session.expire_all()
    assert one.cell_id == two.cell_id == b.id and one.group_id is None
    assert cell_on(one.id, date(2026, 1, 31)) == a.id and cell_on(one.id, date(2026, 2, 1)) == b.id
    latest, first = placements_of(one.id)
    assert (latest.cell_id, latest.decision_number, latest.reason) == (b.id, "5-QĐ/ĐU", "Chuyển địa bàn")
    assert first.valid_to == date(2026, 2, 1)
    assert db.session.scalar(select(func.count(MemberChange.id)).where(MemberChange.field == "cell_id")) == 2


@time_machine.travel("2026-02-10 09:00 +07:00", tick=False)
@pytest.mark.parametrize("case, message", [
    ("future", "tương lai"), ("not_a_cell", "chi bộ"), ("same_cell", "đã sinh hoạt"),
    ("before_placement", "không được trước"), ("nobody", "Chưa chọn"), ("long_number", "Dài quá"),
])
def test_bad_moves_write_nothing(cells, factory, case, message):
    ward, a, b, _group = cells
    member = factory.member(a, admission_date=date(2010, 1, 1))
    factory.commit()
    kwargs = {"on": date(2026, 2, 1)}
    target, members = b, [member]
    if case == "future":
        kwargs["on"] = date(2026, 2, 11)
    elif case == "not_a_cell":
        target = ward
    elif case == "same_cell":
        target = a
    elif case == "before_placement":
        kwargs["on"] = date(2009, 12, 31)
    elif case == "nobody":
        members = []
    elif case == "long_number":
        kwargs["decision_number"] = "9" * 61
    before = db.session.scalar(select(func.count(MemberPlacement.id)))
    with pytest.raises(MoveError, match=message):
        move_members(members, target, actor=ACTOR, **kwargs)
    db.session.expire_all()
    assert member.cell_id == a.id
    assert db.session.scalar(select(func.count(MemberPlacement.id))) == before


def test_merging_duplicates_keeps_the_kept_records_placements_only(cells, factory):
    from handbook.members.duplicates import merge

    _ward, a, b, _group = cells
    keep, drop = factory.member(a, name="Lê Văn Tám"), factory.member(b, name="Lê Văn Tám")
    factory.commit()
    merge(keep, drop, ACTOR)
    rows = db.session.scalars(select(MemberPlacement)).all()
    assert [(row.member_id, row.cell_id) for row in rows] == [(keep.id, a.id)]


def test_the_importer_opens_a_placement_per_imported_row(cells, app):
    from handbook.members.importer import import_valid, validate_file
    from tests.members.test_member_import import make_rows, xlsx

    _ward, a, _b, _group = cells
    rows = make_rows(2)
    report = validate_file(io.BytesIO(xlsx(rows)), today=date(2026, 6, 1))
    assert import_valid(report, a, ACTOR) == 2
    placements = db.session.scalars(select(MemberPlacement).order_by(MemberPlacement.id)).all()
    members = db.session.scalars(select(Member).order_by(Member.id)).all()
    assert [(p.member_id, p.cell_id, p.valid_from) for p in placements] == [
        (m.id, a.id, m.admission_date or date(2026, 6, 1)) for m in members]
