"""The quality sheet of a meeting: five things the rules ask of every cell meeting, each met or not, and a score
"n/5". The criteria are data (`CRITERIA`) and SQL conditions on `Meeting` (`conditions()`), so one meeting's sheet
and a committee's roll-up over thousands of meetings read the same rule:

- documents available at least a day before the start: a document of the meeting created at or before
  `starts_at − 1 day` (a meeting without documents fails it);
- long enough: at least 90 minutes, 120 when a thematic topic is combined with the regular meeting;
- attendance recorded (any attendance row), minutes written (a revision), votes recorded (a vote).

A meeting's sheet is shown once it has started, never for a cancelled one (`shown`).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, exists, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float

from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.meetings.models import (
    Attendance,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    MinutesRevision,
    Vote,
)

MIN_MINUTES = 90
MIN_MINUTES_COMBINED = 120  # a regular meeting with a thematic topic
DOCUMENTS_AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: object  # lazy text


CRITERIA: tuple[Criterion, ...] = (
    Criterion("documents", _l("Tài liệu có trước giờ họp ít nhất 1 ngày")),
    Criterion("duration", _l("Đủ thời lượng (90 phút; 120 phút khi kết hợp chuyên đề)")),
    Criterion("attendance", _l("Có điểm danh")),
    Criterion("minutes", _l("Có biên bản")),
    Criterion("votes", _l("Có biểu quyết")),
)
KEYS = tuple(c.key for c in CRITERIA)
LABELS = {c.key: c.label for c in CRITERIA}


class seconds_between(FunctionElement):  # noqa: N801 - an SQL function's name
    """SQL: `later − earlier` in seconds (two timestamp columns), on SQLite and PostgreSQL alike."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_between_default(element, compiler, **kw):  # PostgreSQL and others with interval arithmetic
    later, earlier = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)}))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    # timestamps are stored as UTC text; julianday reads fractions of a second too
    return (f"((julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}))"
            f" * 86400.0)")


def conditions() -> dict[str, ColumnElement[bool]]:
    """Each criterion as an SQL condition on a `Meeting` row (correlated EXISTS on the indexed meeting_id)."""
    # a millisecond of slack: SQLite's julianday arithmetic is a float
    ahead = DOCUMENTS_AHEAD.total_seconds() - 0.001
    return {
        "documents": exists().where(MeetingDocument.meeting_id == Meeting.id,
                                    seconds_between(Meeting.starts_at, MeetingDocument.created_at) >= ahead),
        "duration": or_(Meeting.duration_minutes >= MIN_MINUTES_COMBINED,
                        (Meeting.duration_minutes >= MIN_MINUTES) & ~Meeting.combined_thematic.is_(True)),
        "attendance": exists().where(Attendance.meeting_id == Meeting.id),
        "minutes": exists().where(MinutesRevision.meeting_id == Meeting.id),
        "votes": exists().where(Vote.meeting_id == Meeting.id),
    }


def flags() -> dict[str, ColumnElement[int]]:
    """Each criterion as 1/0 (to SUM or MAX in a GROUP BY)."""
    return {key: case((condition, 1), else_=0) for key, condition in conditions().items()}


def score() -> ColumnElement[int]:
    """SQL: the score of a `Meeting` row, 0 to 5."""
    values = list(flags().values())
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


def held_clause() -> ColumnElement[bool]:
    """A meeting that took place: marked held, or not cancelled and with attendance or minutes recorded."""
    return or_(Meeting.status == MeetingStatus.HELD,
               (Meeting.status != MeetingStatus.CANCELLED)
               & (exists().where(Attendance.meeting_id == Meeting.id)
                  | exists().where(MinutesRevision.meeting_id == Meeting.id)))


@functools.cache
def _sheet_query():
    return select(*(flag.label(key) for key, flag in flags().items())).where(
        Meeting.id == bindparam("meeting_id"))


@dataclass(frozen=True)
class Sheet:
    met: dict[str, bool]

    @property
    def score(self) -> int:
        return sum(self.met.values())

    @property
    def out_of(self) -> int:
        return len(CRITERIA)

    @property
    def items(self) -> list[tuple[str, object, bool]]:
        """(key, label, met) in the criteria's order."""
        return [(c.key, c.label, self.met[c.key]) for c in CRITERIA]


def shown(meeting: Meeting, now: datetime | None = None) -> bool:
    """The sheet is shown once the meeting has started, and never for a cancelled meeting."""
    return meeting.status is not MeetingStatus.CANCELLED and as_utc(meeting.starts_at) <= (now or utcnow())


def sheet_of(meeting: Meeting) -> Sheet:
    """The meeting's quality sheet (one statement)."""
    row = db.session.execute(_sheet_query(), {"meeting_id": meeting.id}).one()
    return Sheet({key: bool(getattr(row, key)) for key in KEYS})


def percent(part: int, whole: int) -> float | None:
    """`part` as a % of `whole`, one decimal; None when `whole` is 0."""
    return round(part * 100 / whole, 1) if whole else None

