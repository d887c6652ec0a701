"""Member counts per organisation as of any day, from the placement and status histories.

A committee states its figures "as of" a date: before and after a merger they must differ only by what the
merger changed. A member counts on day D in the cell of their placement valid on D, if their status on D is one of
the active ones (dự bị, chính thức, miễn or tạm miễn sinh hoạt). The tree is the one of day D too (the versions
valid that day), so a cell moved since still counts under its old committee for days before the move.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from handbook.extensions import db
from handbook.members.models import LEFT_STATUSES, Member, MemberPlacement, MemberStatusHistory
from handbook.org.history import known_on, valid_on
from handbook.org.models import OrgVersion


def status_on(day: date) -> ColumnElement:
    """SQL on Member: the status on `day` — the latest status row from that day or before (NULL: not yet a member);
    a record with no status history at all (written before it was kept) has its current status."""
    history = MemberStatusHistory
    latest = (select(history.status).where(history.member_id == Member.id, history.from_date <= day)
              .order_by(history.from_date.desc(), history.id.desc()).limit(1).scalar_subquery())
    has_history = select(history.id).where(history.member_id == Member.id).exists()
    return case((has_history, latest), else_=Member.status)


def counted_on(day: date) -> ColumnElement[bool]:
    status = status_on(day)
    return and_(status.is_not(None), status.not_in([s.value for s in LEFT_STATUSES]))


def counts_on(org_ids: Iterable[int], day: date) -> dict[int, int]:
    """For each organisation: the members counted on `day` in it and everything below it as the tree was then (one
    query: a recursive walk of the versions known on `day`, joined to the placements valid that day)."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    tree = (select(OrgVersion.organisation_id.label("root"), OrgVersion.organisation_id.label("id"))
            .where(OrgVersion.organisation_id.in_(ids), known_on(OrgVersion, day))
            .cte("counted_tree", recursive=True))
    tree = tree.union_all(select(tree.c.root, OrgVersion.organisation_id)
                          .join(tree, OrgVersion.parent_id == tree.c.id).where(known_on(OrgVersion, day)))
    query = (select(tree.c.root, func.count(func.distinct(MemberPlacement.member_id)))
             .join(MemberPlacement, MemberPlacement.cell_id == tree.c.id)
             .join(Member, Member.id == MemberPlacement.member_id)
             .where(valid_on(MemberPlacement, day), counted_on(day)).group_by(tree.c.root))
    found = dict(db.session.execute(query).all())
    return {org_id: found.get(org_id, 0) for org_id in ids}
