"""How merging two member records of one person carries their self-assessments and ratings: the dropped record's
rows become the kept one's, except where the kept record has its own for the same year and organisation."""
from __future__ import annotations

from sqlalchemy import and_, delete, exists, update

from handbook.evaluation.models import Rating, SelfAssessment
from handbook.extensions import db


def _carry(model):
    def carry(keep_id: int, drop_id: int) -> None:
        kept = model.__table__.alias("kept")
        same = exists().where(and_(kept.c.member_id == keep_id, kept.c.year == model.year,
                                   kept.c.organisation_id == model.organisation_id))
        db.session.execute(delete(model).where(model.member_id == drop_id, same))
        db.session.execute(update(model).where(model.member_id == drop_id).values(member_id=keep_id))
    return carry


def connect() -> None:
    from handbook.members.duplicates import carry_reference

    carry_reference("evaluation_self_assessments", "member_id", _carry(SelfAssessment))
    carry_reference("evaluation_ratings", "member_id", _carry(Rating))
