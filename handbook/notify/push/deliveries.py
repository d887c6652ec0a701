"""The dispatcher's rows: claiming due deliveries under a lease, what a push service's answer means for a
delivery, and recording the results.

Claiming commits `status = sending` with a lease (claimed_by, claimed_at) before anything is sent, and is safe
with any number of processes (SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite). A claimer that dies
leaves its unanswered rows `sending`; once the lease expires the next claim takes them again."""
from __future__ import annotations

import os
import random
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import and_, bindparam, or_, select, text, update

from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.notify.models import Delivery, DeliveryStatus, Notification, PushSubscription
from handbook.notify.outbox import payload
from handbook.notify.subscriptions import forget

BATCH = 1000            # rows claimed per transaction
LEASE = timedelta(minutes=10)  # > 2 batches at the worst (all timeouts): the next batch is claimed early
MAX_ATTEMPTS = 6
BACKOFF_BASE = 30       # seconds; doubled per attempt, full jitter
BACKOFF_CAP = 3600


@dataclass(slots=True)
class Job:
    delivery_id: int
    subscription_id: int
    attempts: int
    endpoint: str
    p256dh: str
    auth: str
    data: bytes
    ttl: int
    urgency: str
    topic: str | None


@dataclass(slots=True)
class Outcome:
    job: Job
    status: DeliveryStatus
    error: str | None = None
    retry_at: datetime | None = None
    gone: bool = False



def due(now: datetime, lease: timedelta):
    return or_(
        and_(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now),
        and_(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < now - lease),  # a dead claimer's rows
    )


def _due_ids(limit: int, lease: timedelta, now: datetime, postgres: bool) -> list[int]:
    """Up to `limit` due rows: dead claimers' rows first, then pending ones oldest-due first. Two queries that
    each walk ix_deliveries_due in order and stop at `limit` — one query with OR would collect and sort every
    due row, which grows with the backlog."""
    stale = (select(Delivery.id).where(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < now - lease)
             .order_by(Delivery.status, Delivery.next_attempt_at).limit(limit))
    pending = (select(Delivery.id).where(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now)
               .order_by(Delivery.status, Delivery.next_attempt_at))
    if postgres:  # concurrent claimers take different rows
        stale, pending = stale.with_for_update(skip_locked=True), pending.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(stale))
    if len(ids) < limit:
        ids += db.session.scalars(pending.limit(limit - len(ids)))
    return ids


def claim(limit: int = BATCH, lease: timedelta = LEASE, now: datetime | None = None) -> list[Job]:
    """Mark up to `limit` due rows as ours and commit; return what to send."""
    now = now or utcnow()
    token = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    db.session.commit()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if not postgres:
        db.session.execute(text("BEGIN IMMEDIATE"))  # SQLite: one claimer at a time
    ids = _due_ids(limit, lease, now, postgres)
    if not ids:
        db.session.commit()
        return []
    db.session.execute(
        update(Delivery).where(Delivery.id.in_(ids), due(now, lease))
        .values(status=DeliveryStatus.SENDING, claimed_by=token, claimed_at=now, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = _core().execute(
        select(Delivery.id, Delivery.attempts, Delivery.subscription_id, Notification.title, Notification.body,
               Notification.url, Notification.tag, Notification.ttl_seconds, Notification.urgency,
               Notification.topic, Notification.created_at,
               PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth)
        .join(Notification, Notification.id == Delivery.notification_id)
        .outerjoin(PushSubscription, PushSubscription.id == Delivery.subscription_id)
        .where(Delivery.id.in_(ids), Delivery.claimed_by == token)
    ).all()
    jobs, dead = [], []
    payloads: dict[tuple, bytes] = {}  # a reminder to a whole cell has one text: encode it once
    for (delivery_id, attempts, subscription_id, title, body, url, tag, ttl_seconds, urgency, topic, created_at,
         endpoint, p256dh, auth) in rows:
        # TTL counts from the event (a reminder held by quiet hours still expires when the meeting starts)
        ttl = ttl_seconds - int((now - as_utc(created_at)).total_seconds())
        if endpoint is None or ttl <= 0:
            dead.append((delivery_id, "unsubscribed" if endpoint is None else "expired"))
            continue
        shown = (title, body, url, tag)
        data = payloads.get(shown)
        if data is None:
            data = payloads[shown] = payload(*shown)
        jobs.append(Job(delivery_id, subscription_id, attempts, endpoint, p256dh, auth, data, ttl, str(urgency),
                        topic))
    if dead:
        _write([{"b_id": i, "b_status": DeliveryStatus.FAILED.value, "b_error": why, "b_next": now, "b_sent": None}
                for i, why in dead])
        db.session.commit()
    return jobs


def _retry_after(value: str | None, now: datetime) -> datetime | None:
    if not value:
        return None
    try:
        return now + timedelta(seconds=max(0, int(value.strip())))
    except ValueError:
        pass
    try:
        return as_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        return None


def _backoff(attempts: int, now: datetime) -> datetime:
    return now + timedelta(seconds=random.uniform(1, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempts - 1))))


def classify(job: Job, status: int | None, error: str | None, retry_after: str | None,
             now: datetime, max_attempts: int = MAX_ATTEMPTS) -> Outcome:
    """A push service's answer (or a network error) → what happens to the delivery."""
    if status is not None and 200 <= status < 300:
        return Outcome(job, DeliveryStatus.SENT)
    if status in (404, 410):
        return Outcome(job, DeliveryStatus.FAILED, "gone", gone=True)
    if status is not None and 400 <= status < 500 and status != 429:
        return Outcome(job, DeliveryStatus.FAILED, f"HTTP {status}: {(error or '')[:200]}")
    reason = f"HTTP {status}" if status is not None else (error or "error")[:200]
    if job.attempts >= max_attempts:
        return Outcome(job, DeliveryStatus.FAILED, f"{reason} (sau {job.attempts} lần)")
    when = (_retry_after(retry_after, now) if status in (429, 503) else None) or _backoff(job.attempts, now)
    return Outcome(job, DeliveryStatus.PENDING, reason, retry_at=when)


def _core():
    """The session's connection (same transaction): the hot statements here are plain Core, so they skip the
    ORM's per-statement compile step."""
    return db.session.connection()


def _write(params: list[dict]) -> None:
    table = Delivery.__table__
    _core().execute(
        update(table).where(table.c.id == bindparam("b_id"))
        .values(status=bindparam("b_status"), last_error=bindparam("b_error"), next_attempt_at=bindparam("b_next"),
                sent_at=bindparam("b_sent"), claimed_by=None, claimed_at=None),
        params,
    )


def record(outcomes: list[Outcome], now: datetime | None = None) -> None:
    """Write a group of results and commit."""
    if not outcomes:
        return
    now = now or utcnow()
    sent = [o.job.delivery_id for o in outcomes if o.status is DeliveryStatus.SENT]
    if sent:  # the common case, one statement for the group
        _core().execute(update(Delivery.__table__).where(Delivery.__table__.c.id.in_(sent)).values(
            status=DeliveryStatus.SENT.value, last_error=None, next_attempt_at=now, sent_at=now,
            claimed_by=None, claimed_at=None))
    other = [{"b_id": o.job.delivery_id, "b_status": o.status.value, "b_error": o.error, "b_next": o.retry_at or now,
              "b_sent": None} for o in outcomes if o.status is not DeliveryStatus.SENT]
    if other:
        _write(other)
    ok = sorted({o.job.subscription_id for o in outcomes if o.status is DeliveryStatus.SENT})
    subs = PushSubscription.__table__
    if ok:
        _core().execute(update(subs).where(subs.c.id.in_(ok)).values(last_success_at=now, failure_count=0))
    bad = sorted({o.job.subscription_id for o in outcomes if o.status is not DeliveryStatus.SENT and not o.gone})
    if bad:
        _core().execute(update(subs).where(subs.c.id.in_(bad)).values(failure_count=subs.c.failure_count + 1))
    gone = sorted({o.job.subscription_id for o in outcomes if o.gone})
    if gone:
        forget(gone)
    db.session.commit()

