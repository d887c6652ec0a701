"""The year's record shown beside a self-assessment: meetings attended of those expected (from the meetings
feature), the tasks assigned (the app records none yet: None) and the months of dues paid of those due (from the
dues feature)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handbook.core.timeutil import local_today
from handbook.dues.sheet import paid_of_due
from handbook.meetings.year_record import attendance_in_year
from handbook.members.models import Member


@dataclass(frozen=True)
class YearRecord:
    year: int
    meetings_attended: int
    meetings_expected: int
    tasks: tuple[int, int] | None  #: (done, assigned) — the app does not record tasks yet
    dues: tuple[int, int] | None  #: (months paid, months due) of the months over; None: no month was due

    @property
    def attendance_share(self) -> float | None:
        return None if not self.meetings_expected else 100 * self.meetings_attended / self.meetings_expected


def year_records(members: list[Member], year: int, today: date | None = None) -> dict[int, YearRecord]:
    """Each member's record of `year` (one query for the meetings, a few for the dues)."""
    ids = [m.id for m in members]
    meetings = attendance_in_year(ids, year)
    dues = {mid: pair for mid, pair in paid_of_due(members, year, today=today or local_today()).items() if pair[1]}
    return {mid: YearRecord(year, *meetings.get(mid, (0, 0)), tasks=None, dues=dues.get(mid)) for mid in ids}


def year_record(member: Member, year: int) -> YearRecord:
    return year_records([member], year)[member.id]
