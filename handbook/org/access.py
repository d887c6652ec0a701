"""Who may see or manage which organisations and records — the rules, decided here and nowhere else.

This is the kernel: it knows organisations, positions and where a member is placed, and no feature. The
caller's `Access` is built once per request by `handbook.caller` (positions from here, the placement from
members); every function below answers from that object, either in Python (for one object) or as an SQL clause
(for lists), so no check walks the tree node by node. Features build their own rules on these (a meeting's
audience: `meetings.audience`).

Two things decide an answer:

- **Position** (`Grant`): a bí thư, phó bí thư, chi ủy viên or committee staff manages the organisation of the
  position (and, with the subtree scope, everything below it); admins manage everything.
- **Placement** of the member's record, read afresh at every request: chính thức, dự bị and the exempt miễn /
  tạm miễn sinh hoạt are placed in their cell as recorded — its directory, meetings, documents and regulations,
  their positions. A member who left (chuyển đi, ra khỏi Đảng, đã mất — `members.models.LEFT_STATUSES`) keeps
  only their own record's id (`Access.has_left`): their record, their own data and export, the privacy notice,
  their inbox and account settings — no cell, tổ đảng or temporary cell, no positions, no admin flag. The
  status change itself also ends their sessions, API tokens, feeds and push devices.

Outside one's scope the answer is 404, not 403, so that existence does not leak.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from handbook.org.models import CELL_KINDS, Organisation, OrgKind, Role, Scope


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    path: str
    role: Role
    scope: Scope
    kind: OrgKind | None = None  #: the kind of the position's organisation (a committee's, or a cell's)

    def covers(self, org_id: int, org_path: str) -> bool:
        if self.scope is Scope.UNIT:
            return org_id == self.organisation_id
        return org_path.startswith(self.path)


class Placement(NamedTuple):
    """Where a member is placed: their record's id, cell, tổ đảng and temporary cell, and status (as the members
    feature records it). It has the attributes of a member record that meetings and attendance read, so the
    caller's own placement stands in for their record there."""

    id: int
    cell_id: int
    group_id: int | None
    temporary_cell_id: int | None
    status: Any


@dataclass
class Access:
    """What one user holds: admin flag, positions, and where their member record places them."""

    user_id: int | None = None
    is_admin: bool = False
    member_id: int | None = None
    cell_id: int | None = None
    cell_path: str | None = None
    temporary_cell_id: int | None = None  # a cell the member attends temporarily: its meetings, nothing more
    grants: list[Grant] = field(default_factory=list)
    group_id: int | None = None  # the tổ đảng inside the cell, if any
    member_status: Any = None  #: the record's status, as the members feature records it
    has_left: bool = False  #: the record says they are no longer in the cell: only their own record is theirs

    @property
    def member(self) -> Placement | None:
        """The user's own member placement — what they attend meetings and keep a calendar with — or None for an
        account without a member record and for a member who left."""
        if self.member_id is None or self.has_left:
            return None
        return Placement(self.member_id, self.cell_id, self.group_id, self.temporary_cell_id, self.member_status)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_leader(self) -> bool:
        """Holds any position (cell leader or committee staff) or is admin."""
        return self.is_admin or bool(self.grants)


ANONYMOUS = Access()


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
    """Managers see their scope; a member sees their own cell and the groups inside it. A cell they attend
    temporarily is not theirs to see (its directory and phones): only its meetings are (`meetings.audience`)."""
    if can_manage_org(access, org):
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


def can_manage_account(access: Access, account_is_admin: bool, account_grants: list[Grant]) -> bool:
    """Reset the login of an account (an activation code) or end its membership: those who manage the member's
    record may, unless the account holds positions they do not cover — a committee's staff is managed by those
    above that committee, an administrator only by administrators (a cell leader must not take over the ward's
    staff through their member record)."""
    if account_is_admin:
        return access.is_admin
    return access.is_admin or all(any(mine.covers(theirs.organisation_id, theirs.path) for mine in access.grants)
                                  for theirs in account_grants)


def can_edit_member_contact(access: Access, member) -> bool:
    """Phone, e-mail, residence and photo: the member themself, or whoever manages the record."""
    return access.member_id == member.id or can_manage_member(access, member)


def can_browse_audit(access: Access) -> bool:
    return access.is_admin


# --- restructuring the tree (create, rename, move, merge, split, dissolve) ------------------------------------

#: positions that may restructure what lies below their committee: its bí thư and its staff
RESTRUCTURING_ROLES = frozenset({Role.BI_THU, Role.CAN_BO})
_NOT_COMMITTEES = frozenset({*CELL_KINDS, OrgKind.TO_DANG})


def _restructuring(grant: Grant) -> bool:
    """A committee's bí thư or staff over its whole subtree: a cell's leaders never restructure."""
    return (grant.scope is Scope.SUBTREE and grant.role in RESTRUCTURING_ROLES
            and grant.kind is not None and grant.kind not in _NOT_COMMITTEES)


def can_place_under(access: Access, parent: Organisation) -> bool:
    """Create an organisation under `parent`, or move one there: admins anywhere; a committee's bí thư or staff
    under their committee or anything in its subtree."""
    return access.is_admin or any(_restructuring(g) and parent.path.startswith(g.path) for g in access.grants)


def parent_path(org: Organisation) -> str | None:
    """The materialised path of `org`'s parent ("/1/7/" for "/1/7/42/"), None for a root."""
    parts = org.path.strip("/").split("/")
    return "/" + "".join(f"{part}/" for part in parts[:-1]) if len(parts) > 1 else None


def can_restructure(access: Access, org: Organisation) -> bool:
    """Rename, move, merge, split or dissolve `org`: whoever may place organisations under its parent (so a ward's
    staff restructure the ward's cells, never the ward itself); a root, admins only."""
    if access.is_admin:
        return True
    above = parent_path(org)
    return above is not None and any(_restructuring(g) and above.startswith(g.path) for g in access.grants)


def can_restructure_any(access: Access) -> bool:
    """Whether the tree's management pages are for this caller at all."""
    return access.is_admin or any(_restructuring(g) for g in access.grants)


def can_browse_tree(access: Access) -> bool:
    """The tree's pages (organisations, their history and counts): admins and those holding a position over a
    committee (not only a cell) — a cell's leaders read their cell on its own page."""
    return access.is_admin or any(g.kind is not None and g.kind not in _NOT_COMMITTEES for g in access.grants)


def in_subtree(path_column, prefix: str) -> ColumnElement[bool]:
    """SQL: a path column at or below `prefix` (an index range)."""
    return _subtree(path_column, prefix)


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
    who hold a position at or below it, and by those who manage it — never by a member who left."""
    if not access.is_authenticated or access.has_left:
        return False
    if org is None or access.is_admin:
        return True
    return org.id in _audience_ancestor_ids(access) or can_manage_org(access, org)


def readable_audience_clause(access: Access, audience_column) -> ColumnElement[bool]:
    """`can_read_audience` as SQL on a column holding the audience organisation id (NULL: everyone)."""
    if not access.is_authenticated or access.has_left:
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


# --- admission: candidates, their files, sponsors, targets --------------------------------------------------

def can_manage_candidates(access: Access, cell: Organisation) -> bool:
    """A cell's candidate list and files: the cell's leaders and the committees above it (and admins)."""
    return can_manage_org(access, cell)


def is_sponsor(access: Access, sponsor_id: int | None) -> bool:
    """The caller is the assigned sponsor (đảng viên giúp đỡ) of a probationary member — while still in a cell."""
    return sponsor_id is not None and not access.has_left and access.member_id == sponsor_id


def can_view_candidate(access: Access, cell: Organisation, sponsor_id: int | None) -> bool:
    """A candidate's or probationary member's file: those who manage the cell's candidates, and the sponsor."""
    return can_manage_candidates(access, cell) or is_sponsor(access, sponsor_id)


def can_set_target(access: Access, org: Organisation) -> bool:
    """A yearly admission target for `org`: admins, and committee positions (not a cell's leaders) covering it."""
    return access.is_admin or any(g.kind is not None and g.kind not in _NOT_COMMITTEES and g.covers(org.id, org.path)
                                  for g in access.grants)


def candidates_clause(access: Access, cell_path_column, sponsor_column) -> ColumnElement[bool]:
    """`can_view_candidate` as SQL: the cell's path column (an Organisation joined as the candidate's cell) and the
    candidate's sponsor column."""
    if access.is_admin:
        return true()
    clauses = [_grant_clause_on(grant, cell_path_column) for grant in access.grants]
    if access.member_id is not None and not access.has_left:
        clauses.append(sponsor_column == access.member_id)
    return or_(*clauses) if clauses else false()


def _grant_clause_on(grant: Grant, path_column) -> ColumnElement[bool]:
    if grant.scope is Scope.UNIT:
        return path_column == grant.path
    return _subtree(path_column, grant.path)


# --- reports: the committee's view ---------------------------------------------------------------------------

def can_view_reports(access: Access, org: Organisation) -> bool:
    """An organisation's reports (composition, meetings, attendance, reviews, reach): whoever manages it — its
    leaders and the committees above (and admins); a member who only belongs to it does not."""
    return can_manage_org(access, org)


def can_record_review(access: Access, org: Organisation) -> bool:
    """Recording that `org` reviewed one of its periodic lists: those who manage it."""
    return can_manage_org(access, org)


def can_view_member_lists(access: Access, org: Organisation) -> bool:
    """A report's lists of named members over `org`'s subtree (the periodic reviews, the absences): those who may
    see the records of every member below it — admins, positions over its whole subtree, or a cell's own leaders.
    A position on the organisation alone (unit scope) sees its figures, not the members below."""
    return access.is_admin or any(g.covers(org.id, org.path) and (g.scope is Scope.SUBTREE or org.is_cell)
                                  for g in access.grants)


# --- exemptions: miễn / tạm miễn sinh hoạt đảng ----------------------------------------------------------------

def can_view_exemptions(access: Access, member) -> bool:
    """A member's requests and exemptions: the member themself and whoever sees their full record."""
    return can_view_member(access, member)


def can_decide_exemption(access: Access, cell: Organisation) -> bool:
    """The cell's decision on a request, and ending an exemption early: the cell's leaders recording what the cell
    resolved, and the committees above (and admins)."""
    return can_manage_org(access, cell)


# --- evaluation: the annual review of members ---------------------------------------------------------------

def can_manage_evaluation(access: Access, org: Organisation) -> bool:
    """Opening and closing an organisation's round, choosing a member's form, reopening a self-assessment and
    recording ratings: those who manage the organisation (its leaders, the committees above, admins)."""
    return can_manage_org(access, org)


def can_view_evaluations(access: Access, member) -> bool:
    """A member's evaluations (self-assessments, ratings, history): the member themself — also once they left, as
    part of their own record — and those who manage their cell."""
    return access.member_id == member.id or can_manage_org(access, member.cell)


def can_write_self_assessment(access: Access, member) -> bool:
    """Writing one's own self-assessment: the member themself while in a cell."""
    return not access.has_left and access.member_id == member.id
# --- transfers: a member's moves (chuyển sinh hoạt đảng) and the directory of receiving organisations ---------

def can_request_own_move(access: Access, member_id: int) -> bool:
    """A member asks to move themself — while still in a cell."""
    return access.member_id == member_id and not access.has_left


def can_send_move(access: Access, from_cell: Organisation) -> bool:
    """The sending side: the letter, a request recorded for a member, a cancellation, an outside destination's
    receipt — the leaders of the cell the member leaves and the committees above it."""
    return can_manage_org(access, from_cell)


def can_receive_move(access: Access, to_org: Organisation | None) -> bool:
    """The receiving side, inside this deployment: the leaders of the organisation the member goes to and the
    committees above it."""
    return to_org is not None and can_manage_org(access, to_org)


def can_view_move(access: Access, member_id: int, from_cell: Organisation, to_org: Organisation | None) -> bool:
    """A move: the member (also once they left: it is their own history), both sides — nobody else."""
    return (access.member_id == member_id or can_send_move(access, from_cell)
            or can_receive_move(access, to_org))


def moves_clause(access: Access, from_path_column, to_path_column) -> ColumnElement[bool]:
    """The moves a leader or committee sees as one of the two sides (paths of the sending cell and of the receiving
    organisation, outer-joined)."""
    if access.is_admin:
        return true()
    clauses = [_grant_clause_on(grant, column) for grant in access.grants
               for column in (from_path_column, to_path_column)]
    return or_(*clauses) if clauses else false()


def can_keep_directory(access: Access, owner: Organisation) -> bool:
    """The directory entries a committee keeps: admins, and committee positions (not a cell's leaders) covering it."""
    return can_set_target(access, owner)


def can_read_directory(access: Access) -> bool:
    """Names, addresses and phones of receiving organisations: whoever is signed in and still in a cell, and staff."""
    return access.is_authenticated and (access.is_leader or access.member is not None)


# --- dues: recording payments, profiles and reliefs; regions; the committee's totals ---------------------------

def can_record_dues(access: Access, cell: Organisation) -> bool:
    """A cell's dues sheet, its members' profiles, reliefs and payments (người thu đảng phí): the cell's committee
    (bí thư, phó bí thư, chi ủy viên) and committee staff above it — the same rule as managing its members."""
    return can_manage_org(access, cell)


def can_set_dues_region(access: Access, org: Organisation) -> bool:
    """The region (vùng) of the regional minimum wage on `org`: admins and committee positions covering it (a
    cell's leaders do not set it)."""
    return can_set_target(access, org)


def can_view_own_dues(access: Access, member_id: int) -> bool:
    """A member's own months and amounts: the member themself, also after they left (their own history)."""
    return access.member_id is not None and access.member_id == member_id
