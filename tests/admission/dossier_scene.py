"""A ward with two cells, their leaders, official members who may introduce, and helpers to walk a candidate's
file up to a step (for the dossier's tests)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from handbook.admission import dossier
from handbook.admission.models import Candidate, DossierStep, Introducer
from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.members.models import MemberStatus
from handbook.org.models import OrgKind, Role

ACTOR = Actor(user_id=None)
TODAY = date(2026, 12, 6)
CODES = ("awareness", "application", "background", "verification", "youth_union", "introducers", "org_comments",
         "residence_comments", "cell_resolution", "grassroots_resolution", "decision")


@dataclass
class Scene:
    ward: object
    cell: object
    other_cell: object
    leader: object
    sponsor_user: object
    introducers: list
    probationary: object
    far_member: object


def build(factory) -> Scene:
    ward = factory.org("Đảng bộ phường Hòa Bình", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ khu phố 1", OrgKind.CHI_BO, ward)
    other = factory.org("Chi bộ khu phố 9", OrgKind.CHI_BO, factory.org("Đảng bộ phường Xa", OrgKind.DANG_BO_XA))
    leader = factory.user("bithu@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Lê Văn Thư")
    factory.grant(leader, cell, Role.BI_THU)
    sponsor_user = factory.user("giupdo@test.vn", name="Người giúp đỡ")
    factory.member(cell, sponsor_user, name="Phạm Thị Giúp")
    introducers = [factory.member(cell, name="Nguyễn Văn Giới", official_date=date(2010, 1, 1)),
                   factory.member(cell, name="Trần Thị Thiệu", official_date=date(2012, 1, 1))]
    probationary = factory.member(cell, name="Hoàng Văn Dự", status=MemberStatus.DU_BI, official_date=None,
                                  admission_date=date(2026, 5, 1))
    far_member = factory.member(other, name="Đỗ Văn Xa", cccd="001090000123")
    factory.commit()
    return Scene(ward, cell, other, leader, sponsor_user, introducers, probationary, far_member)


def walk(candidate, introducers, *, until: str, start: date = date(2025, 1, 6), today: date = TODAY,
         youth: bool = False) -> date:
    """Record the admission steps before `until` as done, three days apart from `start`, with two of `introducers`
    (one, and the Youth Union's resolution, with `youth`); returns the next free day."""
    day = start
    for code in CODES:
        if code == until:
            return day
        if code == "youth_union" and not youth:
            continue
        if code == "introducers":
            for member in introducers[: 1 if youth else 2]:
                dossier.add_introducer(candidate, member, known_since=date(start.year - 2, 1, 1), signed_on=day,
                                       actor=ACTOR, today=today)
        dossier.record_step(candidate, code, status="xong", done_on=day, actor=ACTOR, today=today)
        day += timedelta(days=3)
    return day


def counts() -> tuple[int, int, int]:
    """How many candidates, steps and introducers are stored (to check that a refusal wrote nothing)."""
    db.session.expire_all()
    return (db.session.scalar(select(func.count(Candidate.id))), db.session.scalar(select(func.count(DossierStep.id))),
            db.session.scalar(select(func.count(Introducer.id))))
