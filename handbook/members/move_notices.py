"""Who is told about a member's move, in the transaction that changes it: the member, and those holding a position
on the sending or receiving organisation (its leaders, or a committee's staff). No names in the texts: they may
show on a locked phone."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.members.models import Member
from handbook.members.move_models import MemberTransfer
from handbook.members.service import still_in_cell_clause
from handbook.notify.kinds import register_kind
from handbook.notify.outbox import NotificationSpec, enqueue
from handbook.org.models import Position


def _concerned(user_id: int) -> bool:
    """Who is told about moves: those holding a position (a move may leave or reach their organisation), and members
    with a move of their own."""
    return db.session.scalar(select(Position.id).where(Position.user_id == user_id).limit(1)) is not None or (
        db.session.scalar(select(MemberTransfer.id).join(Member, Member.id == MemberTransfer.member_id)
                          .where(Member.user_id == user_id).limit(1)) is not None)


KIND = register_kind("member_transfer", _l("Chuyển sinh hoạt đảng"), audience=_concerned)
DAY = 86400


def holders(org_ids) -> dict[int, list[int]]:
    """Each organisation's position holders (not one who left): one query."""
    found: dict[int, set[int]] = {}
    ids = [org_id for org_id in org_ids if org_id is not None]
    if not ids:
        return {}
    for user_id, org_id in db.session.execute(select(Position.user_id, Position.organisation_id).where(
            Position.organisation_id.in_(ids), still_in_cell_clause(Position.user_id))):
        found.setdefault(org_id, set()).add(user_id)
    return {org_id: sorted(users) for org_id, users in found.items()}


def spec(user_id: int, title: str, body: str, url: str, key: str) -> NotificationSpec:
    return NotificationSpec(user_id=user_id, kind=KIND, title=title, body=body, url=url,
                            dedupe_key=f"{key}:u{user_id}", tag=key.rsplit(":", 1)[0][:64], ttl_seconds=3 * DAY)


def tell_leaders(org_id: int, title: str, body: str, url: str, key: str, now: datetime) -> None:
    enqueue([spec(user_id, title, body, url, key) for user_id in holders([org_id]).get(org_id, [])], now=now)


def tell_member(member: Member, title: str, body: str, url: str, key: str, now: datetime) -> None:
    if member.user_id is not None:
        enqueue([spec(member.user_id, title, body, url, key)], now=now)
