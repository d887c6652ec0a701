"""The evaluation's figures: an organisation's own (counts per level, not rated, not yet rated, the share of
"xuất sắc" and the warning when it passes its cap) and a committee's over the organisations below it. Figures
count each member once, by the rating of their cell (posts elsewhere are reviewed there and listed there)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from handbook.evaluation import people, rules
from handbook.evaluation.models import AssessmentStatus, Level, Rating, SelfAssessment
from handbook.extensions import db
from handbook.members.models import ACTIVE_STATUSES, Member
from handbook.org.access import in_subtree
from handbook.org.models import CELL_KINDS, Organisation


@dataclass
class Figures:
    """One line of figures: an organisation (or a total)."""

    name: str
    org_id: int | None = None
    members: int = 0  #: in the organisation's cells (dự bị, chính thức, miễn, tạm miễn)
    exempt: int = 0  #: not rated: miễn or tạm miễn công tác và sinh hoạt đảng
    submitted: int = 0  #: self-assessments submitted
    levels: Counter = field(default_factory=Counter)  #: Level → how many rated at it

    @property
    def to_rate(self) -> int:
        return self.members - self.exempt

    @property
    def rated(self) -> int:
        return sum(self.levels.values())

    @property
    def not_yet(self) -> int:
        return max(self.to_rate - self.rated, 0)

    def share(self, level: Level) -> float | None:
        return None if not self.rated else 100 * self.levels[level] / self.rated

    @property
    def over_cap(self) -> bool:
        return rules.excellent_over_cap(self.levels[Level.XUAT_SAC], self.levels[Level.TOT])

    def add(self, other: Figures) -> None:
        self.members += other.members
        self.exempt += other.exempt
        self.submitted += other.submitted
        self.levels.update(other.levels)


@dataclass
class Line:
    """A member on an organisation's page."""

    member: Member
    assessment: SelfAssessment | None
    rating: Rating | None
    exempt: bool


def org_lines(org: Organisation, year: int) -> list[Line]:
    """Everyone reviewed at `org` with their self-assessment and rating of `year` (three queries)."""
    members = people.reviewed_at(org)
    ids = [m.id for m in members]
    assessments = {a.member_id: a for a in db.session.scalars(select(SelfAssessment).where(
        SelfAssessment.organisation_id == org.id, SelfAssessment.year == year, SelfAssessment.member_id.in_(ids)))}
    ratings = {r.member_id: r for r in db.session.scalars(select(Rating).where(
        Rating.organisation_id == org.id, Rating.year == year, Rating.member_id.in_(ids)))}
    return [Line(m, assessments.get(m.id), ratings.get(m.id), rules.not_rated(m.status)) for m in members]


def org_figures(org: Organisation, lines: list[Line]) -> Figures:
    figures = Figures(org.name, org.id, members=len(lines))
    for line in lines:
        if line.exempt:
            figures.exempt += 1
            continue
        if line.assessment is not None and line.assessment.status is AssessmentStatus.SUBMITTED:
            figures.submitted += 1
        if line.rating is not None:
            figures.levels[line.rating.level] += 1
    return figures


@dataclass
class CommitteeSummary:
    org: Organisation
    year: int
    total: Figures
    lines: list[Figures]  #: one per organisation directly below (or the organisation itself when it is a cell)


def committee(org: Organisation, year: int) -> CommitteeSummary:
    """Figures over `org`'s subtree, per organisation directly below it (four grouped queries)."""
    children = list(db.session.scalars(select(Organisation).where(Organisation.parent_id == org.id)
                                       .order_by(Organisation.name)))
    groups = children if children and not org.is_cell else [org]
    lines = {g.path: Figures(g.name, g.id) for g in groups}

    def line_of(path: str) -> Figures | None:
        for prefix, figures in lines.items():
            if path.startswith(prefix):
                return figures
        return None

    cell = Organisation
    base = in_subtree(cell.path, org.path)
    for path, status, count in db.session.execute(
            select(cell.path, Member.status, func.count(Member.id)).join(Member, Member.cell_id == cell.id)
            .where(base, cell.kind.in_(CELL_KINDS), Member.status.in_(ACTIVE_STATUSES))
            .group_by(cell.path, Member.status)):
        figures = line_of(path)
        if figures is not None:
            figures.members += count
            if rules.not_rated(status):
                figures.exempt += count
    for path, level, count in db.session.execute(
            select(cell.path, Rating.level, func.count(Rating.id)).join(Rating, Rating.organisation_id == cell.id)
            .join(Member, Member.id == Rating.member_id)
            .where(base, cell.kind.in_(CELL_KINDS), Rating.year == year, Member.cell_id == cell.id,
                   Member.status.in_(ACTIVE_STATUSES))
            .group_by(cell.path, Rating.level)):
        figures = line_of(path)
        if figures is not None:
            figures.levels[level] += count
    for path, count in db.session.execute(
            select(cell.path, func.count(SelfAssessment.id))
            .join(SelfAssessment, SelfAssessment.organisation_id == cell.id)
            .where(base, cell.kind.in_(CELL_KINDS), SelfAssessment.year == year,
                   SelfAssessment.status == AssessmentStatus.SUBMITTED)
            .group_by(cell.path)):
        figures = line_of(path)
        if figures is not None:
            figures.submitted += count
    total = Figures(org.name, org.id)
    for figures in lines.values():
        total.add(figures)
    return CommitteeSummary(org, year, total, list(lines.values()))
