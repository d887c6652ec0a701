"""A cell with its bí thư, an official member who sponsors, another official member, a dự bị member, a member of
another cell and the ward's staff; a candidate whose decision came on 25/01/2027 (the ceremony's due day skips
the Tết break 04–10/02/2027: 15/03/2027)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from handbook.admission.models import Candidate, DossierStep, GeneralEducation, SponsorNote, StepStatus
from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.members.models import Member, MemberPlacement, MemberStatus, MemberStatusHistory
from handbook.org.models import OrgKind, Role

DECISION_ON = date(2027, 1, 25)
CEREMONY_DUE = date(2027, 3, 15)


def add_step(candidate: Candidate, code: str, day: date, status: StepStatus = StepStatus.XONG) -> DossierStep:
    step = DossierStep(candidate_id=candidate.id, step=code, status=status, done_on=day)
    db.session.add(step)
    db.session.flush()
    db.session.expire(candidate, ["steps"])
    return step


def counts() -> dict[str, int]:
    """How many rows each table a probation write touches holds: a refusal leaves them all as they were."""
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in (
        Member, MemberStatusHistory, MemberPlacement, DossierStep, Candidate, SponsorNote, AuditEvent)}


@pytest.fixture(name="probation")
def _probation_scene(factory):
    ward = factory.org("Đảng bộ phường Hòa Khánh", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Tổ dân phố 5", OrgKind.CHI_BO, ward)
    other_cell = factory.org("Chi bộ Tổ dân phố 6", OrgKind.CHI_BO, ward)
    leader_user = factory.user("bithu@test.vn", name="Nguyễn Thị Lan")
    leader = factory.member(cell, leader_user, name="Nguyễn Thị Lan")
    factory.grant(leader_user, cell, Role.BI_THU)
    sponsor_user = factory.user("giupdo@test.vn", name="Trần Văn Bình")
    sponsor = factory.member(cell, sponsor_user, name="Trần Văn Bình")
    plain_user = factory.user("dangvien@test.vn", name="Lê Văn Cường")
    plain = factory.member(cell, plain_user, name="Lê Văn Cường")
    du_bi = factory.member(cell, name="Phạm Thị Dung", status=MemberStatus.DU_BI, official_date=None,
                           admission_date=date(2026, 6, 1))
    outsider = factory.member(other_cell, name="Võ Văn Em")
    staff_user = factory.user("phuong@test.vn", name="Cán bộ phường")
    factory.grant(staff_user, ward, Role.CAN_BO)
    candidate = factory.candidate(
        cell, name="Hoàng Thị Hoa", birth_date=date(2000, 4, 30), ethnicity="Tày", religion="Phật giáo",
        cccd="001300012345", phone="+84905123456", residence="12 Âu Cơ, Hòa Khánh", hometown="Cao Bằng",
        general_education=GeneralEducation.THPT, qualification="Cử nhân Kế toán", occupation="Kế toán viên",
        created_at=datetime(2026, 10, 1, 3, 0, tzinfo=UTC))  # on the list since (whatever day the suite runs)
    add_step(candidate, "cell_resolution", date(2026, 11, 20))
    add_step(candidate, "decision", DECISION_ON)
    factory.commit()
    return SimpleNamespace(ward=ward, cell=cell, other_cell=other_cell, leader_user=leader_user, leader=leader,
                           sponsor_user=sponsor_user, sponsor=sponsor, plain_user=plain_user, plain=plain,
                           du_bi=du_bi, outsider=outsider, staff_user=staff_user, candidate=candidate,
                           actor=Actor(leader_user.id))
