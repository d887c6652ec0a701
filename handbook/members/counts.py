"""Member counts per organisation as of any day, from the placement and status histories.

A committee states its figures "as of" a date: before and after a merger they must differ only by what the
merger changed. A member counts on day D in the cell of their placement valid on D, if their status on D is one of
the active ones (dự bị, chính thức, miễn or tạm miễn sinh hoạt). The tree is the one of day D too (the versions
valid that day), so a cell moved since still counts under its old committee for days before the move.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from handbook.extensions import db
from handbook.members.models import LEFT_STATUSES, Member, MemberPlacement, MemberStatus, MemberStatusHistory
from handbook.org.history import known_on, valid_on
from handbook.org.models import OrgVersion

#: the statuses counted (a member who left, died or transferred out is not)
ACTIVE = tuple(s.value for s in MemberStatus if s not in LEFT_STATUSES)


def status_on(member_id: ColumnElement, day: date) -> ColumnElement:
    """SQL: the status of the member `member_id` (a column) on `day` — the latest status row from that day or before,
    the later recorded first on a tie (one seek in ix_member_status_history_member_day, which covers it); a record
    with no status history at all (written before it was kept) has its current status; NULL: not yet a member."""
    history = MemberStatusHistory
    latest = (select(history.status).where(history.member_id == member_id, history.from_date <= day)
              .order_by(history.from_date.desc(), history.id.desc()).limit(1).scalar_subquery())
    unrecorded = (select(Member.status).where(Member.id == member_id,
                                              ~select(history.id).where(history.member_id == member_id)
                                              .correlate_except(history).exists())
                  .scalar_subquery())
    return func.coalesce(latest, unrecorded)  # the second only read when the first is NULL


def counts_on(org_ids: Iterable[int], day: date) -> dict[int, int]:
    """For each organisation: the members counted on `day` in it and everything below it as the tree was then.

    One statement, whatever the number of organisations or members: a recursive walk of the versions known on `day`
    gives (root, organisation) pairs; the placements valid that day in those organisations are counted per cell
    with each member's status that day (a correlated seek per placement, in the database, nothing loaded here), and
    the cells' counts summed per root. Both lookups read covering indexes (migration 0016)."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    tree = (select(OrgVersion.organisation_id.label("root"), OrgVersion.organisation_id.label("id"))
            .where(OrgVersion.organisation_id.in_(ids), known_on(OrgVersion, day))
            .cte("counted_tree", recursive=True))
    tree = tree.union_all(select(tree.c.root, OrgVersion.organisation_id)
                          .join(tree, OrgVersion.parent_id == tree.c.id).where(known_on(OrgVersion, day)))
    placement = MemberPlacement
    cells = (select(placement.cell_id.label("cell_id"), func.count(func.distinct(placement.member_id)).label("n"))
             .where(placement.cell_id.in_(select(tree.c.id)), valid_on(placement, day),
                    status_on(placement.member_id, day).in_(ACTIVE))
             .group_by(placement.cell_id).subquery("cell_counts"))
    query = (select(tree.c.root, func.sum(cells.c.n)).join(cells, cells.c.cell_id == tree.c.id)
             .group_by(tree.c.root))
    found = {root: int(n) for root, n in db.session.execute(query)}
    return {org_id: found.get(org_id, 0) for org_id in ids}
