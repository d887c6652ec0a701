"""A ward with two cells for the evaluation tests: cell A's bí thư also sits on the ward's committee (two posts),
a civil servant, a retired member, an exempt member; cell B with two members."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handbook.audit.service import Actor
from handbook.members.models import Member, MemberStatus, OccupationGroup
from handbook.org.models import Organisation, OrgKind, Role, Scope

YEAR = 2026
TODAY = date(2026, 12, 6)


@dataclass
class Scene:
    ward: Organisation
    cell: Organisation
    cell_b: Organisation
    leader: Member
    civil: Member
    retired: Member
    exempt: Member
    b_members: list[Member]
    actor: Actor
    staff: Actor


def build(factory) -> Scene:
    ward = factory.org("Đảng bộ phường Thử", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ khu phố 1", OrgKind.CHI_BO, ward)
    cell_b = factory.org("Chi bộ khu phố 2", OrgKind.CHI_BO, ward)
    leader_user = factory.user("bithu@test.vn")
    leader = factory.member(cell, leader_user, name="Trần Văn Bí Thư", occupation_group=OccupationGroup.CONG_CHUC)
    factory.grant(leader_user, cell, Role.BI_THU)
    factory.grant(leader_user, ward, Role.CAP_UY_VIEN, Scope.UNIT)  # the committee itself, not the cells below
    civil = factory.member(cell, factory.user("congchuc@test.vn"), name="Lê Thị Công Chức",
                           occupation_group=OccupationGroup.CONG_CHUC)
    retired = factory.member(cell, factory.user("huutri@test.vn"), name="Phạm Văn Hưu",
                             occupation_group=OccupationGroup.HUU_TRI)
    exempt = factory.member(cell, factory.user("mien@test.vn"), name="Võ Văn Miễn",
                            status=MemberStatus.MIEN_SINH_HOAT)
    b_members = [factory.member(cell_b, name=f"Đảng viên B{n}") for n in (1, 2)]
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, ward, Role.CAN_BO)
    factory.commit()
    return Scene(ward, cell, cell_b, leader, civil, retired, exempt, b_members, Actor(leader_user.id, "127.0.0.1"),
                 Actor(staff.id, "127.0.0.1"))
