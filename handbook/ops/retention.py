"""Audit-log retention: rows older than AUDIT_RETENTION_DAYS go, in bounded batches (short locks)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from handbook.audit.models import AuditEvent
from handbook.core.timeutil import utcnow
from handbook.extensions import db


def purge_audit(days: int | None = None, batch: int = 5000, now: datetime | None = None) -> int:
    """Delete audit events older than the retention period; one short transaction per batch."""
    days = days or current_app.config["AUDIT_RETENTION_DAYS"]
    cutoff = (now or utcnow()) - timedelta(days=days)
    removed = 0
    while True:
        ids = db.session.scalars(select(AuditEvent.id).where(AuditEvent.created_at < cutoff)
                                 .order_by(AuditEvent.id).limit(batch)).all()
        if not ids:
            return removed
        db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_(ids)))
        db.session.commit()
        removed += len(ids)
