"""Who may see or manage which organisations and records — decided here and nowhere else.

`access_for(user)` loads what a user holds in at most two queries; every other function answers from
that object, either in Python (for one object) or as an SQL clause (for lists), so no check walks the
tree node by node.

Three dimensions decide an answer:

- **Position** (`Grant`): a bí thư, phó bí thư, chi ủy viên or committee staff manages the organisation of the
  position (and, with the subtree scope, everything below it); admins manage everything.
- **Status** of the member's record, read afresh at every request — by the session lookup's one statement
  (`auth.signed_in`) or, for an API token, by `load_access`'s own query; nothing about it is kept across
  requests (see `load_access`):
  - chính thức, dự bị, and the exempt miễn / tạm miễn sinh hoạt: placed in their cell as recorded — the
    cell's directory, meetings, documents and regulations, their positions;
  - chuyển đi, ra khỏi Đảng, đã mất (`members.models.LEFT_STATUSES`): no longer in the cell. The Access
    keeps only their own record's id: their record, their own data and export, the privacy notice, their
    inbox and account settings — no cell, tổ đảng or temporary cell, no positions, no admin flag, so no
    directory, meetings, documents, regulations addressed to the cell, calendar feed or meeting notices.
    The status change itself also ends their sessions, API tokens, feeds and push devices
    (`members.records.record_status`).
- **Audience** of a meeting (`can_see_meeting`, `meeting_audience_clause`): a meeting is for whoever sees its
  organisation, except a chi ủy meeting (`MeetingKind.CHI_UY`), which is for its invitees and those who manage
  the organisation — on every path (pages, API, calendar files, the inbox through its recipients).

Outside one's scope the answer is 404, not 403, so that existence does not leak.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from flask import g
from sqlalchemy import and_, bindparam, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from handbook.auth import signed_in
from handbook.extensions import db, lookup
from handbook.org.models import Organisation, Position, Role, Scope

if TYPE_CHECKING:  # members depends on org, not the reverse at import time
    from handbook.members.models import MemberStatus


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    path: str
    role: Role
    scope: Scope

    def covers(self, org_id: int, org_path: str) -> bool:
        if self.scope is Scope.UNIT:
            return org_id == self.organisation_id
        return org_path.startswith(self.path)


class MemberRef(NamedTuple):
    """Where the signed-in member is placed: enough for their meetings and attendance without loading the
    member record (it has the attributes of `Member` those read)."""

    id: int
    cell_id: int
    group_id: int | None
    temporary_cell_id: int | None
    status: MemberStatus


@dataclass
class Access:
    """What one user holds: admin flag, positions, and the cell they belong to."""

    user_id: int | None = None
    is_admin: bool = False
    member_id: int | None = None
    cell_id: int | None = None
    cell_path: str | None = None
    temporary_cell_id: int | None = None  # a cell the member attends temporarily: its meetings, nothing more
    grants: list[Grant] = field(default_factory=list)
    group_id: int | None = None  # the tổ đảng inside the cell, if any
    member_status: MemberStatus | None = None

    @property
    def has_left(self) -> bool:
        """The user's member record says they are no longer in the cell (chuyển đi, ra khỏi Đảng, đã mất)."""
        return has_left(self.member_status)

    @property
    def member(self) -> MemberRef | None:
        """The user's own member placement — what they attend meetings and keep a calendar with — or None for an
        account without a member record and for a member who left."""
        if self.member_id is None or self.has_left:
            return None
        return MemberRef(self.member_id, self.cell_id, self.group_id, self.temporary_cell_id, self.member_status)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_leader(self) -> bool:
        """Holds any position (cell leader or committee staff) or is admin."""
        return self.is_admin or bool(self.grants)


ANONYMOUS = Access()


@functools.cache
def _left_statuses() -> frozenset:
    from handbook.members.models import LEFT_STATUSES  # members depends on org, not the reverse at import time

    return frozenset(LEFT_STATUSES)


def has_left(status: MemberStatus | None) -> bool:
    """Whether a member of this status is no longer in their cell (None: an account without a member record)."""
    return status is not None and status in _left_statuses()


@functools.cache
def _access_queries():
    """The two queries every signed-in request runs, built once (a request only binds the user id)."""
    from handbook.members.models import Member  # members depends on org, not the reverse at import time

    positions = (select(Position.organisation_id, Organisation.path, Position.role, Position.scope)
                 .join(Organisation, Organisation.id == Position.organisation_id)
                 .where(Position.user_id == bindparam("user_id")))
    own = (select(*signed_in.placement_columns(Member, Organisation))
           .join(Organisation, Organisation.id == Member.cell_id)
           .where(Member.user_id == bindparam("user_id")))
    return positions, own


def load_access(user) -> Access:
    """Build the Access of `user`: two queries (own member record, positions), or none beyond the session lookup
    for a member without positions (`auth.signed_in` brought the placement and whether there are any).

    The status rule is decided here, from the placement read in this request: a member who left
    (`has_left`: chuyển đi, ra khỏi Đảng, đã mất) gets an Access holding their own record's id and nothing else —
    no cell, tổ đảng or temporary cell, no positions (not even looked up), no admin flag. Every check below
    then answers for them as for an account that belongs nowhere, except for their own record
    (`can_view_member`, `can_edit_member_contact`). Exempt members (miễn, tạm miễn sinh hoạt) keep their
    placement: they read the cell as before."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    positions, own_record = _access_queries()
    preloaded = signed_in.preloaded(user.id)
    if preloaded is not None:
        placement, has_positions = preloaded.placement, preloaded.has_positions
    else:
        own = lookup(own_record, {"user_id": user.id}).first()
        placement, has_positions = (signed_in.Placement(*own) if own else signed_in.NO_PLACEMENT), True
    if has_left(placement.status):
        return Access(user_id=user.id, member_id=placement.member_id, member_status=placement.status)
    rows = lookup(positions, {"user_id": user.id}).all() if has_positions else []
    return Access(user_id=user.id, is_admin=bool(user.is_admin), member_id=placement.member_id,
                  cell_id=placement.cell_id, cell_path=placement.cell_path,
                  temporary_cell_id=placement.temporary_cell_id, grants=[Grant(*row) for row in rows],
                  group_id=placement.group_id, member_status=placement.status)


def access_of_member(member, is_admin: bool = False) -> Access:
    """The Access of a member's account where no session says who is asking — the calendar feed, whose token
    stands for the member: their placement and status from `member` (with its cell loaded), their positions in
    one query. The status rule of `load_access` applies."""
    if has_left(member.status):
        return Access(user_id=member.user_id, member_id=member.id, member_status=member.status)
    positions, _own = _access_queries()
    rows = lookup(positions, {"user_id": member.user_id}).all() if member.user_id else []
    return Access(user_id=member.user_id, is_admin=is_admin, member_id=member.id, cell_id=member.cell_id,
                  cell_path=member.cell.path, temporary_cell_id=member.temporary_cell_id,
                  grants=[Grant(*row) for row in rows], group_id=member.group_id, member_status=member.status)


def access_for(user) -> Access:
    """The Access of `user`, cached for the current request."""
    key = getattr(user, "id", None)
    cache = g.setdefault("_access_cache", {})
    if key not in cache:
        cache[key] = load_access(user)
    return cache[key]


def _subtree(path_column, prefix: str) -> ColumnElement[bool]:
    # Paths under "/1/7/" sort between "/1/7/" and "/1/70" ("/" < "0"): a plain index range.
    return and_(path_column >= prefix, path_column < prefix[:-1] + "0")


def _grant_clause(grant: Grant) -> ColumnElement[bool]:
    if grant.scope is Scope.UNIT:
        return Organisation.id == grant.organisation_id
    return _subtree(Organisation.path, grant.path)


# --- single objects ---------------------------------------------------------------------------

def can_manage_org(access: Access, org: Organisation) -> bool:
    return access.is_admin or any(g_.covers(org.id, org.path) for g_ in access.grants)


def can_see_org(access: Access, org: Organisation) -> bool:
    """Managers see their scope; a member sees their own cell, the groups inside it, and a cell they
    attend temporarily."""
    if can_manage_org(access, org) or (access.temporary_cell_id is not None and org.id == access.temporary_cell_id):
        return True
    return access.cell_path is not None and org.path.startswith(access.cell_path)


def can_view_member(access: Access, member) -> bool:
    """The full record: the member themself or whoever manages their cell."""
    return access.member_id == member.id or can_manage_org(access, member.cell)


def can_view_member_card(access: Access, member) -> bool:
    """Name, position and phone: everyone in the same cell, plus those who see the full record."""
    return access.cell_id == member.cell_id or can_view_member(access, member)


def can_manage_member(access: Access, member) -> bool:
    return can_manage_org(access, member.cell)


def can_edit_member_contact(access: Access, member) -> bool:
    """Phone, e-mail, residence and photo: the member themself, or whoever manages the record."""
    return access.member_id == member.id or can_manage_member(access, member)


def can_browse_audit(access: Access) -> bool:
    return access.is_admin


# --- meetings: who is their audience ----------------------------------------------------------

def _is_committee_only(kind) -> bool:
    from handbook.meetings.models import MeetingKind  # meetings depends on org, not the reverse at import time

    return kind is MeetingKind.CHI_UY


def can_see_meeting(access: Access, meeting) -> bool:
    """A meeting, its agenda, documents, minutes and votes: whoever sees its organisation — except a chi ủy
    meeting, whose audience is those who manage its organisation (the cell's bí thư, phó bí thư and chi ủy
    viên, and committee staff above it by scope). Its invitees (`meetings.attendance.invitees`: members
    holding a committee position there) are among them, since a position is a grant over its organisation.
    Callers answer 404 to everyone else. `meeting_audience_clause` is the same rule for lists."""
    org = meeting.organisation
    if not can_see_org(access, org):
        return False
    return not _is_committee_only(meeting.kind) or can_manage_org(access, org)


def meeting_audience_clause(access: Access) -> ColumnElement[bool]:
    """`can_see_meeting`'s audience as a WHERE clause on Meeting, for lists. The caller restricts the
    organisations as the list requires (the member's own, those they manage); this clause adds who a chi ủy
    meeting is for. For a member without positions it is the same clause every time."""
    from handbook.meetings.models import Meeting, MeetingKind

    if access.is_admin:
        return true()
    open_to_all = Meeting.kind != MeetingKind.CHI_UY
    if not access.grants:
        return open_to_all
    return or_(open_to_all, Meeting.organisation_id.in_(managed_org_ids(access)))


def still_in_cell_clause(user_id_column) -> ColumnElement[bool]:
    """SQL on a user id column: not the account of a member who left (accounts without a member record pass) —
    for those told things by their position (leaders' reminders), whose positions may outlive their status."""
    from handbook.members.models import LEFT_STATUSES, Member

    return ~select(Member.id).where(Member.user_id == user_id_column, Member.status.in_(LEFT_STATUSES)).exists()


# --- lists, as SQL ----------------------------------------------------------------------------

def managed_orgs_clause(access: Access) -> ColumnElement[bool]:
    """A WHERE clause on Organisation for the organisations `access` may manage."""
    if access.is_admin:
        return true()
    if not access.grants:
        return false()
    return or_(*[_grant_clause(grant) for grant in access.grants])


def visible_orgs_clause(access: Access) -> ColumnElement[bool]:
    clauses = [managed_orgs_clause(access)]
    if access.cell_path:
        clauses.append(_subtree(Organisation.path, access.cell_path))
    if access.temporary_cell_id:
        clauses.append(Organisation.id == access.temporary_cell_id)
    return or_(*clauses)


def visible_org_ids(access: Access):
    """A SELECT of the ids of organisations `access` may see — use it inside other queries."""
    return select(Organisation.id).where(visible_orgs_clause(access))


def managed_org_ids(access: Access):
    return select(Organisation.id).where(managed_orgs_clause(access))


# --- documents addressed to an organisation (regulations) -------------------------------------

def _path_ids(path: str | None) -> set[int]:
    return {int(part) for part in (path or "").strip("/").split("/") if part}


def _audience_ancestor_ids(access: Access) -> set[int]:
    """Organisations whose documents reach this user from above: their cell and every position's org,
    with all their ancestors (a document for a ward reaches every cell in it)."""
    ids = _path_ids(access.cell_path)
    for grant in access.grants:
        ids |= _path_ids(grant.path)
    return ids


def can_read_audience(access: Access, org: Organisation | None) -> bool:
    """A document for `org` (None: the whole deployment) is readable by the members below it, by those
    who hold a position at or below it, and by those who manage it."""
    if not access.is_authenticated:
        return False
    if org is None or access.is_admin:
        return True
    return org.id in _audience_ancestor_ids(access) or can_manage_org(access, org)


def readable_audience_clause(access: Access, audience_column) -> ColumnElement[bool]:
    """`can_read_audience` as SQL on a column holding the audience organisation id (NULL: everyone)."""
    if not access.is_authenticated:
        return false()
    if access.is_admin:
        return true()
    clauses = [audience_column.is_(None)]
    ids = _audience_ancestor_ids(access)
    if ids:
        clauses.append(audience_column.in_(sorted(ids)))
    if access.grants:
        clauses.append(audience_column.in_(managed_org_ids(access)))
    return or_(*clauses)


def can_publish_for(access: Access, org: Organisation | None) -> bool:
    """Committee staff publish for an organisation they hold a position over; only admins for everyone."""
    if org is None:
        return access.is_admin
    return can_manage_org(access, org)


def can_publish_any(access: Access) -> bool:
    return access.is_admin or bool(access.grants)


def can_manage_document(access: Access, owner: Organisation | None) -> bool:
    """See a draft, publish it, discard it, change a document's status: whoever manages the organisation that
    owns (issues) the document — its committee and those above it by scope — never merely the organisations it
    is addressed to. A document owned by no organisation (the whole deployment's): admins only."""
    if owner is None:
        return access.is_admin
    return can_manage_org(access, owner)


def document_owner(access: Access, audience: Organisation | None) -> int | None:
    """The organisation a new document for `audience` belongs to: the highest one where its author holds a
    position covering the audience (staff of a ward writing for one of its cells: the ward). None for a
    document for everyone, or an admin without such a position (then only admins manage it)."""
    if audience is None:
        return None
    covering = [grant for grant in access.grants if grant.covers(audience.id, audience.path)]
    if not covering:
        return None
    return min(covering, key=lambda grant: (grant.path.count("/"), grant.organisation_id)).organisation_id


def requires_second_factor(access: Access) -> bool:
    """Admins and committee staff — anyone holding a position above cell level — must sign in with a second
    factor (TOTP). Cell leaders (bí thư chi bộ) and members may turn it on but need not."""
    from sqlalchemy import func

    from handbook.org.models import CELL_KINDS, OrgKind

    if access.is_admin:
        return True
    ids = [grant.organisation_id for grant in access.grants]
    if not ids:
        return False
    below_committee = (*CELL_KINDS, OrgKind.TO_DANG)
    return bool(db.session.scalar(select(func.count()).select_from(Organisation)
                                  .where(Organisation.id.in_(ids), Organisation.kind.not_in(below_committee))))
