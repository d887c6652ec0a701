"""A small dues scene: a ward in region I with two cells; cell A's bí thư, a member with an account, a pensioner,
a student and a member without a profile; ward staff; a member of cell B."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handbook.audit.service import Actor
from handbook.dues.models import Category, DuesProfile, DuesRegion
from handbook.extensions import db
from handbook.members.models import Gender, Member
from handbook.org.models import Organisation, OrgKind, Role


@dataclass
class Scene:
    ward: Organisation
    cell: Organisation
    cell_b: Organisation
    leader: Member
    member: Member
    pensioner: Member
    student: Member
    plain: Member
    other: Member
    actor: Actor


def build(factory) -> Scene:
    ward = factory.org("Đảng bộ phường Thử", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ khu phố 1", parent=ward)
    cell_b = factory.org("Chi bộ khu phố 2", parent=factory.org("Đảng bộ phường Khác", OrgKind.DANG_BO_XA))
    leader_user = factory.user("bithu@test.vn")
    leader = factory.member(cell, leader_user, name="Trần Văn Bí")
    factory.grant(leader_user, cell, Role.BI_THU)
    factory.grant(factory.user("canbo@test.vn"), ward, Role.CAN_BO)
    member = factory.member(cell, factory.user("dv@test.vn"), name="Nguyễn Thị Đóng", gender=Gender.NU,
                            birth_date=date(1985, 6, 1), admission_date=date(2010, 3, 2))
    pensioner = factory.member(cell, name="Lê Văn Hưu", birth_date=date(1950, 1, 1))
    student = factory.member(cell, name="Phạm Sinh Viên", birth_date=date(2004, 9, 9), admission_date=date(2024, 5, 1))
    plain = factory.member(cell, name="Đỗ Văn Khác", birth_date=date(1990, 1, 1))
    other = factory.member(cell_b, factory.user("khac@test.vn"), name="Hoàng Văn Ngoài")
    db.session.add_all([
        DuesRegion(organisation_id=ward.id, region=1),
        DuesProfile(member_id=member.id, from_month=date(2026, 2, 1), category=Category.WAGE, base_amount=9_000_000),
        DuesProfile(member_id=leader.id, from_month=date(2026, 2, 1), category=Category.OTHER),
        DuesProfile(member_id=pensioner.id, from_month=date(2026, 2, 1), category=Category.PENSION,
                    base_amount=6_000_000),
        DuesProfile(member_id=student.id, from_month=date(2026, 2, 1), category=Category.STUDENT),
    ])
    factory.commit()
    return Scene(ward, cell, cell_b, leader, member, pensioner, student, plain, other, Actor(leader_user.id))
