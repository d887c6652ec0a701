"""Who the app actually reaches, per cell of an organisation's subtree and added up to the organisations directly
below it: the members expected to meet, how many have an account, activated it, signed in lately, get reminders,
have the app installed, and read a meeting's documents before the meeting.

What each figure counts (members: `meetings.attendance.EXPECTED` statuses — chính thức and dự bị — in their
current cell):

- an account: the record is linked to one (`Member.user_id`);
- activated: the account has a password (`User.password_hash`): accounts made for a member have none until the
  member sets one with an activation code (`members.activation`) or the e-mail link, so this is "can sign in";
- signed in within 30 / 90 days: the later of the account's last login (`User.last_login_at`) and the last time
  one of its browser sessions was used (`UserSession.last_seen_at`, kept to the minute by `auth.sessions`): a
  member who stays signed in on their phone for months is reached although they never log in again;
- reminders on: the account has at least one push subscription (notify drops a device as soon as its push
  service says it is gone; one that fails now and then stays, and still counts);
- installed: the app reported itself running installed within 90 days (`User.app_seen_at`);
- read before the meeting: over the cells' regular, thematic and extraordinary meetings held in the last 3 months
  that had documents, the share of (meeting, member expected now in that cell) pairs whose member first opened a
  document of it (`DocumentRead.first_read_at`) before it started. Members are those of the cell today, not on
  the meeting's day: someone who joined since counts as not having read.

The reach score of a cell is its share of members signed in within 90 days: an account nobody uses reaches nobody,
and 90 days spans three monthly meetings.

Every count is made by the database, in four statements whatever the size of the subtree: the organisations
directly below, the live cells, one GROUP BY per cell over the members (each joined to its account, the account's
sessions seen in the last 90 days and its push devices), one GROUP BY per cell over the held meetings with
documents and the reads of their expected members.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, exists, func, or_, select

from handbook.auth.models import User, UserSession
from handbook.core.timeutil import local_today, local_zone, utcnow
from handbook.extensions import db
from handbook.meetings.attendance import EXPECTED
from handbook.meetings.models import DocumentRead, Meeting, MeetingDocument, MeetingKind, MeetingStatus
from handbook.members.models import Member
from handbook.notify.models import PushSubscription
from handbook.org.access import in_subtree
from handbook.org.models import CELL_KINDS, Organisation
from handbook.org.scope import Below

RECENT_DAYS = 30
ACTIVE_DAYS = 90
INSTALLED_DAYS = 90
READ_MONTHS = 3

#: the figures of a line, in the funnel's order (each a count of members)
STEPS = ("members", "account", "activated", "signed_90", "signed_30", "reminders", "installed")


@dataclass
class Line:
    """An organisation's (or a cell's) figures."""

    org_id: int
    name: str
    path: str = ""
    under: str = ""  #: for a cell: the organisation directly below the report's one it sits under
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STEPS, 0))
    meetings: int = 0  #: held meetings with documents in the period
    expected_reads: int = 0  #: (meeting, expected member) pairs of those meetings
    read_before: int = 0  #: of which the member opened a document before the meeting started

    @property
    def id(self) -> int:
        """The organisation's id, so that access rules taking an organisation (its `id` and `path`) take a line."""
        return self.org_id

    def share(self, step: str) -> float | None:
        """`step` as a % of the members (one decimal); None without members."""
        members = self.counts["members"]
        return round(self.counts[step] * 100 / members, 1) if members else None

    @property
    def read_share(self) -> float | None:
        return round(self.read_before * 100 / self.expected_reads, 1) if self.expected_reads else None

    @property
    def score(self) -> float | None:
        """The reach score: the share of members signed in within 90 days."""
        return self.share("signed_90")

    @property
    def without_activation(self) -> int:
        return self.counts["members"] - self.counts["activated"]

    def add(self, other: Line) -> None:
        for step in STEPS:
            self.counts[step] += other.counts[step]
        self.meetings += other.meetings
        self.expected_reads += other.expected_reads
        self.read_before += other.read_before


@dataclass
class Report:
    org: Organisation
    today: date
    total: Line
    children: list[Line]
    cells: list[Line]  #: every live cell of the subtree, the lowest reach first (cells without members last)
    read_since: date

    @property
    def lines(self) -> list[Line]:
        return [*self.children, self.total]


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _local_midnight(day: date) -> datetime:
    """The instant Hà Nội's `day` begins, in UTC (as the database keeps times: SQLite compares them as text)."""
    return datetime(day.year, day.month, day.day, tzinfo=local_zone()).astimezone(UTC)


def reach_report(org: Organisation, *, now: datetime | None = None) -> Report:
    """The reach of `org`'s subtree as of `now`: per live cell, and added up to the organisations directly below."""
    now = now or utcnow()
    today = local_today(now)
    recent, active = now - timedelta(days=RECENT_DAYS), now - timedelta(days=ACTIVE_DAYS)
    installed_since = now - timedelta(days=INSTALLED_DAYS)
    read_since = today - relativedelta(months=READ_MONTHS)

    below = Below(org)
    total = Line(org.id, org.name, org.path)
    lines = {child_id: Line(child_id, name) for child_id, name in below.children}

    def child_of(path: str) -> Line | None:
        return lines.get(below.child_id(path))

    # 1. the live cells of the subtree (organisations' path index)
    cells: dict[int, Line] = {}
    for cell_id, name, path in db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.path)
            .where(in_subtree(Organisation.path, org.path), Organisation.kind.in_(CELL_KINDS),
                   Organisation.dissolved_on.is_(None))):
        child = child_of(path)
        cells[cell_id] = Line(cell_id, name, path, child.name if child is not None else org.name)

    # 2. members per cell (members' cell_id index per cell of the subtree; accounts by primary key; sessions seen in
    #    the last 90 days grouped by account; push devices by their user_id index)
    seen = (select(UserSession.user_id, func.max(UserSession.last_seen_at).label("last_seen"))
            .where(UserSession.last_seen_at >= active).group_by(UserSession.user_id).subquery("seen"))
    reminded = exists().where(PushSubscription.user_id == User.id)
    live_cells = select(Organisation.id).where(in_subtree(Organisation.path, org.path),
                                               Organisation.kind.in_(CELL_KINDS), Organisation.dissolved_on.is_(None))

    def signed_since(instant: datetime):
        return or_(User.last_login_at >= instant, seen.c.last_seen >= instant)

    figures = (func.count(Member.id), _count(Member.user_id.is_not(None)), _count(User.password_hash.is_not(None)),
               _count(signed_since(active)), _count(signed_since(recent)),
               _count(and_(User.id.is_not(None), reminded)), _count(User.app_seen_at >= installed_since))
    for cell_id, *counts in db.session.execute(
            select(Member.cell_id, *figures)
            .outerjoin(User, User.id == Member.user_id)
            .outerjoin(seen, seen.c.user_id == Member.user_id)
            .where(Member.cell_id.in_(live_cells), Member.status.in_(EXPECTED))
            .group_by(Member.cell_id)):
        cells[cell_id].counts = dict(zip(STEPS, (int(c) for c in counts), strict=True))

    # 3. held meetings with documents since `read_since`, per cell, and the reads of their expected members before
    #    they started. The meetings are found first (the subtree's cells by path, their meetings through
    #    ix_meetings_org_start, a document through its meeting_id index) and grouped so the database keeps them
    #    apart; then each meeting's reads (the reads' unique (meeting_id, member_id)) and the reader's record by
    #    primary key: a row per read, not per (meeting, member) pair. The pairs expected are the meetings times
    #    the cell's members counted above.
    held = (select(Meeting.id, Meeting.organisation_id, Meeting.starts_at)
            .join(Organisation, Organisation.id == Meeting.organisation_id)
            .where(in_subtree(Organisation.path, org.path), Organisation.kind.in_(CELL_KINDS),
                   Organisation.dissolved_on.is_(None),
                   Meeting.status == MeetingStatus.HELD, Meeting.kind != MeetingKind.CHI_UY,
                   Meeting.starts_at >= _local_midnight(read_since), Meeting.starts_at < now,
                   exists().where(MeetingDocument.meeting_id == Meeting.id))
            .group_by(Meeting.id, Meeting.organisation_id, Meeting.starts_at).subquery("held"))
    read = DocumentRead
    for cell_id, meetings, before in db.session.execute(
            select(held.c.organisation_id, func.count(func.distinct(held.c.id)), func.count(Member.id))
            .select_from(held)
            .outerjoin(read, and_(read.meeting_id == held.c.id, read.first_read_at < held.c.starts_at))
            .outerjoin(Member, and_(Member.id == read.member_id, Member.cell_id == held.c.organisation_id,
                                    Member.status.in_(EXPECTED)))
            .group_by(held.c.organisation_id)):
        line = cells.get(cell_id)
        if line is not None:
            line.meetings, line.read_before = int(meetings), int(before)
            line.expected_reads = line.meetings * line.counts["members"]

    for line in cells.values():
        total.add(line)
        child = child_of(line.path)
        if child is not None:
            child.add(line)
    ordered = sorted(cells.values(), key=lambda c: (c.score is None, c.score or 0, c.name, c.org_id))
    return Report(org=org, today=today, total=total, children=list(lines.values()), cells=ordered,
                  read_since=read_since)
