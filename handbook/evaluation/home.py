"""The home page's evaluation card: in the review season (from the day rounds open by themselves to the end of
the year) a member who is rated is reminded to write their self-assessment, with a link to their evaluation page,
which shows each round's real state. Decided from the caller's Access and the date alone: the home page keeps its
bounded number of queries."""
from __future__ import annotations

from handbook.caller import current_access
from handbook.core.timeutil import local_today
from handbook.evaluation import rounds, rules


def home_card() -> dict | None:
    """{"year": …} during the review season for a member in a cell who is rated; None otherwise."""
    access = current_access()
    if access.member is None or rules.not_rated(access.member_status):
        return None
    today = local_today()
    year = rounds.review_year(today)
    if today.year != year:
        return None
    return {"year": year}
