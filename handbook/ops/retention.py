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


def purge_sessions(batch: int = 5000, now: datetime | None = None) -> int:
    """Delete session rows that can no longer count: revoked, or past the absolute lifetime."""
    from handbook.auth.models import UserSession

    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    ended = (UserSession.revoked_at.is_not(None)) | (UserSession.created_at < cutoff)
    removed = 0
    while True:
        ids = db.session.scalars(select(UserSession.id).where(ended).limit(batch)).all()
        if not ids:
            return removed
        db.session.execute(delete(UserSession).where(UserSession.id.in_(ids)))
        db.session.commit()
        removed += len(ids)
