"""Changing the tree: each rule of create, rename, move and dissolve, the dated versions they leave, and refusals
that write nothing."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.org.access import Access
from handbook.org.history import Decision, changes_of, name_on, org_as_of
from handbook.org.models import OrgChange, OrgChangeKind, OrgKind, OrgVersion, Position, Role
from handbook.org.service import (
    OrgError,
    create_organisation,
    dissolve_organisation,
    move_organisation,
    rename_organisation,
)

ACTOR = Actor()


@pytest.fixture
def tree(factory):
    with time_machine.travel("2025-08-01 09:00 +07:00", tick=False):
        city = factory.org("Thành phố Đà Nẵng", OrgKind.DANG_BO_TINH)
        ward_a = factory.org("Phường Hải Châu", OrgKind.DANG_BO_XA, city)
        ward_b = factory.org("Phường Thanh Khê", OrgKind.DANG_BO_XA, city)
        cell = factory.org("Chi bộ Khu dân cư 1", OrgKind.CHI_BO, ward_a)
        group = factory.org("Tổ đảng 1", OrgKind.TO_DANG, cell)
        factory.commit()
    return city, ward_a, ward_b, cell, group


def _counts():
    return (db.session.scalar(select(func.count(OrgChange.id))), db.session.scalar(select(func.count(OrgVersion.id))))


@time_machine.travel("2025-10-01 09:00 +07:00", tick=False)
def test_rename_keeps_the_old_name_for_days_before(tree):
    _city, _ward_a, _ward_b, cell, _group = tree
    rename_organisation(cell, "Chi bộ Tổ dân phố 5", decision=Decision("12-QĐ/ĐU", "Nguyễn Văn A"),
                        on=date(2025, 9, 15), actor=ACTOR)
    assert cell.name == "Chi bộ Tổ dân phố 5"
    assert org_as_of(cell.id, date(2025, 9, 14)).name == "Chi bộ Khu dân cư 1"
    assert org_as_of(cell.id, date(2025, 9, 15)).name == "Chi bộ Tổ dân phố 5"
    assert name_on(cell, date(2020, 1, 1)) == "Chi bộ Khu dân cư 1"  # before the history: the first known name
    [change, created] = changes_of(cell.id)
    assert (change.kind, change.decision_number, change.signer) == (OrgChangeKind.RENAME, "12-QĐ/ĐU", "Nguyễn Văn A")
    assert change.details == {"old_name": "Chi bộ Khu dân cư 1", "new_name": "Chi bộ Tổ dân phố 5"}
    assert created.kind is OrgChangeKind.CREATE
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target_id == cell.id)) == "org.rename"


@time_machine.travel("2025-10-01 09:00 +07:00", tick=False)
def test_move_rewrites_the_subtrees_paths_and_keeps_the_old_parent_for_days_before(tree, monkeypatch):
    from handbook.org import changes

    monkeypatch.setattr(changes, "PATH_BATCH", 1)  # two organisations move: two batches
    _city, ward_a, ward_b, cell, group = tree
    move_organisation(cell, ward_b, on=date(2025, 9, 1), decision=Decision("7-QĐ/TU"), actor=ACTOR)
    db.session.expire_all()
    assert cell.path == f"{ward_b.path}{cell.id}/" and cell.depth == 2
    assert group.path == f"{ward_b.path}{cell.id}/{group.id}/" and group.depth == 3
    assert org_as_of(cell.id, date(2025, 8, 31)).parent_id == ward_a.id
    assert org_as_of(cell.id, date(2025, 9, 1)).parent_id == ward_b.id


@time_machine.travel("2025-10-01 09:00 +07:00", tick=False)
@pytest.mark.parametrize("case, message", [
    ("under_itself", "chính nó hoặc tổ chức trực thuộc"),
    ("under_its_group", "chính nó hoặc tổ chức trực thuộc"),
    ("kind", "không thể trực thuộc"),
    ("same_parent", "đã trực thuộc"),
    ("future", "tương lai"),
    ("before_last_change", "trước thay đổi gần nhất"),
])
def test_bad_moves_are_refused_with_a_vietnamese_message_and_write_nothing(tree, case, message):
    city, ward_a, ward_b, cell, group = tree
    target, on = {"under_itself": (cell, None), "under_its_group": (group, None), "kind": (city, None),
                  "same_parent": (ward_a, None), "future": (ward_b, date(2025, 10, 2)),
                  "before_last_change": (ward_b, date(2025, 7, 31))}[case]
    before = _counts()
    with pytest.raises(OrgError, match=message):
        move_organisation(cell, target, on=on, actor=ACTOR)
    db.session.rollback()
    assert _counts() == before and cell.parent_id == ward_a.id


@time_machine.travel("2025-10-01 09:00 +07:00", tick=False)
def test_moving_or_creating_outside_ones_scope_is_refused(tree, factory):
    city, ward_a, ward_b, cell, _group = tree
    staff = factory.user()
    factory.grant(staff, ward_a, Role.CAN_BO)
    factory.commit()
    from handbook.caller import load_access

    access = load_access(staff)
    with pytest.raises(OrgError, match="ngoài phạm vi"):
        move_organisation(cell, ward_b, access=access, actor=ACTOR)
    with pytest.raises(OrgError, match="ngoài phạm vi"):
        create_organisation("Chi bộ mới", OrgKind.CHI_BO, ward_b, access=access, actor=ACTOR)
    with pytest.raises(OrgError, match="ngoài phạm vi"):  # a ward's staff do not rename the ward itself
        rename_organisation(ward_a, "Phường Mới", access=access, actor=ACTOR)
    db.session.rollback()
    created = create_organisation("Chi bộ mới", OrgKind.CHI_BO, ward_a, access=access, actor=ACTOR)
    assert created.path.startswith(ward_a.path)
    assert isinstance(access, Access)


@time_machine.travel("2025-10-01 09:00 +07:00", tick=False)
def test_kinds_must_fit_and_no_district_after_july_2025(tree):
    city, ward_a, _ward_b, cell, _group = tree
    with pytest.raises(OrgError, match="không thể trực thuộc"):
        create_organisation("Chi bộ", OrgKind.CHI_BO, cell)
    with pytest.raises(OrgError, match="cấp huyện"):
        create_organisation("Huyện Hòa Vang", OrgKind.DANG_BO_HUYEN, city)
    with pytest.raises(OrgError, match="Tổ đảng"):
        create_organisation("Tổ đảng", OrgKind.TO_DANG)
    old = create_organisation("Huyện Hòa Vang", OrgKind.DANG_BO_HUYEN, city, on=date(2025, 6, 30))
    assert org_as_of(old.id, date(2025, 6, 30)).name == "Huyện Hòa Vang"
    with pytest.raises(OrgError, match="đã được dùng"):
        create_organisation("A", OrgKind.CHI_BO, ward_a, code="X1") and create_organisation(
            "B", OrgKind.CHI_BO, ward_a, code="X1")


@time_machine.travel("2025-10-01 09:00 +07:00", tick=False)
def test_dissolve_is_refused_while_children_or_members_remain_then_ends_positions(tree, factory):
    _city, _ward_a, _ward_b, cell, group = tree
    with pytest.raises(OrgError, match="Còn tổ chức trực thuộc"):
        dissolve_organisation(cell, actor=ACTOR)
    member = factory.member(cell)
    leader = factory.user()
    factory.grant(leader, group, Role.BI_THU)
    factory.commit()
    dissolve_organisation(group, on=date(2025, 9, 30), actor=ACTOR, decision=Decision("3-QĐ/ĐU"))
    assert group.dissolved_on == date(2025, 9, 30)
    assert db.session.scalar(select(Position).where(Position.organisation_id == group.id)) is None
    assert org_as_of(group.id, date(2025, 9, 29)) is not None and org_as_of(group.id, date(2025, 9, 30)) is None
    with pytest.raises(OrgError, match="còn 1 đảng viên"):
        dissolve_organisation(cell, actor=ACTOR)
    db.session.rollback()
    assert cell.dissolved_on is None and member.cell_id == cell.id
    with pytest.raises(OrgError, match="đã giải thể"):
        rename_organisation(group, "Tổ khác", actor=ACTOR)


@time_machine.travel("2025-10-01 09:00 +07:00", tick=False)
def test_no_move_under_a_parent_before_its_own_history(tree):
    """A ward founded on 20/09 cannot take a cell on 15/08: the tree of 01/09 would list it under a ward that did
    not exist yet."""
    city, _ward_a, _ward_b, cell, _group = tree
    new_ward = create_organisation("Phường Mới", OrgKind.DANG_BO_XA, city, on=date(2025, 9, 20), actor=ACTOR)
    db.session.commit()
    before = _counts()
    with pytest.raises(OrgError, match="20/09/2025"):
        move_organisation(cell, new_ward, on=date(2025, 8, 15), actor=ACTOR)
    db.session.rollback()
    assert _counts() == before and cell.parent_id != new_ward.id
    move_organisation(cell, new_ward, on=date(2025, 9, 20), actor=ACTOR)
    assert cell.parent_id == new_ward.id
