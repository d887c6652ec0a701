"""Several dispatcher processes from one call (`flask worker --processes N`): helpers are forked only for a
backlog, and every notification still reaches every device once."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from handbook.extensions import db
from handbook.notify import subscriptions
from handbook.notify.outbox import NotificationSpec, enqueue
from handbook.notify.push import deliveries, dispatch, processes


@pytest.fixture
def forks(monkeypatch):
    """How many helpers each dispatch forked."""
    calls = []
    real = processes.start

    def counting(app, count, options):
        calls.append(count)
        return real(app, count, options)

    monkeypatch.setattr(processes, "start", counting)
    return calls


def _fan_out(push, factory, notifications: int, devices: int = 3) -> int:
    user = factory.user()
    factory.commit()
    for _ in range(devices):
        sub = push.subscription()
        subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
    enqueue([NotificationSpec(user.id, "test", f"Thông báo {i}", "…", "/", f"p:{i}", tag=f"p{i}", ttl_seconds=3600)
             for i in range(notifications)])
    db.session.commit()
    return notifications * devices


def _dispatch_outside_any_event_loop(app, **options):
    """As `flask worker` calls it: from a thread with no running event loop (in the full suite, this test's
    process may still hold a browser test's Playwright loop, under which dispatch rightly refuses to fork)."""
    def run():
        with app.app_context():
            return dispatch.dispatch(**options)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def test_a_backlog_is_shared_with_a_forked_helper_and_sent_once(app, push, factory, forks):
    total = _fan_out(push, factory, 100)
    stats = _dispatch_outside_any_event_loop(app, once=True, batch=50, processes=2)
    assert forks == [1]
    assert stats.sent == total  # the helper's numbers come back to the caller
    counts = push.counts()
    assert len(counts) == total and set(counts.values()) == {1}


def test_a_small_backlog_forks_nothing(app, push, factory, forks):
    total = _fan_out(push, factory, 5)
    assert _dispatch_outside_any_event_loop(app, once=True, batch=50, processes=4).sent == total
    assert forks == []


def test_a_helper_stops_when_told_and_returns_its_numbers(app, push, factory):
    total = _fan_out(push, factory, 40)
    (helper,) = processes.start(app, 1, {"once": False, "batch": 20, "concurrency": 8,
                                         "lease": deliveries.LEASE, "idle": 0.2})
    deadline = time.monotonic() + 60
    while len(push.received) < total and time.monotonic() < deadline:
        time.sleep(0.05)
    processes.stop([helper])
    (stats,) = processes.join([helper])
    assert helper.process.exitcode == 0 and stats.sent == total
