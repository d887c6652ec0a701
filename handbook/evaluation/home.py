"""The home page's evaluation card: while a round is open at one of the member's posts, what they still have to
do (write, finish or — once submitted — nothing), with a link."""
from __future__ import annotations

from handbook.caller import current_access
from handbook.core.timeutil import local_today
from handbook.evaluation import rounds, rules
from handbook.evaluation.models import AssessmentStatus


def home_card() -> list[dict]:
    """The open rounds of the caller's posts this review year (none for a member who left or is exempt)."""
    from handbook.evaluation.member_views import current_posts, own_member

    access = current_access()
    if access.member is None:
        return []
    member = own_member()
    if member is None or rules.not_rated(member.status):
        return []
    today, year = local_today(), rounds.review_year()
    return [{**post, "year": year, "days_left": (post["round"].deadline - today).days,
             "submitted": post["assessment"] is not None and post["assessment"].status is AssessmentStatus.SUBMITTED}
            for post in current_posts(member, year) if post["open"]]
