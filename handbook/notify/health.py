"""How the outbox and the workers are doing (`flask notify status`, /admin/notify)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.notify.models import Delivery, DeliveryStatus, Notification, PushSubscription, WorkerHeartbeat

STALE = timedelta(minutes=5)
WORKERS = ("reminders", "dispatch")


@dataclass
class Beat:
    name: str
    last_run_at: datetime | None
    last_ok_at: datetime | None
    note: str | None
    stale: bool


@dataclass
class Health:
    deliveries: dict[str, int]
    waiting: int                     # pending but not yet due (quiet hours, retries)
    oldest_due: datetime | None      # the oldest delivery that should have gone already
    oldest_due_age: timedelta | None
    notifications: int
    unread: int
    subscriptions: int
    beats: list[Beat]

    @property
    def ok(self) -> bool:
        return not any(b.stale for b in self.beats)


def health(now: datetime | None = None) -> Health:
    now = now or utcnow()
    counts = {s.value: 0 for s in DeliveryStatus}
    for status, n in db.session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)):
        counts[str(status)] = n
    waiting = db.session.scalar(select(func.count()).where(
        Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at > now))
    oldest = db.session.scalar(select(func.min(Notification.created_at)).join(
        Delivery, Delivery.notification_id == Notification.id).where(
        Delivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.SENDING)), Delivery.next_attempt_at <= now))
    beats = {b.name: b for b in db.session.scalars(select(WorkerHeartbeat))}
    rows = []
    for name in WORKERS + tuple(sorted(set(beats) - set(WORKERS))):
        b = beats.get(name)
        last_ok = as_utc(b.last_ok_at) if b and b.last_ok_at else None
        rows.append(Beat(name, as_utc(b.last_run_at) if b and b.last_run_at else None, last_ok,
                         b.note if b else None, last_ok is None or now - last_ok > STALE))
    return Health(
        deliveries=counts, waiting=waiting or 0, oldest_due=as_utc(oldest) if oldest else None,
        oldest_due_age=(now - as_utc(oldest)) if oldest else None,
        notifications=db.session.scalar(select(func.count(Notification.id))) or 0,
        unread=db.session.scalar(select(func.count(Notification.id)).where(Notification.read_at.is_(None))) or 0,
        subscriptions=db.session.scalar(select(func.count(PushSubscription.id))) or 0,
        beats=rows,
    )
