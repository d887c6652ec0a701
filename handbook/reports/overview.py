"""The reports' home: "how are the organisations under us doing this month?" in a few figures, each leading to
its report — the members counted today and a year ago, this month's and last month's regular meetings, the
quarter's thematic meetings, the two periodic review lists, and how far the app reaches the members."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from handbook.core.timeutil import local_today, utcnow
from handbook.meetings import quality
from handbook.members.counts import counts_on
from handbook.org.models import Organisation
from handbook.reports import reviews
from handbook.reports.compliance import Report as Compliance
from handbook.reports.compliance import compliance_report
from handbook.reports.models import ReviewKind
from handbook.reports.periods import Month
from handbook.reports.reach import Line as ReachLine
from handbook.reports.reach import reach_report

#: the cells with the lowest reach shown on the home page
LOWEST = 3


@dataclass
class Overview:
    org: Organisation
    today: date
    members: int  #: counted today (members.counts)
    members_year_ago: int  #: counted on the same day a year ago
    compliance: Compliance  #: this month's (its trend holds the months before)
    retired_at_workplace: int
    no_attendance: int
    reach: ReachLine  #: the subtree's reach figures
    lowest_reach: list[ReachLine]

    @property
    def last_month(self) -> tuple[Month, int, int, float | None] | None:
        """(month, cells that held it with minutes and attendance, live cells, their share) of the month before."""
        earlier = [row for row in self.compliance.trend if row[0] != self.compliance.month]
        if not earlier:
            return None
        month, held, cells = earlier[-1]
        return month, held, cells, quality.percent(held, cells)

    @property
    def change(self) -> int:
        return self.members - self.members_year_ago


def overview(org: Organisation, *, now: datetime | None = None) -> Overview:
    """The home page's figures for `org`'s subtree, as of `now` (each from the service of its report)."""
    now = now or utcnow()
    today = local_today(now)
    year_ago = today - relativedelta(years=1)
    members = counts_on([org.id], today).get(org.id, 0)
    before = counts_on([org.id], year_ago).get(org.id, 0)
    reach = reach_report(org, now=now)
    lowest = [line for line in reach.cells if line.counts["members"]][:LOWEST]
    return Overview(
        org=org, today=today, members=members, members_year_ago=before,
        compliance=compliance_report(org, Month.of(today), now=now),
        retired_at_workplace=reviews.list_size(org, ReviewKind.RETIRED_AT_WORKPLACE, today=today, now=now),
        no_attendance=reviews.list_size(org, ReviewKind.NO_ATTENDANCE, today=today, now=now),
        reach=reach.total, lowest_reach=lowest)
