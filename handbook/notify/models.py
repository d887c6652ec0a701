"""Outbox, inbox, subscriptions, preferences and worker heartbeats."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type


class Urgency(enum.StrEnum):
    """RFC 8030 §5.3: the push service may hold low-urgency messages on a battery-saving phone."""

    VERY_LOW = "very-low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"   # waiting for its time (next_attempt_at, the notification's not_before)
    SENDING = "sending"   # claimed by a dispatcher; the lease (claimed_at) expires if it dies
    SENT = "sent"
    FAILED = "failed"


class PushSubscription(db.Model):
    """One browser/device of a user (the browser's PushSubscription.toJSON())."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))  # URL-safe base64 of the browser's P-256 public key
    auth: Mapped[str] = mapped_column(String(32))     # URL-safe base64 of the 16-byte auth secret
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failure_count: Mapped[int] = mapped_column(Integer, default=0)


class Notification(db.Model):
    """What a user is told: the inbox item and the parent of its push deliveries."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(300))      # a same-origin path the click opens
    tag: Mapped[str] = mapped_column(String(64))        # a newer notification with the same tag replaces the shown one
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)  # one row per event, however often rules run
    urgency: Mapped[Urgency] = mapped_column(enum_type(Urgency, 10), default=Urgency.NORMAL)
    ttl_seconds: Mapped[int] = mapped_column(Integer, default=86400)
    topic: Mapped[str | None] = mapped_column(String(32))  # push-service Topic: replaces an undelivered message
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # quiet hours push it to morning
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Delivery(db.Model):
    """One notification to one subscription: the outbox row the dispatcher claims."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "subscription_id", name="uq_deliveries_notification_subscription"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus, 10), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(80))  # the claiming dispatcher's batch token
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # lease start
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    notification: Mapped[Notification] = relationship()


class NotificationPreference(db.Model):
    """A user's choice per kind; no row means push is on."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    push_enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class WorkerHeartbeat(db.Model):
    """Last run of a background job ("reminders", "dispatch"): a stopped worker shows on the health page."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_ok_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(String(300))
