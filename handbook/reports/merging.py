"""How merging two member records of one person carries the periodic reviews' lists."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from handbook.extensions import db
from handbook.reports.models import PeriodicReviewMember


def carry_reviewed(keep_id: int, drop_id: int) -> None:
    """A list that named both records names the person once (the kept record); elsewhere the dropped record's
    place on a list becomes the kept one's."""
    both = select(PeriodicReviewMember.review_id).where(PeriodicReviewMember.member_id == keep_id)
    db.session.execute(delete(PeriodicReviewMember).where(PeriodicReviewMember.member_id == drop_id,
                                                          PeriodicReviewMember.review_id.in_(both)))
    db.session.execute(update(PeriodicReviewMember).where(PeriodicReviewMember.member_id == drop_id)
                       .values(member_id=keep_id))


def connect() -> None:
    from handbook.members.duplicates import carry_reference

    carry_reference("report_review_members", "member_id", carry_reviewed)
