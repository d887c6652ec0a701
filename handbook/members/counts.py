"""Member counts per organisation as of any day, from the placement and status histories.

A committee states its figures "as of" a date: before and after a merger they must differ only by what the
merger changed. A member counts on day D in the cell of their placement valid on D, if their status on D is one of
the active ones (dự bị, chính thức, miễn or tạm miễn sinh hoạt). The tree is the one of day D too (the versions
valid that day), so a cell moved since still counts under its old committee for days before the move.

Counting a day reads every placement valid that day and each member's status then (0.3–0.6 s on the 140,000
members of benchmarks/tree_pages.py, SQLite), so the totals of a day are kept in this process under the token of
`CountsVersion`, which every write to what they are made of replaces in its own transaction (`watch_writes`): a
page reads the token (one statement) and, while it is unchanged, the totals of the day from memory. The tree
pages that count the province went from 0.2–0.4 s p95 (0.7–2 s on a busier machine) to 14–22 ms p95 with it; the
first page after a change pays one count (benchmarks/README.md, "Organisation tree").
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import ColumnElement

from handbook.extensions import db
from handbook.members.models import (
    LEFT_STATUSES,
    CountsVersion,
    Member,
    MemberPlacement,
    MemberStatus,
    MemberStatusHistory,
)
from handbook.org.history import known_on, valid_on
from handbook.org.models import Organisation, OrgVersion

#: the statuses counted (a member who left, died or transferred out is not)
ACTIVE = tuple(s.value for s in MemberStatus if s not in LEFT_STATUSES)
#: days whose totals are kept per process (each a dict of about 9,000 ints on the province: ~1 MB in all)
KEPT_DAYS = 16

_kept: OrderedDict[tuple[str, str, date], dict[int, int]] = OrderedDict()
_kept_lock = threading.Lock()


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

    One statement (the version token) while the day's totals are kept, three when they are not: the token, the
    placements valid that day counted per cell with each member's status that day (in the database, nothing
    loaded but a row per cell), and the versions known that day (a row per organisation) to sum the cells up the
    tree of that day."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    totals = totals_on(day)
    return {org_id: totals.get(org_id, 0) for org_id in ids}


def totals_on(day: date) -> dict[int, int]:
    """Every organisation's count on `day` (read only: shared by the requests of this process)."""
    # the token read autoflushes first, so a change pending in this session has replaced it already
    token = db.session.scalar(select(CountsVersion.token).where(CountsVersion.id == 1))
    key = (db.engine.url.render_as_string(hide_password=True), token or "", day)
    if token is not None:
        with _kept_lock:
            found = _kept.get(key)
            if found is not None:
                _kept.move_to_end(key)
                return found
    totals = _count(day)
    if token is not None:  # no row (emptied tables): nothing to key them by, nothing kept
        with _kept_lock:
            _kept[key] = totals
            while len(_kept) > KEPT_DAYS:
                _kept.popitem(last=False)
    return totals


def _count(day: date) -> dict[int, int]:
    placement = MemberPlacement
    cells = dict(db.session.execute(
        select(placement.cell_id, func.count(func.distinct(placement.member_id)))
        .where(valid_on(placement, day), status_on(placement.member_id, day).in_(ACTIVE))
        .group_by(placement.cell_id)).all())
    children: dict[int, list[int]] = {}
    known: list[int] = []
    for org_id, parent_id in db.session.execute(
            select(OrgVersion.organisation_id, OrgVersion.parent_id).where(known_on(OrgVersion, day))):
        known.append(org_id)
        if parent_id is not None:
            children.setdefault(parent_id, []).append(org_id)
    return roll_up(known, children, cells)


def roll_up(known: Iterable[int], children: dict[int, list[int]], cells: dict[int, int]) -> dict[int, int]:
    """Each known organisation's own count plus its children's totals, walked without recursion; an edge that would
    close a cycle (no valid tree has one) is ignored rather than followed forever."""
    totals: dict[int, int] = {}
    for root in known:
        if root in totals:
            continue
        stack: list[tuple[int, bool]] = [(root, False)]
        on_path: set[int] = set()
        while stack:
            org, done = stack.pop()
            if done:
                on_path.discard(org)
                totals[org] = cells.get(org, 0) + sum(totals.get(child, 0) for child in children.get(org, ()))
            elif org not in totals and org not in on_path:
                on_path.add(org)
                stack.append((org, True))
                stack.extend((child, False) for child in children.get(org, ()) if child not in totals)
    return totals


# -- keeping the token current ---------------------------------------------------------------------------------

#: rows whose change changes a count; members' own rows too (a record without status history counts by its
#: current status; deleting one deletes its placements), and organisations deleted (their versions go with them)
_COUNTED = (MemberPlacement, MemberStatusHistory, OrgVersion)
#: the record's fields figures are counted or grouped by (the status; the composition reports' groups): a change to
#: one of them replaces the token, a change to another (a phone number) does not
GROUPED_BY = ("status", "cell_id", "gender", "birth_date", "ethnicity", "religion", "education", "political_theory",
              "occupation_group", "admission_date")
_COUNTED_TABLES = frozenset(model.__table__.name for model in (*_COUNTED, Member))


def bump(connection: Connection) -> None:
    """Replace the token (creating the row if it is missing), in the transaction of `connection`."""
    token = uuid.uuid4().hex
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(
        CountsVersion.__table__)
    connection.execute(insert.values(id=1, token=token)
                       .on_conflict_do_update(index_elements=["id"], set_={"token": token}))


def _changes_counts(session: Session) -> bool:
    for obj in session.new:
        if isinstance(obj, (*_COUNTED, Member)):
            return True
    for obj in session.deleted:
        if isinstance(obj, (*_COUNTED, Member, Organisation)):
            return True
    for obj in session.dirty:
        if isinstance(obj, _COUNTED) and session.is_modified(obj):
            return True
        if isinstance(obj, Member) and any(inspect(obj).attrs[name].history.has_changes() for name in GROUPED_BY):
            return True
    return False


def _after_flush(session: Session, _context) -> None:
    # new/dirty/deleted still list what this flush wrote
    if _changes_counts(session):
        bump(session.connection())


def _do_orm_execute(state: ORMExecuteState) -> None:
    """Bulk INSERT/UPDATE/DELETE statements run through the session (imports, merges) skip the flush."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in _COUNTED_TABLES or (state.is_delete and name == Organisation.__tablename__):
        bump(state.session.connection())


def watch_writes() -> None:
    """Register the session listeners that replace the token (once per process, whatever the number of apps)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
