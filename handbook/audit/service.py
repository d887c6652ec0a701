"""Writing and reading the audit log. Callers pass ids and counts in `details`, never names or numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from handbook.audit.models import AuditEvent
from handbook.core.timeutil import local_zone
from handbook.extensions import db

# Keys allowed in `details`: anything else is dropped, so personal data cannot slip in by accident.
ALLOWED_DETAIL_KEYS = frozenset({
    "fields", "count", "rows", "valid", "rejected", "organisation_id", "member_id", "other_id", "format",
    "mode", "status", "source", "kept_id", "merged_id", "role", "method", "reason", "sessions", "tokens", "feeds",
    "devices",
})

ACTIONS = (
    "member.view", "member.update", "member.status", "member.photo", "members.import", "members.export",
    "members.print", "members.merge", "members.not_duplicate", "members.template", "member.temporary_in",
    "member.temporary_out", "personal_data.export", "auth.login", "auth.login_failed", "auth.logout",
    "auth.throttled", "auth.2fa_enrol", "auth.2fa_disable", "auth.2fa_reset", "auth.2fa_failed", "auth.password_change",
    "auth.sessions_revoked", "auth.token", "privacy.consent", "position.grant", "position.revoke",
    "member.access_ended",
)


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (None for the command line) and where from."""

    user_id: int | None = None
    ip: str | None = None


CLI = Actor()


def record(action: str, actor: Actor, *, target_type: str | None = None, target_id: int | None = None,
           **details) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    clean = {k: v for k, v in details.items() if k in ALLOWED_DETAIL_KEYS}
    event = AuditEvent(actor_id=actor.user_id, action=action, target_type=target_type, target_id=target_id,
                       ip=actor.ip, details=clean)
    db.session.add(event)
    return event


@dataclass
class AuditFilter:
    action: str | None = None
    actor_id: int | None = None
    target_type: str | None = None
    target_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight_utc(day: date) -> datetime:
    """Midnight of `day` where the users are, in UTC (SQLite compares stored UTC text, so convert first)."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def search(flt: AuditFilter, page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.actor_id:
        query = query.where(AuditEvent.actor_id == flt.actor_id)
    if flt.target_type:
        query = query.where(AuditEvent.target_type == flt.target_type)
    if flt.target_id:
        query = query.where(AuditEvent.target_id == flt.target_id)
    if flt.date_from:
        query = query.where(AuditEvent.created_at >= _local_midnight_utc(flt.date_from))
    if flt.date_to:
        query = query.where(AuditEvent.created_at < _local_midnight_utc(flt.date_to + timedelta(days=1)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(rows), total or 0
