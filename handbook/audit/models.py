"""One row per audited action."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.auth.models import User
from handbook.core.timeutil import utcnow
from handbook.extensions import db


class AuditEvent(db.Model):
    """Who did what to which object. `details` holds ids and counts only, never personal data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)  # e.g. "member.view", "members.export"
    target_type: Mapped[str | None] = mapped_column(String(30))  # "member", "organisation"
    target_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    ip: Mapped[str | None] = mapped_column(String(45))  # None for the command line
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
