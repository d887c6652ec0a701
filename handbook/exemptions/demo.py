"""Demo exemptions, useful on any day of the year: in the demo cell (never the demo accounts), one member working
far away whose temporary exemption ends about ten days from `now`, one older member exempt for old age for over a
year, and one request waiting for the cell's decision — all dated from `now` backwards and made through the
feature's services, as a cell's leaders would."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.core.timeutil import local_today, local_zone
from handbook.exemptions import service
from handbook.exemptions.models import ExemptionKind, ExemptionReason
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus


def _at(day) -> datetime:
    return datetime.combine(day, time(19, 30), tzinfo=local_zone())


def seed_demo_exemptions(secretary_email: str, account_emails: tuple[str, ...], now: datetime) -> int:
    """The demo cell's three exemptions as seen at `now`; how many were made."""
    today = local_today(now)
    secretary = db.session.scalar(select(User).where(User.email == secretary_email))
    if secretary is None:
        return 0
    cell_id = db.session.scalar(select(Member.cell_id).where(Member.user_id == secretary.id))
    accounts = select(User.id).where(User.email.in_(account_emails))
    people = list(db.session.scalars(
        select(Member).where(Member.cell_id == cell_id, Member.status == MemberStatus.CHINH_THUC,
                             Member.temporary_cell_id.is_(None),
                             Member.user_id.is_(None) | Member.user_id.not_in(accounts))
        .order_by(Member.birth_date, Member.id)))
    if len(people) < 3:
        return 0
    leader = Actor(secretary.id)
    oldest, away, asking = people[0], people[len(people) // 2], people[-1]

    start = today - timedelta(days=400)
    made = service.request_exemption(oldest, ExemptionKind.MIEN, ExemptionReason.TUOI_CAO,
                                     "Tuổi cao, đi lại khó khăn.", start, None, leader, today=start)
    made.requested_at = _at(start - timedelta(days=3))
    service.approve(made, f"{start.month:02d}-NQ/CB", start, leader, today=start)
    made.decided_at = _at(start)

    start, until = today - timedelta(days=150), today + timedelta(days=10)
    made = service.request_exemption(away, ExemptionKind.TAM_MIEN, ExemptionReason.LAM_AN_XA,
                                     "Đi làm việc tại công trường ở tỉnh khác, không về dự sinh hoạt được.",
                                     start, until, Actor(away.user_id), today=start)
    made.requested_at = _at(start - timedelta(days=5))
    service.approve(made, f"{start.month:02d}-NQ/CB", start, leader, today=start)
    made.decided_at = _at(start)

    start = today + timedelta(days=7)
    made = service.request_exemption(asking, ExemptionKind.TAM_MIEN, ExemptionReason.NUOC_NGOAI,
                                     "Sang Hàn Quốc chăm con nhỏ trong 3 tháng.", start, start + timedelta(days=90),
                                     Actor(asking.user_id), today=today)
    made.requested_at = now - timedelta(days=1)
    db.session.commit()
    return 3
