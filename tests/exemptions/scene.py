"""A ward, a cell with its bí thư, a member with an account, one without, and a member of another cell."""
from __future__ import annotations

from dataclasses import dataclass

from handbook.members.models import Member
from handbook.org.models import Organisation, OrgKind, Role


@dataclass
class Scene:
    ward: Organisation
    cell: Organisation
    other_cell: Organisation
    leader: Member
    member: Member
    offline: Member
    outsider: Member


def build(factory) -> Scene:
    ward = factory.org("Đảng bộ phường Mỹ An", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Khu phố 3", OrgKind.CHI_BO, ward)
    other = factory.org("Chi bộ Khu phố 4", OrgKind.CHI_BO, ward)
    leader_user = factory.user("bithu@test.vn")
    leader = factory.member(cell, leader_user, name="Trần Văn Bí")
    factory.grant(leader_user, cell, Role.BI_THU)
    member = factory.member(cell, factory.user("dv@test.vn"), name="Lê Thị Xa")
    offline = factory.member(cell, name="Phạm Văn Già")
    outsider = factory.member(other, factory.user("khac@test.vn"), name="Hoàng Văn Khác")
    factory.commit()
    return Scene(ward, cell, other, leader, member, offline, outsider)
