"""A member's evaluations, every year and every post: the rating each organisation recorded and whether the
self-assessment was submitted — on the member's own page, their record (for the leaders) and the API."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from handbook.evaluation.models import FormKind, Rating, SelfAssessment
from handbook.extensions import db
from handbook.org.models import Organisation


@dataclass(frozen=True)
class Entry:
    year: int
    organisation: Organisation
    rating: Rating | None
    assessment: SelfAssessment | None

    @property
    def form(self) -> FormKind | None:
        return self.assessment.form if self.assessment is not None else None


def history(member_id: int) -> list[Entry]:
    """Newest year first; within a year, the cell before other posts (by depth, deepest first)."""
    ratings = {(r.year, r.organisation_id): r for r in db.session.scalars(
        select(Rating).options(joinedload(Rating.organisation)).where(Rating.member_id == member_id))}
    assessments = {(a.year, a.organisation_id): a for a in db.session.scalars(
        select(SelfAssessment).options(joinedload(SelfAssessment.organisation))
        .where(SelfAssessment.member_id == member_id))}
    entries = []
    for key in set(ratings) | set(assessments):
        rating, assessment = ratings.get(key), assessments.get(key)
        org = rating.organisation if rating is not None else assessment.organisation
        entries.append(Entry(key[0], org, rating, assessment))
    return sorted(entries, key=lambda e: (-e.year, -e.organisation.depth, e.organisation.name))


def by_year(entries: list[Entry]) -> list[tuple[int, list[Entry]]]:
    """The entries grouped by year (a member's results per post shown together)."""
    grouped: dict[int, list[Entry]] = {}
    for entry in entries:
        grouped.setdefault(entry.year, []).append(entry)
    return list(grouped.items())
