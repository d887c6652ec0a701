"""How merging two member records of one person carries the meetings' references to them that members.duplicates
does not handle itself (the documents each record read)."""
from __future__ import annotations

from sqlalchemy import select

from handbook.core.timeutil import as_utc
from handbook.extensions import db
from handbook.meetings.models import DocumentRead


def carry_document_reads(keep_id: int, drop_id: int) -> None:
    """Both records read a meeting's documents: the kept row takes the earlier first reading and the other goes;
    the dropped record's other readings become the kept one's (a row per meeting read: a few dozen at most)."""
    rows = db.session.scalars(select(DocumentRead).where(DocumentRead.member_id.in_((keep_id, drop_id)))).all()
    kept = {row.meeting_id: row for row in rows if row.member_id == keep_id}
    for row in (r for r in rows if r.member_id == drop_id):
        other = kept.get(row.meeting_id)
        if other is None:
            row.member_id = keep_id
            continue
        if as_utc(row.first_read_at) < as_utc(other.first_read_at):
            other.first_read_at = row.first_read_at
        db.session.delete(row)
    db.session.flush()


def connect() -> None:
    from handbook.members.duplicates import carry_reference

    carry_reference("meeting_document_reads", "member_id", carry_document_reads)
