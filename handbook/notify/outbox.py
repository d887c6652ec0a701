"""Putting notifications in the outbox, in the caller's transaction (nothing here commits)."""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from handbook.core.timeutil import as_utc, local_zone, utcnow
from handbook.extensions import db
from handbook.notify.models import Delivery, Notification, NotificationPreference, PushSubscription, Urgency

MAX_PAYLOAD = 3000  # bytes of JSON before encryption; push services accept ~4 KB after it
CHUNK = 400


@dataclass
class NotificationSpec:
    """What a rule or a feature wants to tell one user. `dedupe_key` must be deterministic for the event."""

    user_id: int
    kind: str
    title: str
    body: str
    url: str
    dedupe_key: str
    tag: str = ""
    urgency: Urgency = Urgency.NORMAL
    ttl_seconds: int = 86400
    topic: str | None = None
    not_before: datetime | None = None
    extra: dict = field(default_factory=dict)


def topic_for(*parts) -> str:
    """A push-service Topic (≤ 32 URL-safe characters) for a family of messages, e.g. one meeting's reminders."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def payload(title: str, body: str, url: str, tag: str) -> bytes:
    """The JSON the service worker shows: only what the notification itself says."""
    data = {"title": title, "body": body, "url": url, "tag": tag}
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    while len(raw) > MAX_PAYLOAD:  # shorten the body, never the link
        data["body"] = data["body"][: max(0, len(data["body"]) - (len(raw) - MAX_PAYLOAD) - 4)] + "…"
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return raw


def _parse_quiet(text: str) -> tuple[time, time] | None:
    text = (text or "").strip()
    if not text:
        return None
    start, _sep, end = text.partition("-")
    h1, m1 = (int(x) for x in start.strip().split(":"))
    h2, m2 = (int(x) for x in end.strip().split(":"))
    return time(h1, m1), time(h2, m2)


def quiet_until(now: datetime) -> datetime | None:
    """If `now` falls in QUIET_HOURS (local time), the UTC moment they end; otherwise None."""
    window = _parse_quiet(current_app.config.get("QUIET_HOURS", ""))
    if window is None:
        return None
    start, end = window
    local = as_utc(now).astimezone(local_zone())
    at = local.time()
    if start <= end:
        inside = start <= at < end
        end_day = local.date()
    else:  # across midnight, e.g. 21:30-06:30
        inside = at >= start or at < end
        end_day = local.date() + timedelta(days=1) if at >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=local_zone()).astimezone(UTC)


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _push_off(user_ids: set[int]) -> set[tuple[int, str]]:
    rows = db.session.execute(select(NotificationPreference.user_id, NotificationPreference.kind).where(
        NotificationPreference.user_id.in_(user_ids), NotificationPreference.push_enabled.is_(False)))
    return {(u, k) for u, k in rows}


def enqueue(specs: Iterable[NotificationSpec], now: datetime | None = None) -> int:
    """Write the notifications (skipping dedupe keys already there) and a delivery per current device.

    Runs in the caller's transaction; returns how many notifications are new."""
    now = now or utcnow()
    quiet = quiet_until(now)
    rows = []
    for spec in specs:
        not_before = spec.not_before
        if quiet is not None and spec.urgency is not Urgency.HIGH:
            not_before = max(as_utc(not_before), quiet) if not_before else quiet
        rows.append({
            "user_id": spec.user_id, "kind": spec.kind, "title": spec.title[:200], "body": spec.body,
            "url": spec.url if spec.url.startswith("/") and not spec.url.startswith("//") else "/",
            "tag": (spec.tag or spec.dedupe_key)[:64], "dedupe_key": spec.dedupe_key[:200],
            "urgency": spec.urgency.value, "ttl_seconds": spec.ttl_seconds, "topic": spec.topic,
            "not_before": not_before, "created_at": now,
        })
    created = 0
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        stmt = _insert(Notification).values(chunk).on_conflict_do_nothing(index_elements=["dedupe_key"])
        new = db.session.execute(stmt.returning(
            Notification.id, Notification.user_id, Notification.kind, Notification.not_before)).all()
        created += len(new)
        if new:
            _add_deliveries(new, now)
    return created


def _add_deliveries(new, now: datetime) -> None:
    users = {row.user_id for row in new}
    subs: dict[int, list[int]] = {}
    for sub_id, user_id in db.session.execute(
        select(PushSubscription.id, PushSubscription.user_id).where(PushSubscription.user_id.in_(users))
    ):
        subs.setdefault(user_id, []).append(sub_id)
    if not subs:
        return
    off = _push_off(set(subs))
    deliveries = [
        {"notification_id": row.id, "subscription_id": sub_id, "status": "pending", "attempts": 0,
         "next_attempt_at": as_utc(row.not_before) if row.not_before else now}
        for row in new if (row.user_id, row.kind) not in off
        for sub_id in subs.get(row.user_id, ())
    ]
    for i in range(0, len(deliveries), CHUNK):
        db.session.execute(_insert(Delivery).values(deliveries[i:i + CHUNK]).on_conflict_do_nothing())
