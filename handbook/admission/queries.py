"""Reading candidates: a cell's list, those in the caller's scope (the API), one file guarded by scope."""
from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from handbook.admission.models import OPEN_STATUSES, Candidate
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus
from handbook.org.access import Access, can_view_candidate, candidates_clause, in_subtree
from handbook.org.models import Organisation


def _with_steps(query):
    return query.options(selectinload(Candidate.steps), selectinload(Candidate.introducers))


def cell_candidates(cell_id: int) -> list[Candidate]:
    """A cell's candidates: the open files first (on the list, then in probation), then the closed ones; by name."""
    is_open = case((Candidate.status.in_(OPEN_STATUSES), 0), else_=1)
    query = select(Candidate).where(Candidate.cell_id == cell_id).order_by(is_open, Candidate.status,
                                                                         Candidate.full_name, Candidate.id)
    return list(db.session.scalars(_with_steps(query)))


def visible_candidates(access: Access, page: int, per_page: int, organisation_id: int | None = None
                       ) -> tuple[list[Candidate], int]:
    """One page of the candidates the caller may view (optionally those under one organisation), and the total."""
    query = (select(Candidate).join(Organisation, Organisation.id == Candidate.cell_id)
             .where(candidates_clause(access, Organisation.path, Candidate.sponsor_id)))
    if organisation_id is not None:
        org = db.session.get(Organisation, organisation_id)
        if org is None:
            return [], 0
        query = query.where(in_subtree(Organisation.path, org.path))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(_with_steps(query.order_by(Candidate.id)).limit(per_page).offset((page - 1) * per_page))
    return list(rows), total or 0


def candidate_in_scope(candidate_id: int, access: Access) -> Candidate | None:
    """The candidate when the caller may view the file (its cell's managers, the sponsor), else None."""
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or not can_view_candidate(access, candidate.cell, candidate.sponsor_id):
        return None
    return candidate


def official_members(cell_id: int) -> list[Member]:
    """The cell's official members (chính thức), by name: who may introduce its candidates."""
    query = (select(Member).where(Member.cell_id == cell_id, Member.status == MemberStatus.CHINH_THUC)
             .order_by(Member.full_name, Member.id))
    return list(db.session.scalars(query))
