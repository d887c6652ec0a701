"""How the dispatcher treats each answer of a push service, and the VAPID header cache."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.notify import subscriptions
from handbook.notify.models import Delivery, Notification, PushSubscription, Urgency
from handbook.notify.outbox import NotificationSpec, enqueue
from handbook.notify.push import deliveries, dispatch
from handbook.notify.push.vapid import VapidSigner


def _subscribe(push, user, n=1):
    subs = []
    for _ in range(n):
        sub = push.subscription()
        subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
        subs.append(sub["endpoint"])
    return subs


def _tell(user, key="k1", **kw):
    enqueue([NotificationSpec(user_id=user.id, kind="test", title="Tiêu đề", body="Nội dung", url="/",
                              dedupe_key=key, **kw)])
    db.session.commit()


def _delivery(endpoint=None) -> Delivery:
    query = select(Delivery)
    if endpoint:
        query = query.join(PushSubscription).where(PushSubscription.endpoint == endpoint)
    db.session.expire_all()
    return db.session.scalars(query).one()


@pytest.fixture
def user(factory):
    u = factory.user("nguoinhan@test.vn")
    factory.commit()
    return u


def test_201_marks_sent_and_records_the_device_success(app, push, user):
    (endpoint,) = _subscribe(push, user)
    _tell(user, urgency=Urgency.HIGH, ttl_seconds=900, topic="abc")
    stats = dispatch.dispatch(once=True)
    assert (stats.sent, stats.failed, stats.retried) == (1, 0, 0)
    row = _delivery()
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    assert db.session.scalar(select(PushSubscription.last_success_at)) is not None
    (got,) = push.received
    assert got["urgency"] == "high" and got["topic"] == "abc" and 890 <= got["ttl"] <= 900
    assert got["payload"] == {"title": "Tiêu đề", "body": "Nội dung", "url": "/", "tag": "k1"}


@pytest.mark.parametrize("status", [404, 410])
def test_gone_deletes_the_subscription(app, push, user, status):
    endpoint, other = _subscribe(push, user, 2)
    push.answer(endpoint, (status, {}))
    _tell(user)
    _tell(user, key="k2")
    dispatch.dispatch(once=True)
    assert [s.endpoint for s in db.session.scalars(select(PushSubscription))] == [other]
    failed = db.session.scalars(select(Delivery).where(Delivery.status == "failed")).all()
    assert failed and all(d.last_error == "gone" and d.subscription_id is None for d in failed)
    assert db.session.scalar(select(func.count()).where(Delivery.status == "pending")) == 0


def test_429_waits_for_retry_after_and_once_does_not_sleep(app, push, user):
    (endpoint,) = _subscribe(push, user)
    push.answer(endpoint, (429, {"Retry-After": "120"}))
    _tell(user)
    before = utcnow()
    stats = dispatch.dispatch(once=True)
    assert stats.retried == 1 and not push.received
    row = _delivery()
    assert row.status == "pending" and row.last_error == "HTTP 429" and row.claimed_by is None
    assert timedelta(seconds=115) < as_utc(row.next_attempt_at) - before < timedelta(seconds=130)
    row.next_attempt_at = utcnow()
    db.session.commit()
    dispatch.dispatch(once=True)
    assert _delivery().status == "sent" and len(push.received) == 1


def test_503_with_an_http_date_and_500_with_backoff(app, push, user):
    a, b = _subscribe(push, user, 2)
    push.answer(a, (503, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}))
    push.answer(b, (500, {}))
    _tell(user)
    dispatch.dispatch(once=True)
    assert as_utc(_delivery(a).next_attempt_at).year == 2099
    wait = as_utc(_delivery(b).next_attempt_at) - utcnow()
    assert timedelta(0) < wait <= timedelta(seconds=deliveries.BACKOFF_BASE)


def test_other_4xx_fail_with_the_reason(app, push, user):
    (endpoint,) = _subscribe(push, user)
    push.answer(endpoint, (413, {}))
    _tell(user)
    assert dispatch.dispatch(once=True).failed == 1
    assert _delivery().status == "failed" and _delivery().last_error.startswith("HTTP 413")
    assert db.session.scalar(select(PushSubscription.failure_count)) == 1


def test_connection_errors_retry_then_fail_after_max_attempts(app, push, user, monkeypatch):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", [push.host, f"127.0.0.1:{port}"])
    sub = push.subscription()
    dead = sub["endpoint"].replace(str(push.port), str(port))
    subscriptions.save(user.id, dead, sub["keys"]["p256dh"], sub["keys"]["auth"], None)
    _tell(user)
    for attempt in range(1, deliveries.MAX_ATTEMPTS + 1):
        dispatch.dispatch(once=True)
        row = _delivery()
        assert row.attempts == attempt
        if attempt < deliveries.MAX_ATTEMPTS:
            assert row.status == "pending" and "Connect" in row.last_error
            row.next_attempt_at = utcnow()
            db.session.commit()
    assert row.status == "failed" and "6" in row.last_error


def test_a_host_removed_from_the_allow_list_is_not_contacted(app, push, user, monkeypatch):
    _subscribe(push, user)
    _tell(user)
    monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", ["fcm.googleapis.com"])
    dispatch.dispatch(once=True)
    assert not push.received and _delivery().status == "failed"


def test_expired_leases_are_reclaimed_and_live_ones_are_not(app, push, user):
    _subscribe(push, user)
    _tell(user)
    jobs = deliveries.claim(10)  # a dispatcher claims, then dies
    assert len(jobs) == 1 and _delivery().status == "sending"
    assert deliveries.claim(10) == []  # its lease still holds
    assert len(deliveries.claim(10, now=utcnow() + deliveries.LEASE + timedelta(seconds=1))) == 1


def test_stale_notifications_are_not_sent(app, push, user):
    _subscribe(push, user)
    _tell(user, ttl_seconds=60)
    db.session.execute(Notification.__table__.update().values(created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    dispatch.dispatch(once=True)
    assert not push.received and _delivery().last_error == "expired"


def test_vapid_header_is_cached_per_origin_and_refreshed_before_expiry():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    clock = [1_000_000.0]
    signer = VapidSigner(pem, "mailto:admin@test.vn", clock=lambda: clock[0])
    fcm = signer.header("https://fcm.googleapis.com/fcm/send/a")
    assert signer.header("https://fcm.googleapis.com/fcm/send/b") is fcm
    mozilla = signer.header("https://updates.push.services.mozilla.com/wpush/v2/x")
    assert mozilla != fcm
    import json

    from tests.notify.fake_push import unb64

    def claims(header):
        return json.loads(unb64(header.split("t=")[1].split(",")[0].split(".")[1]))

    assert claims(fcm)["aud"] == "https://fcm.googleapis.com"
    assert claims(mozilla)["aud"] == "https://updates.push.services.mozilla.com"
    clock[0] += 11 * 3600 + 1  # less than an hour of the 12 left: signed again
    renewed = signer.header("https://fcm.googleapis.com/fcm/send/a")
    assert renewed != fcm and claims(renewed)["exp"] > claims(fcm)["exp"]
