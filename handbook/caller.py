"""The caller's `Access`: who is asking, built once per request — the one way to get it.

It sits above the kernel (`org.access`: positions and the rules) and the members feature (where the member's
record places them, and whether their status still puts them in a cell), so neither needs the other. Views ask
`current_access()`; services take the Access as an argument.
"""
from __future__ import annotations

from flask import g, request
from flask_login import current_user
from sqlalchemy import bindparam, exists, select

from handbook.audit.service import Actor
from handbook.core.rows import column_rows
from handbook.core.timeutil import local_today
from handbook.core.web import require
from handbook.extensions import db
from handbook.members.models import LEFT_STATUSES, Member, temporary_cell_on
from handbook.org.access import ANONYMOUS, Access, Grant, can_manage_org, can_see_org
from handbook.org.models import Organisation, Position

# every signed-in page runs these: built once, read as plain rows (benchmarks/load.py, see core/rows.py)
_GRANTS = (select(Position.organisation_id, Organisation.path, Position.role, Position.scope, Organisation.kind)
           .join(Organisation, Organisation.id == Position.organisation_id)
           .where(Position.user_id == bindparam("user_id")))
_PLACEMENT = (select(Member.id, Member.cell_id, Member.group_id, Member.temporary_cell_id, Member.temporary_until,
                     Member.status,
                     Organisation.path, exists().where(Position.user_id == bindparam("user_id")).label("has_positions"))
              .select_from(Member).join(Organisation, Organisation.id == Member.cell_id)
              .where(Member.user_id == bindparam("user_id")))


def grants_of(user_id: int) -> list[Grant]:
    """The positions an account holds, as grants (one query)."""
    return [Grant(*row) for row in column_rows(_GRANTS, {"user_id": user_id})]


def _placed(user_id: int, is_admin: bool, member, cell_path: str | None, has_positions: bool) -> Access:
    """The Access of an account from its member record (None: it has none). The status rule: a member who left
    (`LEFT_STATUSES`: chuyển đi, ra khỏi Đảng, đã mất) keeps their own record's id and nothing else — no cell,
    tổ đảng or temporary cell, no positions (not even looked up), no admin flag; exempt members (miễn, tạm miễn
    sinh hoạt) keep their placement and read the cell as before. A temporary placement past its `temporary_until`
    day is no placement."""
    if member is None:
        return Access(user_id=user_id, is_admin=is_admin, grants=grants_of(user_id) if has_positions else [])
    if member.status in LEFT_STATUSES:
        return Access(user_id=user_id, member_id=member.id, member_status=member.status, has_left=True)
    return Access(user_id=user_id, is_admin=is_admin, member_id=member.id, cell_id=member.cell_id,
                  cell_path=cell_path, temporary_cell_id=temporary_cell_on(member, local_today()),
                  group_id=member.group_id, member_status=member.status,
                  grants=grants_of(user_id) if has_positions else [])


def load_access(user) -> Access:
    """Build the Access of a signed-in `user`: one statement for their placement (and whether they hold any
    position), one more for the positions of those who do. Nothing about the status is kept across requests."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    row = column_rows(_PLACEMENT, {"user_id": user.id}).first()
    if row is None:  # an account without a member record (staff, admins): their positions, if any
        return _placed(user.id, bool(user.is_admin), None, None, True)
    return _placed(user.id, bool(user.is_admin), row, row.path, row.has_positions)


def access_for(user) -> Access:
    """The Access of `user`, cached for the current request."""
    key = getattr(user, "id", None)
    cache = g.setdefault("_access_cache", {})
    if key not in cache:
        cache[key] = load_access(user)
    return cache[key]


def current_access() -> Access:
    """The Access of whoever makes this request (ANONYMOUS when nobody is signed in)."""
    return access_for(current_user if current_user.is_authenticated else None)


def access_of_member(member: Member, is_admin: bool = False) -> Access:
    """The Access of a member's account where no session says who is asking — the calendar feed, whose token
    stands for the member: their placement and status from `member` (with its cell loaded), their positions in
    one query. The status rule of `load_access` applies."""
    return _placed(member.user_id, is_admin, member, member.cell.path, member.user_id is not None)


def organisation_in_scope(org_id: int | None, *, manage: bool = False) -> Organisation:
    """The organisation if the caller may see it (404 otherwise, so existence does not leak), and, with
    `manage`, may manage it (403 otherwise)."""
    org = db.session.get(Organisation, org_id) if org_id else None
    access = current_access()
    require(org is not None and can_see_org(access, org))
    if manage:
        require(can_manage_org(access, org), 403)
    return org


def current_actor() -> Actor:
    """Who makes this request and from where, for the audit log."""
    return Actor(user_id=current_user.id if current_user.is_authenticated else None, ip=request.remote_addr)
