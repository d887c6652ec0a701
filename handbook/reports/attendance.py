"""Attendance over a period for an organisation's subtree: per cell the share of those expected who were present,
lowest first, added up to the organisations directly below; per member when the organisation is one cell; and the
members absent without reason in 3 months of a year (flags only — the cell considers them on its review page,
`meetings.review`).

Expected: the attendance rows of a meeting whose status is not exempt (MIEN), at the cell's meetings that took
place in the period (not cancelled, started; chi ủy meetings left out). Counted by the database: one GROUP BY per
cell and status over meetings (`ix_meetings_org_start`) and their attendance (its meeting_id index), one counting
each cell's meetings; the yearly flags in one statement that reads the year's unexcused absences first and whose
month is a CASE over the year's twelve local month bounds (portable, no time-zone functions).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, select

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from handbook.meetings.review import REVIEW_MONTHS
from handbook.meetings.scheduling import local_datetime
from handbook.members.models import ACTIVE_STATUSES, Member
from handbook.org.access import in_subtree
from handbook.org.models import CELL_KINDS, Organisation
from handbook.org.scope import Below


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def rate(present: int, expected: int) -> float | None:
    return round(present * 100 / expected, 1) if expected else None


@dataclass
class Line:
    """An organisation's (or a cell's, or a member's) counts: present, absent with / without reason, expected."""

    id: int
    name: str
    under: str = ""
    present: int = 0
    excused: int = 0
    unexcused: int = 0
    expected: int = 0
    meetings: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.present, self.expected)

    def add(self, other: Line) -> None:
        self.present += other.present
        self.excused += other.excused
        self.unexcused += other.unexcused
        self.expected += other.expected
        self.meetings += other.meetings


@dataclass(frozen=True)
class Flagged:
    """A member absent without reason from regular meetings in `months` (≥ 3) of `year`."""

    member_id: int
    name: str
    cell_id: int
    cell: str
    under: str
    months: list[int] = field(default_factory=list)
    cell_path: str = ""


@dataclass
class Report:
    org: Organisation
    start: date
    end: date
    year: int  #: the year of the flags (the period's last day's)
    total: Line
    children: list[Line]
    cells: list[Line]  #: cells with attendance recorded, lowest rate first
    members: list[Line]  #: when `org` is a cell: its members, lowest rate first
    flagged: list[Flagged]
    names_hidden: bool = False  #: the members' lists left out for a caller who may not see them

    @property
    def lines(self) -> list[Line]:
        return [*self.children, self.total]

    @property
    def is_cell(self) -> bool:
        return self.org.kind in CELL_KINDS


def _period_meetings(start: date, end: date, now: datetime):
    first, following = local_datetime(start, time(0)), local_datetime(end + timedelta(days=1), time(0))
    return and_(Meeting.starts_at >= first, Meeting.starts_at < following, Meeting.starts_at <= now,
                Meeting.status != MeetingStatus.CANCELLED, Meeting.kind != MeetingKind.CHI_UY)


def _figures():
    status = Attendance.status
    return (_count(status == AttendanceStatus.CO_MAT).label("present"),
            _count(status == AttendanceStatus.VANG_CO_LY_DO).label("excused"),
            _count(status == AttendanceStatus.VANG_KHONG_LY_DO).label("unexcused"),
            _count(status != AttendanceStatus.MIEN).label("expected"),
            func.count(func.distinct(Meeting.id)).label("meetings"))


def _add_status(line: Line, status: AttendanceStatus, n: int) -> None:
    if status is AttendanceStatus.CO_MAT:
        line.present += n
    elif status is AttendanceStatus.VANG_CO_LY_DO:
        line.excused += n
    elif status is AttendanceStatus.VANG_KHONG_LY_DO:
        line.unexcused += n
    if status is not AttendanceStatus.MIEN:
        line.expected += n


def _month_number(column, year: int):
    """SQL: the local month (1–12) of a timestamp known to fall in `year`."""
    bounds = [local_datetime(date(year, month, 1), time(0)) for month in range(2, 13)]
    return case(*((column < bound, month) for month, bound in enumerate(bounds, start=1)), else_=12)


def flagged_members(org: Organisation, year: int, under_of) -> list[Flagged]:
    """Members of the subtree's cells absent without reason from its cells' regular meetings in ≥ 3 months of `year`
    (local) — `meetings.review.unexcused_months`, over a subtree in one statement."""
    start, end = local_datetime(date(year, 1, 1), time(0)), local_datetime(date(year + 1, 1, 1), time(0))
    month = _month_number(Meeting.starts_at, year).label("month")
    # the subtree's cells' regular meetings of the year (`ix_meetings_org_start` per cell), their unexcused absences
    # (`ix_meeting_attendance_meeting_status`: only those rows), then the members now placed in the subtree
    absences = (
        select(Attendance.member_id, month)
        .select_from(Organisation)
        .join(Meeting, Meeting.organisation_id == Organisation.id)
        .join(Attendance, and_(Attendance.meeting_id == Meeting.id,
                               Attendance.status == AttendanceStatus.VANG_KHONG_LY_DO))
        .where(in_subtree(Organisation.path, org.path), Organisation.kind.in_(CELL_KINDS),
               Meeting.kind == MeetingKind.THUONG_KY, Meeting.starts_at >= start, Meeting.starts_at < end)
        .distinct().subquery()
    )
    per_month = [func.max(case((absences.c.month == m, 1), else_=0)).label(f"m{m}") for m in range(1, 13)]
    rows = db.session.execute(
        select(Member.id, Member.full_name, Organisation.id.label("cell_id"), Organisation.name, Organisation.path,
               *per_month)
        .join(absences, absences.c.member_id == Member.id)
        .join(Organisation, Organisation.id == Member.cell_id)
        .where(in_subtree(Organisation.path, org.path), Member.status.in_(ACTIVE_STATUSES))  # not those who left
        .group_by(Member.id, Member.full_name, Organisation.id, Organisation.name, Organisation.path)
        .having(func.count(absences.c.month) >= REVIEW_MONTHS)
        .order_by(Organisation.path, Member.full_name, Member.id))
    return [Flagged(row.id, row.full_name, row.cell_id, row.name, under_of(row.path),
                    [m for m in range(1, 13) if getattr(row, f"m{m}")], row.path) for row in rows]


def attendance_report(org: Organisation, start: date, end: date, *, now: datetime | None = None) -> Report:
    """Attendance of `org`'s subtree over [start, end] (local days)."""
    now = now or utcnow()
    in_period = _period_meetings(start, end, now)
    below = Below(org)
    total = Line(org.id, org.name)
    lines = {child_id: Line(child_id, name) for child_id, name in below.children}

    def child_of(path: str) -> Line | None:
        return lines.get(below.child_id(path))

    under_of = below.under

    # a row per cell and status (counts pivoted here: CASE sums over every attendance row cost more), the meetings
    # with attendance per cell in a second grouped statement
    per_cell: dict[int, Line] = {}
    paths: dict[int, str] = {}
    for cell_id, name, path, status, n in db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.path, Attendance.status, func.count())
            .join(Meeting, Meeting.organisation_id == Organisation.id)
            .join(Attendance, Attendance.meeting_id == Meeting.id)
            .where(in_subtree(Organisation.path, org.path), Organisation.kind.in_(CELL_KINDS), in_period)
            .group_by(Organisation.id, Organisation.name, Organisation.path, Attendance.status)):
        line = per_cell.get(cell_id)
        if line is None:
            line = per_cell[cell_id] = Line(cell_id, name, under_of(path))
            paths[cell_id] = path
        _add_status(line, AttendanceStatus(status), n)
    for cell_id, meetings in db.session.execute(
            select(Meeting.organisation_id, func.count())
            .join(Organisation, Organisation.id == Meeting.organisation_id)
            .where(in_subtree(Organisation.path, org.path), Organisation.kind.in_(CELL_KINDS), in_period,
                   exists().where(Attendance.meeting_id == Meeting.id))
            .group_by(Meeting.organisation_id)):
        if cell_id in per_cell:
            per_cell[cell_id].meetings = meetings
    cells = list(per_cell.values())
    for line in cells:
        total.add(line)
        child = child_of(paths[line.id])
        if child is not None:
            child.add(line)
    cells.sort(key=lambda line: (line.rate is None, line.rate or 0, line.under, line.name))

    members: list[Line] = []
    if org.kind in CELL_KINDS:
        for row in db.session.execute(
                select(Member.id, Member.full_name, *_figures())
                .join(Attendance, Attendance.member_id == Member.id)
                .join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(Meeting.organisation_id == org.id, in_period)
                .group_by(Member.id, Member.full_name)):
            members.append(Line(row.id, row.full_name, "", row.present, row.excused, row.unexcused, row.expected,
                                row.meetings))
        members.sort(key=lambda line: (line.rate is None, line.rate or 0, line.name))

    return Report(org=org, start=start, end=end, year=end.year, total=total, children=list(lines.values()),
                  cells=cells, members=members, flagged=flagged_members(org, end.year, under_of))
