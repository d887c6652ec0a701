"""Reminders before a move's deadlines (a reminder rule plugged into notify): the member and the sending cell's
leaders while the letter is awaited (60 working days after the change), and the member and both sides while the
letter waits to be presented (30 working days after it). Each sent once per deadline and step; the lapse itself is
told by the worker's daily round (`moves.lapse_overdue`)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date, local_today
from handbook.extensions import db
from handbook.members.models import ACTIVE_STATUSES, Member
from handbook.members.move_models import MemberTransfer, MoveState
from handbook.members.move_notices import holders, spec
from handbook.members.moves import countdown
from handbook.notify.outbox import NotificationSpec
from handbook.notify.rules import reminder_rule

SOON = 5  # working days before a deadline: the first reminder
LAST = 1  # and the last one


def _step(days_left: int) -> str | None:
    if days_left < 0:
        return None
    if days_left <= LAST:
        return "last"
    if days_left <= SOON:
        return "soon"
    return None


def texts(move: MemberTransfer, what: str, days_left: int, deadline) -> tuple[str, str, str]:
    """(title, body for the member, body for the leaders)."""
    due = format_date(deadline)
    if what == "letter":
        return (_("Sắp hết hạn làm thủ tục chuyển sinh hoạt đảng"),
                _("Còn %(n)d ngày làm việc (đến ngày %(d)s) để có giấy giới thiệu chuyển sinh hoạt đảng. Hãy liên "
                  "hệ chi bộ.", n=days_left, d=due),
                _("Một đảng viên của chi bộ đang chờ giấy giới thiệu chuyển sinh hoạt đảng, hạn ngày %(d)s (còn "
                  "%(n)d ngày làm việc). Mở để làm giấy giới thiệu.", n=days_left, d=due))
    return (_("Sắp hết hạn xuất trình giấy giới thiệu"),
            _("Còn %(n)d ngày làm việc (đến ngày %(d)s) để xuất trình giấy giới thiệu sinh hoạt đảng tại %(to)s. Hãy "
              "đến nơi tiếp nhận trong thời hạn.", n=days_left, d=due, to=move.destination_name),
            _("Một đảng viên có giấy giới thiệu chuyển sinh hoạt đảng, hạn xuất trình ngày %(d)s (còn %(n)d ngày "
              "làm việc). Mở để theo dõi hoặc tiếp nhận.", n=days_left, d=due))


@reminder_rule("member_moves")
def move_deadlines(now: datetime) -> Iterator[NotificationSpec]:
    today = local_today(now)
    open_moves = db.session.scalars(select(MemberTransfer).options(joinedload(MemberTransfer.member))
                                    .join(Member, Member.id == MemberTransfer.member_id).where(
        MemberTransfer.state.in_((MoveState.REQUESTED, MoveState.LETTER)),
        Member.status.in_(ACTIVE_STATUSES))).all()  # not one who left meanwhile: no deadline runs for them
    due = []
    for move in open_moves:
        count = countdown(move, today)
        step = _step(count.days_left) if count is not None else None
        if step is not None:
            due.append((move, count, step))
    leaders = holders({org for move, _c, _s in due for org in (move.from_cell_id, move.to_org_id)})
    for move, count, step in due:
        title, to_member, to_leaders = texts(move, count.what, count.days_left, count.deadline)
        key = f"move:{move.id}:{count.what}:{count.deadline.isoformat()}:{step}"
        if move.member.user_id is not None:
            yield spec(move.member.user_id, title, to_member, "/me/moves", key)
        sides = [move.from_cell_id] + ([move.to_org_id] if count.what == "present" and move.to_org_id else [])
        for org_id in sides:
            for user_id in leaders.get(org_id, []):
                if user_id != move.member.user_id:
                    yield spec(user_id, title, to_leaders, f"/org/{org_id}/moves", key)


def connect() -> None:
    """Nothing more to do: importing this module registered the rule."""
