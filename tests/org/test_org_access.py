"""The access model: scopes over the tree, answered with a bounded number of queries."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from handbook.caller import load_access
from handbook.extensions import db
from handbook.members.service import count_members_by_org
from handbook.org.access import (
    ANONYMOUS,
    can_browse_audit,
    can_edit_member_contact,
    can_manage_org,
    can_publish_any,
    can_publish_for,
    can_read_audience,
    can_see_org,
    can_view_member,
    can_view_member_card,
    readable_audience_clause,
    visible_orgs_clause,
)
from handbook.org.models import Organisation, OrgKind, Role, Scope
from handbook.org.service import ancestors


@pytest.fixture
def tree(factory):
    city = factory.org("Thành ủy", OrgKind.DANG_BO_TINH)
    wards = [factory.org(f"Phường {i}", OrgKind.DANG_BO_XA, city) for i in range(1, 12)]
    base = factory.org("Đảng bộ cơ sở", OrgKind.DANG_BO_CO_SO, wards[0])
    cells = [factory.org(f"Chi bộ {i}", OrgKind.CHI_BO, base) for i in range(1, 4)]
    group = factory.org("Tổ 1", OrgKind.TO_DANG, cells[0])
    far = factory.org("Chi bộ xa", OrgKind.CHI_BO, wards[10])  # id path "/1/12/…": must not match "/1/2/"
    factory.commit()
    return {"city": city, "wards": wards, "base": base, "cells": cells, "group": group, "far": far}


def _visible(access) -> set[str]:
    return set(db.session.scalars(select(Organisation.name).where(visible_orgs_clause(access))))


def test_subtree_scope_covers_descendants_only(app, factory, tree):
    user = factory.user()
    factory.grant(user, tree["wards"][0], Role.CAN_BO, Scope.SUBTREE)
    factory.commit()
    access = load_access(user)
    assert _visible(access) == {"Phường 1", "Đảng bộ cơ sở", "Chi bộ 1", "Chi bộ 2", "Chi bộ 3", "Tổ 1"}
    assert can_manage_org(access, tree["group"])
    assert not can_manage_org(access, tree["far"])
    assert not can_see_org(access, tree["city"])


def test_unit_scope_is_one_organisation(app, factory, tree):
    user = factory.user()
    factory.grant(user, tree["base"], Role.CAN_BO, Scope.UNIT)
    factory.commit()
    access = load_access(user)
    assert _visible(access) == {"Đảng bộ cơ sở"}
    assert not can_manage_org(access, tree["cells"][0])


def test_member_sees_own_cell_and_its_groups(app, factory, tree):
    user = factory.user()
    member = factory.member(tree["cells"][0], user)
    factory.commit()
    access = load_access(user)
    assert _visible(access) == {"Chi bộ 1", "Tổ 1"}
    assert not can_manage_org(access, tree["cells"][0])
    assert can_view_member(access, member)
    other = factory.member(tree["cells"][1], None)
    same_cell = factory.member(tree["cells"][0], None)
    assert not can_view_member(access, other)
    assert not can_view_member(access, same_cell)  # full record: no
    assert can_view_member_card(access, same_cell)  # directory card: yes


def test_admin_sees_everything_and_anonymous_nothing(app, factory, tree):
    admin = factory.user(admin=True)
    factory.commit()
    assert len(_visible(load_access(admin))) == 1 + 11 + 1 + 3 + 1 + 1
    assert _visible(ANONYMOUS) == set()


def test_access_loads_in_two_queries_whatever_the_depth(app, factory, tree, statements):
    user = factory.user()
    for ward in tree["wards"]:
        factory.grant(user, ward, Role.CAN_BO)
    factory.member(tree["far"], user)
    factory.commit()
    plain_user = SimpleNamespace(id=user.id, is_admin=False, is_authenticated=True)
    with statements() as seen:
        access = load_access(plain_user)
    assert len(seen) == 2
    with statements() as seen:
        visible = _visible(access)
    assert len(seen) == 1 and len(visible) == 11 + 1 + 3 + 1 + 1


def test_tree_helpers_use_one_query(app, factory, tree, statements):
    for cell in tree["cells"]:
        factory.member(cell, None)
    factory.member(tree["far"], None)
    factory.commit()
    group = db.session.get(Organisation, tree["group"].id)  # loaded before counting
    with statements() as seen:
        path = ancestors(group)
    assert [o.name for o in path] == ["Thành ủy", "Phường 1", "Đảng bộ cơ sở", "Chi bộ 1"] and len(seen) == 1
    ids = [tree["city"].id, tree["wards"][0].id, tree["wards"][1].id, tree["wards"][10].id]
    with statements() as seen:
        counts = count_members_by_org(ids)
    assert len(seen) == 1
    assert counts == {tree["city"].id: 4, tree["wards"][0].id: 3, tree["wards"][10].id: 1}


def _readable(access, orgs) -> set[str]:
    """Names of the organisations (as document audiences) `access` may read, by SQL and in Python alike."""
    from sqlalchemy import literal

    names = set()
    for org in orgs:
        by_sql = db.session.scalar(select(literal(1)).where(readable_audience_clause(access, literal(org.id))))
        assert bool(by_sql) == can_read_audience(access, org), org.name
        if by_sql:
            names.add(org.name)
    return names


def test_document_audience_reaches_down_the_tree(app, factory, tree):
    member_user, staff, unit_staff, outsider = (factory.user() for _ in range(4))
    factory.member(tree["cells"][0], member_user)
    factory.grant(staff, tree["base"], Role.CAN_BO, Scope.SUBTREE)
    factory.grant(unit_staff, tree["cells"][1], Role.BI_THU, Scope.UNIT)
    factory.commit()
    orgs = [tree["city"], tree["wards"][0], tree["wards"][1], tree["base"], *tree["cells"], tree["group"], tree["far"]]
    member = load_access(member_user)
    # A member reads what is addressed to their cell or anything above it (and to everyone).
    assert _readable(member, orgs) == {"Thành ủy", "Phường 1", "Đảng bộ cơ sở", "Chi bộ 1"}
    assert can_read_audience(member, None)
    # Staff read what reaches them from above and everything they manage below.
    assert _readable(load_access(staff), orgs) == {
        "Thành ủy", "Phường 1", "Đảng bộ cơ sở", "Chi bộ 1", "Chi bộ 2", "Chi bộ 3", "Tổ 1"}
    assert _readable(load_access(unit_staff), orgs) == {"Thành ủy", "Phường 1", "Đảng bộ cơ sở", "Chi bộ 2"}
    nobody = load_access(outsider)
    assert _readable(nobody, orgs) == set() and can_read_audience(nobody, None)
    assert not can_read_audience(ANONYMOUS, None)


def test_who_may_publish_for_an_audience(app, factory, tree):
    staff, admin, member_user = factory.user(), factory.user(admin=True), factory.user()
    factory.grant(staff, tree["base"], Role.CAN_BO, Scope.SUBTREE)
    factory.member(tree["cells"][0], member_user)
    factory.commit()
    staff_access, admin_access, member = (load_access(u) for u in (staff, admin, member_user))
    assert can_publish_for(staff_access, tree["cells"][2]) and can_publish_for(staff_access, tree["base"])
    assert not can_publish_for(staff_access, tree["wards"][0]) and not can_publish_for(staff_access, None)
    assert can_publish_for(admin_access, None)
    assert not can_publish_for(member, tree["cells"][0]) and not can_publish_any(member)
    assert can_publish_any(staff_access)


def test_contact_edit_and_audit_browsing_rules(app, factory, tree):
    own_user, leader, staff, admin = factory.user(), factory.user(), factory.user(), factory.user(admin=True)
    member = factory.member(tree["cells"][0], own_user)
    cellmate = factory.member(tree["cells"][0], None)
    far = factory.member(tree["far"], None)
    factory.grant(leader, tree["cells"][0], Role.BI_THU)
    factory.grant(staff, tree["wards"][0], Role.CAN_BO)
    factory.commit()
    own, lead, ward, root = (load_access(u) for u in (own_user, leader, staff, admin))
    assert can_edit_member_contact(own, member)
    assert not can_edit_member_contact(own, cellmate)
    assert can_edit_member_contact(lead, cellmate) and can_edit_member_contact(ward, cellmate)
    assert not can_edit_member_contact(lead, far) and can_edit_member_contact(root, far)
    assert can_browse_audit(root)
    assert not any(can_browse_audit(a) for a in (own, lead, ward, ANONYMOUS))
