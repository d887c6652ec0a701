"""kill -9 a dispatcher in the middle of a batch: after restarts nothing is lost and nothing is left pending.

Web Push has no idempotency key: a request already on the wire when the process dies may have reached the
push service although its result was never recorded. Those rows (at most the requests in flight plus the
unflushed results) are sent again — with the same tag, so the phone replaces rather than repeats the
notification. Everything else arrives exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from handbook import ROOT
from handbook.extensions import db
from handbook.notify import subscriptions
from handbook.notify.models import Delivery
from handbook.notify.outbox import NotificationSpec, enqueue
from handbook.notify.push import deliveries, dispatch

NOTIFICATIONS, DEVICES, CONCURRENCY = 500, 4, 32


def _env(app, push) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], INSTANCE_PATH=app.instance_path,
               PUSH_ALLOWED_HOSTS=push.host, PUSH_ALLOW_HTTP="1", QUIET_HOURS="", SECRET_KEY="test")
    return env


def _dispatcher(app, push, *extra, lease: int = 3, batch: int = 200) -> subprocess.Popen:
    """A dispatcher process; the crash test's short lease lets a restart take over a dead one's rows soon."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "notify", "dispatch", "--lease-seconds", str(lease),
         "--batch", str(batch), "--concurrency", str(CONCURRENCY), *extra],
        cwd=ROOT, env=_env(app, push), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _left() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Delivery.id)).where(Delivery.status.in_(("pending", "sending"))))


def test_kill_9_mid_batch_loses_nothing(app, push, factory):
    push.delay = 0.004  # a little latency so the kill lands mid-batch
    user = factory.user()
    factory.commit()
    for _ in range(DEVICES):
        sub = push.subscription()
        subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
    enqueue([NotificationSpec(user.id, "test", f"Thông báo {i}", "…", "/", f"crash:{i}", tag=f"n{i}",
                              ttl_seconds=3600) for i in range(NOTIFICATIONS)])
    db.session.commit()
    total = NOTIFICATIONS * DEVICES

    proc = _dispatcher(app, push)
    deadline = time.monotonic() + 60
    while len(push.received) < total // 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = len(push.received)
    assert total // 5 <= at_kill < total, "the kill must land in the middle of the work"
    assert _left() > 0

    for _ in range(6):
        if _left() == 0:
            break
        time.sleep(3.2)  # the dead process's lease runs out
        out = _dispatcher(app, push, "--once").communicate(timeout=120)[0]
        assert "Đã gửi" in out, out
    assert _left() == 0
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Delivery.id)).where(Delivery.status == "sent")) == total

    counts = push.counts()
    assert len(counts) == total  # every notification reached every device
    twice = {key: n for key, n in counts.items() if n > 1}
    # only rows whose request was on the wire (or answered but not yet recorded) at the kill
    assert max(counts.values()) <= 2
    # requests in flight, plus results handed to the recording thread but not yet committed
    bound = CONCURRENCY + (dispatch.MAX_UNRECORDED_GROUPS + 1) * dispatch.FLUSH_EVERY
    assert len(twice) <= bound, twice
    resent = db.session.scalar(select(func.count(Delivery.id)).where(Delivery.attempts > 1))
    assert len(twice) <= resent
    print(f"\nkilled after {at_kill} of {total}; re-sent {resent}; arrived twice {len(twice)}")


def test_three_dispatchers_at_once_send_each_notification_once(app, push, factory):
    user = factory.user()
    factory.commit()
    for _ in range(DEVICES):
        sub = push.subscription()
        subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
    enqueue([NotificationSpec(user.id, "test", f"Thông báo {i}", "…", "/", f"many:{i}", tag=f"m{i}",
                              ttl_seconds=3600) for i in range(300)])
    db.session.commit()
    # the default lease: a live dispatcher's rows are never taken over, however slow the machine
    procs = [_dispatcher(app, push, "--once", lease=int(deliveries.LEASE.total_seconds())) for _ in range(3)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    counts = push.counts()
    assert len(counts) == 300 * DEVICES and set(counts.values()) == {1}
    assert _left() == 0
