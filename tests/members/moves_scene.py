"""The scene of the moves' tests: two wards of one city, a member of cell A with their leader, cell B's leader, ward
B's staff, and the directory's two entries (one inside the deployment, one outside)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from handbook.audit.service import Actor
from handbook.caller import load_access
from handbook.extensions import db
from handbook.members import moves
from handbook.members.move_models import MoveKind, MoveReason, ReceivingOrganisation
from handbook.org.models import OrgKind, Role

MONDAY = "2026-02-02 09:00 +07:00"  # two weeks before Tết (16–20/02/2026)


@pytest.fixture
def world(factory):
    """City → ward A → cell A (a member with an account and their leader) and ward B → cell B (its leader),
    a directory entry for cell B and one for an organisation outside the deployment."""
    city = factory.org("Thành ủy", OrgKind.DANG_BO_TINH)
    ward_a = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA, city)
    ward_b = factory.org("Đảng bộ phường B", OrgKind.DANG_BO_XA, city)
    cell_a = factory.org("Chi bộ khu phố 1", OrgKind.CHI_BO, ward_a)
    cell_b = factory.org("Chi bộ khu phố 9", OrgKind.CHI_BO, ward_b)
    member_user, leader_a, leader_b, staff_b = (factory.user(f"{n}@test.vn") for n in ("dv", "la", "lb", "sb"))
    member = factory.member(cell_a, member_user, name="Phạm Văn Chuyển", admission_date=date(2010, 1, 4))
    factory.member(cell_a, leader_a)
    factory.member(cell_b, leader_b)
    factory.grant(leader_a, cell_a, Role.BI_THU)
    factory.grant(leader_b, cell_b, Role.BI_THU)
    factory.grant(staff_b, ward_b, Role.CAN_BO)
    inside = ReceivingOrganisation(owner_id=ward_b.id, name="Chi bộ khu phố 9, phường B", address="9 Lê Lợi",
                                   phone="024 3825 0000", organisation_id=cell_b.id)
    outside = ReceivingOrganisation(owner_id=ward_b.id, name="Đảng ủy Công ty X (tỉnh khác)", address="Đà Nẵng")
    db.session.add_all([inside, outside])
    factory.commit()
    return {"ward_a": ward_a, "ward_b": ward_b, "cell_a": cell_a, "cell_b": cell_b, "member": member,
            "member_user": member_user, "leader_a": leader_a, "leader_b": leader_b, "staff_b": staff_b,
            "inside": inside, "outside": outside}


def _ask(w, *, kind=MoveKind.PERMANENT, reason=MoveReason.CU_TRU, change=date(2026, 1, 26), entry="inside",
         until=None, who="member_user"):
    return moves.request_move(w["member"], kind=kind, reason=reason, change_day=change, until=until,
                              destination=moves.Destination(entry=w[entry] if entry else None),
                              actor=Actor(w[who].id), access=load_access(w[who]))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
