"""What every signed-in page needs, in one statement: the session and its user, the member's placement, whether
they hold any position, and the menu's unread count.

These were four statements a page (the session, the positions, the member's placement, the badge); on the
pages of benchmarks/load.py each statement costs about as much Python as a tenth of the page. The session row
decides as before (`sessions.user_for`); what came with it is kept for this request only, in `g`, and read by
`org.access.load_access` and the menu's badge. Positions are still loaded by their own query, but only for
the few who hold one.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from flask import g, has_app_context
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import aliased

if TYPE_CHECKING:
    from handbook.members.models import MemberStatus


class Placement(NamedTuple):
    """The signed-in member's record as `load_access` needs it (all None for an account without one)."""

    member_id: int | None
    cell_id: int | None
    cell_path: str | None
    temporary_cell_id: int | None
    group_id: int | None
    status: MemberStatus | None


NO_PLACEMENT = Placement(None, None, None, None, None, None)


def placement_columns(member, cell) -> tuple:
    """The columns of a `Placement`, in its order (`member`: the Member entity, `cell`: its cell's Organisation):
    this lookup and `org.access`'s own query select the same."""
    return (member.id.label("member_id"), member.cell_id, cell.path.label("cell_path"), member.temporary_cell_id,
            member.group_id, member.status.label("member_status"))


class Preloaded(NamedTuple):
    user_id: int
    placement: Placement
    has_positions: bool


@functools.cache
def statement():
    """Built once (every signed-in request runs it; a request binds the session digest and the time)."""
    from handbook.auth.models import User, UserSession
    from handbook.members.models import Member
    from handbook.notify.inbox import unread_clauses
    from handbook.notify.models import Notification
    from handbook.org.models import Organisation, Position

    cell = aliased(Organisation)
    unread = (select(func.count(Notification.id)).where(*unread_clauses(User.id, bindparam("now")))
              .scalar_subquery())
    return (
        select(User, UserSession.id, UserSession.created_at, UserSession.last_seen_at, UserSession.revoked_at,
               *placement_columns(Member, cell), exists().where(Position.user_id == User.id).label("has_positions"),
               unread.label("unread"))
        .join(User, User.id == UserSession.user_id)
        .outerjoin(Member, Member.user_id == User.id)  # members.user_id is unique: at most one row
        .outerjoin(cell, cell.id == Member.cell_id)
        .where(UserSession.id == bindparam("session_id"))
    )


def remember(row) -> None:
    """Keep what came with a live session's row for the rest of this request."""
    g.signed_in = Preloaded(row[0].id, Placement(row.member_id, row.cell_id, row.cell_path, row.temporary_cell_id,
                                                 row.group_id, row.member_status), bool(row.has_positions))
    g.nav_unread = row.unread or 0


def preloaded(user_id: int) -> Preloaded | None:
    """What the session lookup brought for `user_id` in this request, if it ran for that user."""
    if not has_app_context():
        return None
    found = g.get("signed_in")
    return found if found is not None and found.user_id == user_id else None
