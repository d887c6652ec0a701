"""Meeting compliance of a month over an organisation's subtree: did each live cell hold its regular meeting with
minutes and attendance, did it hold a thematic meeting in the month's quarter, and how good were the month's
meetings (`meetings.quality`) — per organisation directly below, with the last months' trend.

Which cells count for a month (live cells): those not dissolved by its last day (`dissolved_on` empty or after it;
a cell dissolved during the month is left out). When a cell came into being is not read: `Organisation.created_at`
is the day its record was written and a CREATE change's day is the day it was entered, both the day a long-standing
cell was typed or imported into the app as often as a founding day (as `org.history.known_on` assumes, a cell
existed before its record). A cell founded in the period therefore shows as "missing" for the months before it.

Every figure is counted by the database: one statement with a row per live cell (its regular meeting's flags
from a LEFT JOIN on `ix_meetings_org_start` grouped by cell, the quarter's thematic meeting as a correlated EXISTS
on the same index), one grouped per cell over the month's held meetings for the quality, two for the trend (live
cells per dissolution day; cells with a complete regular meeting per month). The rows are added up in Python to
the organisations directly below `org` by their path — no statement per cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings import quality
from handbook.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus, MinutesRevision
from handbook.meetings.scheduling import local_datetime
from handbook.org.access import in_subtree
from handbook.org.models import CELL_KINDS, Organisation
from handbook.org.scope import Below
from handbook.reports.periods import Month

TREND_MONTHS = 6
#: a regular meeting's state in the month, worst first
STATUSES = ("missing", "scheduled", "held_incomplete", "held")


def bounds(first: date, following: date) -> tuple[datetime, datetime]:
    """Local days [first, following) as UTC instants."""
    return local_datetime(first, time(0)), local_datetime(following, time(0))


def quarter_of(month: Month) -> tuple[Month, Month]:
    """The quarter's first month and the month after its last."""
    first = Month(month.year, (month.quarter - 1) * 3 + 1)
    return first, first.shifted(3)


@dataclass
class Line:
    """One organisation's figures for the month."""

    org_id: int
    name: str
    cells: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    thematic: int = 0  #: cells with a thematic meeting held in the quarter
    meetings: int = 0  #: meetings held in the month (the quality's base)
    score_sum: int = 0
    met: dict[str, int] = field(default_factory=lambda: dict.fromkeys(quality.KEYS, 0))

    @property
    def held(self) -> int:
        return self.counts["held"]

    @property
    def share(self) -> float | None:
        """% of the live cells that held the regular meeting with minutes and attendance."""
        return quality.percent(self.held, self.cells)

    @property
    def thematic_share(self) -> float | None:
        return quality.percent(self.thematic, self.cells)

    @property
    def average_score(self) -> float | None:
        return round(self.score_sum / self.meetings, 1) if self.meetings else None

    def met_share(self, key: str) -> float | None:
        return quality.percent(self.met[key], self.meetings)

    def add_cell(self, status: str, thematic: bool) -> None:
        self.cells += 1
        self.counts[status] += 1
        self.thematic += int(thematic)

    def add_quality(self, meetings: int, score_sum: int, met: dict[str, int]) -> None:
        self.meetings += meetings
        self.score_sum += score_sum
        for key, value in met.items():
            self.met[key] += value


@dataclass(frozen=True)
class CellNote:
    """A cell listed for attention: its name, the organisation directly below `org` it is under, its regular
    meeting's status (or whether a thematic meeting is planned) and the meeting's start when there is one."""

    id: int
    name: str
    under: str
    status: str
    starts_at: datetime | None = None
    meeting_id: int | None = None


@dataclass
class Report:
    org: Organisation
    month: Month
    quarter: tuple[Month, Month]
    total: Line
    children: list[Line]
    not_held: list[CellNote]  #: cells that did not hold the regular meeting with minutes and attendance
    without_thematic: list[CellNote]
    trend: list[tuple[Month, int, int]]  #: (month, cells held with records, live cells), oldest first

    @property
    def lines(self) -> list[Line]:
        return [*self.children, self.total]

    @property
    def is_cell(self) -> bool:
        return self.org.kind in CELL_KINDS


def _flag(condition):
    return case((condition, 1), else_=0)


def live_in(following) -> object:
    """SQL on Organisation: live in the month ending before `following` (a date or a bound parameter)."""
    return or_(Organisation.dissolved_on.is_(None), Organisation.dissolved_on >= following)


def status_of(meeting_id, held, minutes, attendance) -> str:
    """The regular meeting's state, as `meetings.queries.committee_month` decides it."""
    if meeting_id is None:
        return "missing"
    if held or minutes or attendance:
        return "held" if (minutes and attendance) else "held_incomplete"
    return "scheduled"


def _cells_query(path: str):
    """A row per live cell of the subtree: the month's regular meeting (flags) and the quarter's thematic one."""
    m = aliased(Meeting, name="regular")
    has_minutes = exists().where(MinutesRevision.meeting_id == m.id)
    has_attendance = exists().where(Attendance.meeting_id == m.id)
    thematic = aliased(Meeting, name="thematic")
    thematic_held = exists().where(
        thematic.organisation_id == Organisation.id, thematic.starts_at >= bindparam("q_start"),
        thematic.starts_at < bindparam("q_end"),
        or_(thematic.kind == MeetingKind.CHUYEN_DE,
            and_(thematic.kind == MeetingKind.THUONG_KY, thematic.combined_thematic.is_(True))),
        or_(thematic.status == MeetingStatus.HELD,
            # records of a meeting that has started (an absence notice is filed before it: not a sign it was held)
            and_(thematic.status != MeetingStatus.CANCELLED, thematic.starts_at <= bindparam("now"),
                 or_(exists().where(Attendance.meeting_id == thematic.id),
                     exists().where(MinutesRevision.meeting_id == thematic.id)))))
    thematic_planned = exists().where(
        thematic.organisation_id == Organisation.id, thematic.starts_at >= bindparam("now"),
        thematic.starts_at < bindparam("q_end"), thematic.status == MeetingStatus.SCHEDULED,
        or_(thematic.kind == MeetingKind.CHUYEN_DE,
            and_(thematic.kind == MeetingKind.THUONG_KY, thematic.combined_thematic.is_(True))))
    return (
        select(Organisation.id, Organisation.name, Organisation.path,
               func.min(m.id).label("meeting_id"), func.min(m.starts_at).label("starts_at"),
               func.max(_flag(m.status == MeetingStatus.HELD)).label("held"),
               func.max(_flag(has_minutes)).label("minutes"), func.max(_flag(has_attendance)).label("attendance"),
               func.max(_flag(thematic_held)).label("thematic"),
               func.max(_flag(thematic_planned)).label("planned"))
        .outerjoin(m, and_(m.organisation_id == Organisation.id, m.kind == MeetingKind.THUONG_KY,
                           m.status != MeetingStatus.CANCELLED, m.starts_at >= bindparam("start"),
                           m.starts_at < bindparam("end")))
        .where(in_subtree(Organisation.path, path), Organisation.kind.in_(CELL_KINDS),
               live_in(bindparam("following")))
        .group_by(Organisation.id, Organisation.name, Organisation.path)
        .order_by(Organisation.path)
    )


def _quality_query(path: str):
    """The month's held meetings of the subtree's live cells (not chi ủy meetings), per cell: count, score, criteria
    (each criterion's EXISTS evaluated once per meeting, in the inner query)."""
    per_meeting = (
        select(Organisation.path.label("path"), *(flag.label(key) for key, flag in quality.flags().items()))
        .join(Meeting, Meeting.organisation_id == Organisation.id)
        .where(in_subtree(Organisation.path, path), Organisation.kind.in_(CELL_KINDS),
               Meeting.kind != MeetingKind.CHI_UY, Meeting.starts_at >= bindparam("start"),
               Meeting.starts_at < bindparam("end"), Meeting.starts_at <= bindparam("now"), quality.held_clause(),
               live_in(bindparam("following")))
        .subquery()
    )
    sums = [func.coalesce(func.sum(per_meeting.c[key]), 0).label(key) for key in quality.KEYS]
    return (select(per_meeting.c.path, func.count().label("meetings"), *sums)
            .group_by(per_meeting.c.path))


def _month_index(column, months: list[Month]):
    """SQL: the index in `months` (consecutive) of the local month a timestamp inside them falls in."""
    bounds_ = [bounds(m.first, m.following)[0] for m in months[1:]]
    return case(*((column < bound, i) for i, bound in enumerate(bounds_)), else_=len(months) - 1)


def _trend_queries(path: str, months: list[Month]):
    """(live cells per dissolution day, cells that held the regular meeting with minutes and attendance per month
    index): the second reads each regular meeting of the window once (`ix_meetings_org_start` per cell), its two
    EXISTS once."""
    first_start, _ = bounds(months[0].first, months[0].following)
    _, last_end = bounds(months[-1].first, months[-1].following)
    cells = (select(Organisation.dissolved_on, func.count())
             .where(in_subtree(Organisation.path, path), Organisation.kind.in_(CELL_KINDS),
                    live_in(months[0].following))
             .group_by(Organisation.dissolved_on))
    index = _month_index(Meeting.starts_at, months)
    following = case(*((index == i, m.following) for i, m in enumerate(months)))
    complete = and_(exists().where(MinutesRevision.meeting_id == Meeting.id),
                    exists().where(Attendance.meeting_id == Meeting.id))
    per_meeting = (
        select(Meeting.organisation_id.label("org_id"), index.label("k"))
        .join(Organisation, Organisation.id == Meeting.organisation_id)
        .where(in_subtree(Organisation.path, path), Organisation.kind.in_(CELL_KINDS),
               Meeting.kind == MeetingKind.THUONG_KY, Meeting.status != MeetingStatus.CANCELLED,
               Meeting.starts_at >= first_start, Meeting.starts_at < last_end, complete,
               or_(Organisation.dissolved_on.is_(None), Organisation.dissolved_on >= following))
        .subquery()
    )
    held = (select(per_meeting.c.k, func.count(func.distinct(per_meeting.c.org_id)))
            .group_by(per_meeting.c.k))
    return cells, held


def compliance_report(org: Organisation, month: Month, *, now: datetime | None = None) -> Report:
    """The month's compliance of `org`'s subtree, per organisation directly below it."""
    now = now or utcnow()
    start, end = bounds(month.first, month.following)
    q_first, q_following = quarter_of(month)
    q_start, q_end = bounds(q_first.first, q_following.first)
    params = {"start": start, "end": end, "following": month.following, "q_start": q_start,
              "q_end": q_end, "now": now}

    below = Below(org)
    total = Line(org.id, org.name)
    lines = {child_id: Line(child_id, name) for child_id, name in below.children}

    def child_of(path: str) -> Line | None:
        return lines.get(below.child_id(path))

    not_held, without_thematic = [], []
    for row in db.session.execute(_cells_query(org.path), params):
        status = status_of(row.meeting_id, row.held, row.minutes, row.attendance)
        child = child_of(row.path)
        for line in (total, child) if child is not None else (total,):
            line.add_cell(status, bool(row.thematic))
        under = child.name if child is not None else org.name
        if status != "held":
            not_held.append(CellNote(row.id, row.name, under, status, row.starts_at, row.meeting_id))
        if not row.thematic:
            without_thematic.append(CellNote(row.id, row.name, under, "planned" if row.planned else "none"))

    for row in db.session.execute(_quality_query(org.path), params):
        met = {key: int(getattr(row, key)) for key in quality.KEYS}
        child = child_of(row.path)
        for line in (total, child) if child is not None else (total,):
            line.add_quality(row.meetings, sum(met.values()), met)

    months = [month.shifted(-i) for i in range(TREND_MONTHS - 1, -1, -1)]
    cells_query, held_query = _trend_queries(org.path, months)
    dissolutions = db.session.execute(cells_query).all()
    held_by_index = {int(k): n for k, n in db.session.execute(held_query)}
    trend = []
    for i, m in enumerate(months):
        live = sum(n for dissolved, n in dissolutions if dissolved is None or _as_date(dissolved) >= m.following)
        trend.append((m, held_by_index.get(i, 0), live))

    order = {status: i for i, status in enumerate(STATUSES)}
    not_held.sort(key=lambda note: (order[note.status], note.under, note.name))
    return Report(org=org, month=month, quarter=(q_first, q_following.shifted(-1)), total=total,
                  children=list(lines.values()), not_held=not_held, without_thematic=without_thematic, trend=trend)


def _as_date(value) -> date:
    """A date column grouped on comes back as text from SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
