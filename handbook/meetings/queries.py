"""Reading meetings for a member, a leader or a committee — each in a bounded number of queries."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Row, bindparam, case, exists, func, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from handbook.core.rows import column_rows
from handbook.core.timeutil import local_now, local_today, utcnow
from handbook.extensions import db
from handbook.meetings.audience import audience_clause
from handbook.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingStatus,
    MinutesRevision,
)
from handbook.meetings.scheduling import local_datetime, meeting_end
from handbook.members.models import Member, temporary_cell_on
from handbook.org.access import ANONYMOUS, Access, Placement, managed_orgs_clause
from handbook.org.models import CELL_KINDS, Organisation

RECENT_DAYS = 92


def member_orgs(member: Member | Placement | None, today: date | None = None) -> list[int]:
    """The organisations whose meetings the member attends: cell, tổ đảng, and a temporary cell (not past its
    `temporary_until` day; a caller's Placement has it already checked)."""
    if member is None:
        return []
    return [i for i in (member.cell_id, member.group_id, temporary_cell_on(member, today or local_today())) if i]


# every home page runs these: built once, a request only binds the values (benchmarks/load.py). The agenda is
# read for the one meeting chosen (a selectinload read it for all ten candidates, and its loader machinery cost
# ~0.5 ms a page).
_CANDIDATES = (select(Meeting).where(
    Meeting.organisation_id.in_(bindparam("orgs", expanding=True)), Meeting.status != MeetingStatus.CANCELLED,
    Meeting.starts_at >= bindparam("since")).order_by(Meeting.starts_at).limit(10))
_AGENDA = select(AgendaItem).where(AgendaItem.meeting_id == bindparam("meeting_id")).order_by(AgendaItem.position)
_DOCUMENTS = (select(MeetingDocument).where(MeetingDocument.meeting_id == bindparam("meeting_id"))
              .order_by(MeetingDocument.id))


@functools.cache
def _candidates_without_positions():
    """The candidates for the many who hold no position: their audience clause is the same for all of them."""
    return _CANDIDATES.where(audience_clause(ANONYMOUS))


def _candidates(access: Access):
    if not access.grants and not access.is_admin:
        return _candidates_without_positions()
    return _CANDIDATES.where(audience_clause(access))


def load_details(meeting: Meeting, *, documents: bool = True) -> Meeting:
    """Fill the meeting's agenda (and documents) with one prebuilt query each, unless already loaded — cheaper
    than selectinload, whose loader machinery cost ~0.5 ms a relationship on a page showing one meeting
    (benchmarks/load.py's home and meeting pages)."""
    state = inspect(meeting)
    wanted = [("agenda", _AGENDA)] + ([("documents", _DOCUMENTS)] if documents else [])
    for name, query in wanted:
        if name in state.unloaded:
            set_committed_value(meeting, name, db.session.scalars(query, {"meeting_id": meeting.id}).all())
    return meeting


def next_meeting(member: Member | Placement | None, now: datetime | None = None, *,
                 access: Access) -> Meeting | None:
    """The member's next meeting that has not ended and that `access` may see (a chi ủy meeting only for its
    audience), with its agenda (two queries)."""
    if member is None:
        return None
    now = now or utcnow()
    candidates = db.session.scalars(_candidates(access), {"orgs": member_orgs(member),
                                                          "since": now - timedelta(hours=24)}).all()
    chosen = next((m for m in candidates if meeting_end(m) >= now), None)
    return load_details(chosen, documents=False) if chosen is not None else None


def meetings_for_orgs(org_ids: list[int], now: datetime | None = None, *,
                      access: Access) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past within ~3 months) for the given organisations, those `access` may see (a chi ủy meeting
    only for its audience), in one query."""
    now = now or utcnow()
    # no eager organisation: the list does not show it, and where a caller reads it, the member's cell and tổ
    # are usually in the session already (member_for_user), so `meeting.organisation` is found without a query
    rows = db.session.scalars(
        select(Meeting)
        .where(Meeting.organisation_id.in_(org_ids), Meeting.starts_at >= now - timedelta(days=RECENT_DAYS),
               audience_clause(access))
        .order_by(Meeting.starts_at).limit(200)
    ).all()
    upcoming = [m for m in rows if meeting_end(m) >= now]
    past = [m for m in reversed(rows) if meeting_end(m) < now]
    return upcoming, past


# the member's attendance on every meeting card (built once, read as plain rows: benchmarks/load.py)
_ATTENDANCE = select(Attendance.meeting_id, Attendance.status, Attendance.reason, Attendance.source).where(
    Attendance.member_id == bindparam("member_id"), Attendance.meeting_id.in_(bindparam("ids", expanding=True)))


def attendance_of(member: Member | Placement, meeting_ids: list[int]) -> dict[int, Row]:
    """The member's attendance at these meetings, by meeting: rows with `status`, `reason`, `source` (what the pages and
    the API show), read as plain rows — not for changing them (`attendance` does that)."""
    if not meeting_ids:
        return {}
    return {row.meeting_id: row for row in column_rows(_ATTENDANCE, {"member_id": member.id, "ids": meeting_ids})}


@dataclass
class CellMonth:
    cell: Organisation
    meeting_id: int | None
    starts_at: datetime | None
    status: str  # "missing" | "scheduled" | "held" | "held_incomplete"


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return local_datetime(first, time(0)), local_datetime(following, time(0))


SORTS = ("path", "name", "status", "date")


def _flag(condition):
    """1/0 for a condition, so it can be aggregated with MAX on SQLite and PostgreSQL alike."""
    return case((condition, 1), else_=0)


def committee_month(access: Access, year: int, month: int, *, page: int = 1, per_page: int = 100,
                    only: str | None = None, sort: str = "path") -> tuple[list[CellMonth], int]:
    """Every cell in scope with this month's regular meeting: missing / scheduled / held (with records)."""
    start, end = month_bounds(year, month)
    has_minutes = exists().where(MinutesRevision.meeting_id == Meeting.id)
    has_attendance = exists().where(Attendance.meeting_id == Meeting.id)
    regular = (
        select(Meeting.organisation_id.label("org_id"), func.min(Meeting.id).label("meeting_id"),
               func.min(Meeting.starts_at).label("starts_at"),
               func.max(_flag(Meeting.status == MeetingStatus.HELD)).label("held"),
               func.max(_flag(has_minutes)).label("minutes"), func.max(_flag(has_attendance)).label("attendance"))
        .where(Meeting.kind == MeetingKind.THUONG_KY, Meeting.status != MeetingStatus.CANCELLED,
               Meeting.starts_at >= start, Meeting.starts_at < end)
        .group_by(Meeting.organisation_id).subquery()
    )
    query = (select(Organisation, regular).outerjoin(regular, regular.c.org_id == Organisation.id)
             .where(Organisation.kind.in_(CELL_KINDS), managed_orgs_clause(access)))
    if only == "missing":
        query = query.where(regular.c.meeting_id.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    order = {
        "path": (Organisation.path,),
        "name": (Organisation.name, Organisation.id),
        # missing first, then scheduled, then held
        "status": (regular.c.meeting_id.is_not(None), regular.c.held, regular.c.minutes, Organisation.path),
        "date": (regular.c.starts_at.is_(None), regular.c.starts_at, Organisation.path),
    }[sort if sort in SORTS else "path"]
    rows = db.session.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    result = []
    for row in rows:
        org = row[0]
        if row.meeting_id is None:
            status = "missing"
        elif row.held or row.minutes or row.attendance:
            status = "held" if (row.minutes and row.attendance) else "held_incomplete"
        else:
            status = "scheduled"
        result.append(CellMonth(org, row.meeting_id, row.starts_at, status))
    return result, total


def missing_records(now: datetime | None = None, after: timedelta = timedelta(days=2)) -> list[Meeting]:
    """Meetings that ended more than `after` ago (within the last month) still without minutes or attendance —
    what the reminder rule for leaders asks about."""
    now = now or utcnow()
    has_minutes = exists().where(MinutesRevision.meeting_id == Meeting.id)
    has_attendance = exists().where(Attendance.meeting_id == Meeting.id)
    candidates = db.session.scalars(select(Meeting).where(
        Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at < now - after,
        Meeting.starts_at >= now - after - timedelta(days=31), ~(has_minutes & has_attendance),
    ).order_by(Meeting.starts_at))
    return [m for m in candidates if meeting_end(m) <= now - after]


def this_month(now: datetime | None = None) -> tuple[int, int]:
    local = local_now(now)
    return local.year, local.month
