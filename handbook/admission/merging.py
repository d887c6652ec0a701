"""How merging two member records of one person carries the admission files' references to them."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from handbook.admission.models import Candidate, Introducer
from handbook.extensions import db


def carry_files(keep_id: int, drop_id: int) -> None:
    """The file that created the dropped record now belongs to the kept one — unless the kept record has its own
    file, which stays the one (the other keeps its history without a record). Sponsorships move as they are."""
    kept_has_file = db.session.scalar(select(Candidate.id).where(Candidate.member_id == keep_id)) is not None
    db.session.execute(update(Candidate).where(Candidate.member_id == drop_id)
                       .values(member_id=None if kept_has_file else keep_id))
    db.session.execute(update(Candidate).where(Candidate.sponsor_id == drop_id).values(sponsor_id=keep_id))


def carry_introductions(keep_id: int, drop_id: int) -> None:
    """The dropped record's introductions become the kept one's; where both introduced the same candidate, the kept
    record's letter stays."""
    both = select(Introducer.candidate_id).where(Introducer.member_id == keep_id)
    db.session.execute(delete(Introducer).where(Introducer.member_id == drop_id, Introducer.candidate_id.in_(both)))
    db.session.execute(update(Introducer).where(Introducer.member_id == drop_id).values(member_id=keep_id))


def connect() -> None:
    from handbook.members.duplicates import carry_reference

    carry_reference("admission_candidates", "member_id", carry_files)
    carry_reference("admission_candidates", "sponsor_id", carry_files)
    carry_reference("admission_introducers", "member_id", carry_introductions)
