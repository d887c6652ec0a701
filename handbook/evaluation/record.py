"""The year's record shown beside a self-assessment: meetings attended of those expected (from the meetings
feature), the tasks assigned (the app records none yet: None) and the dues paid (a slot the dues feature fills:
`DUES_SOURCE`, None until then — the pages show "—")."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handbook.meetings.year_record import attendance_in_year
from handbook.members.models import Member

#: the dues feature plugs a function here: (member ids, year) → member id → (months paid, months expected)
DUES_SOURCE: Callable[[list[int], int], dict[int, tuple[int, int]]] | None = None


@dataclass(frozen=True)
class YearRecord:
    year: int
    meetings_attended: int
    meetings_expected: int
    tasks: tuple[int, int] | None  #: (done, assigned) — the app does not record tasks yet
    dues: tuple[int, int] | None  #: (months paid, months expected) — None until the dues feature is wired

    @property
    def attendance_share(self) -> float | None:
        return None if not self.meetings_expected else 100 * self.meetings_attended / self.meetings_expected


def year_records(members: list[Member], year: int) -> dict[int, YearRecord]:
    """Each member's record of `year` (one query for the meetings, one for the dues once wired)."""
    ids = [m.id for m in members]
    meetings = attendance_in_year(ids, year)
    dues = DUES_SOURCE(ids, year) if DUES_SOURCE is not None else {}
    return {mid: YearRecord(year, *meetings.get(mid, (0, 0)), tasks=None, dues=dues.get(mid)) for mid in ids}


def year_record(member: Member, year: int) -> YearRecord:
    return year_records([member], year)[member.id]
