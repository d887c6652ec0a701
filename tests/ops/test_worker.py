"""`flask worker` (handbook/ops/worker.py): each round runs the reminder rules when due, the retention purges
once a day and the outbox's dispatch; a failing round does not end the loop; SIGTERM ends it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handbook import ROOT
from handbook.audit.models import AuditEvent
from handbook.auth.models import UserSession
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.notify import rules, subscriptions
from handbook.notify.models import Delivery, WorkerHeartbeat
from handbook.notify.outbox import NotificationSpec
from handbook.ops.worker import PURGE_EVERY, Worker
from tests.notify.fake_push import FakePushService


@pytest.fixture
def push(app, monkeypatch):
    with FakePushService() as service:
        monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", [service.host])
        monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", True)
        yield service
        assert not service.errors, service.errors


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def scene(app, factory, push, monkeypatch):
    """A user with one device, a rule that tells them something new each time it runs, an audit row past the
    retention period and a revoked session."""
    user = factory.user("nhan@test.vn")
    factory.commit()
    sub = push.subscription()
    subscriptions.save(user.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"], None)
    user_id, runs = user.id, []  # the worker ends each round with a new session: keep no ORM object

    def rule(now):
        runs.append(now)
        yield NotificationSpec(user_id=user_id, kind="test", title="Nhắc lịch", body=f"Lần {len(runs)}", url="/",
                               dedupe_key=f"worker-test:{len(runs)}")

    monkeypatch.setattr(rules, "RULES", {"worker_test": rule})
    now = utcnow()
    db.session.add(AuditEvent(actor_id=user_id, action="member.view", created_at=now - timedelta(days=800),
                              details={}))
    db.session.add(UserSession(id="revoked", user_id=user_id, created_at=now, last_seen_at=now, revoked_at=now))
    db.session.commit()
    return {"push": push, "runs": runs}


def _counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count(AuditEvent.id))),
            db.session.scalar(select(func.count()).select_from(UserSession)),
            db.session.scalar(select(func.count(Delivery.id)).where(Delivery.status == "sent")))


def test_a_round_runs_the_rules_purges_and_dispatches_each_on_its_own_schedule(app, scene):
    clock = Clock()
    worker = Worker(rules_every=60, processes=1, stop=lambda: False, clock=clock)
    worker.round()
    assert len(scene["runs"]) == 1 and _counts() == (0, 0, 1)
    assert [p["body"] for p in scene["push"].payloads()] == ["Lần 1"]
    assert {b.name for b in db.session.scalars(select(WorkerHeartbeat))} == {"reminders", "dispatch"}

    db.session.add(AuditEvent(action="member.view", created_at=utcnow() - timedelta(days=800), details={}))
    db.session.commit()
    clock.now += 59  # neither the rules nor the purge are due yet; the outbox is always looked at
    worker.round()
    assert len(scene["runs"]) == 1 and _counts() == (1, 0, 1)

    clock.now += 1
    worker.round()  # the rules again, not the purge
    assert len(scene["runs"]) == 2 and _counts() == (1, 0, 2)

    clock.now += PURGE_EVERY
    worker.round()
    assert len(scene["runs"]) == 3 and _counts() == (0, 0, 3)


def test_a_failing_round_is_reported_and_the_next_one_runs(app, scene, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("cơ sở dữ liệu bận")

    worker = Worker(rules_every=60, processes=1, stop=lambda: False, clock=Clock())
    monkeypatch.setattr("handbook.ops.retention.purge_audit", broken)
    worker.round()
    assert "Lỗi: cơ sở dữ liệu bận" in capsys.readouterr().err
    assert _counts() == (1, 1, 0)  # the round stopped at the purge: nothing was sent
    worker.round()  # the purge is put off for a day, the rules are not due: the outbox is delivered
    assert len(scene["runs"]) == 1 and _counts() == (1, 1, 1)


def test_flask_worker_runs_until_sigterm(app, scene):
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "INSTANCE_PATH": app.instance_path,
           "PUSH_ALLOWED_HOSTS": scene["push"].host, "PUSH_ALLOW_HTTP": "1", "QUIET_HOURS": "", "SECRET_KEY": "t"}
    received = len(scene["push"].received)
    db.session.commit()
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--interval", "0.2",
                             "--processes", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.rollback()  # a new read transaction: SQLite shows each one the data as it began
            if db.session.get(WorkerHeartbeat, "dispatch") is not None:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the worker never dispatched")
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert "Tiến trình nền đang chạy" in output and "Lỗi" not in output
    assert _counts()[:2] == (0, 0)  # its first round purged
    assert db.session.get(WorkerHeartbeat, "reminders") is not None
    assert len(scene["push"].received) == received  # the rule above is this process's own


def test_the_daily_round_ends_temporary_placements_past_their_day(app, scene, factory):
    from handbook.core.timeutil import local_today
    from handbook.members.models import Member
    from handbook.org.models import OrgKind

    home, host = factory.org("Chi bộ nhà", OrgKind.CHI_BO), factory.org("Chi bộ nhận", OrgKind.CHI_BO)
    ended = factory.member(home, name="Hết hạn", temporary_cell_id=host.id,
                           temporary_until=local_today() - timedelta(days=1))
    going_on = factory.member(home, name="Còn hạn", temporary_cell_id=host.id, temporary_until=local_today())
    factory.commit()
    ids, host_id = (ended.id, going_on.id), host.id  # the round ends with a new session: keep no ORM object
    Worker(rules_every=60, processes=1, stop=lambda: False, clock=Clock()).round()
    db.session.expire_all()
    assert [db.session.get(Member, i).temporary_cell_id for i in ids] == [None, host_id]
    assert db.session.scalars(select(AuditEvent.target_id).where(
        AuditEvent.action == "member.temporary_expired")).all() == [ids[0]]


def test_the_daily_round_forgets_import_uploads_past_their_day(app, scene, factory):
    from handbook.members import import_previews
    from handbook.members.models import ImportPreview
    from handbook.org.models import OrgKind

    cell, leader = factory.org("Chi bộ", OrgKind.CHI_BO), factory.user("bt@test.vn")
    factory.commit()
    for token, hours in (("a" * 32, 25), ("b" * 32, 1)):
        import_previews.register_preview(token, leader.id, cell, b"xlsx", now=utcnow() - timedelta(hours=hours))
        import_previews.upload_path(token).write_bytes(b"xlsx")
    Worker(rules_every=60, processes=1, stop=lambda: False, clock=Clock()).round()
    assert [import_previews.upload_path(t).is_file() for t in ("a" * 32, "b" * 32)] == [False, True]
    assert db.session.scalars(select(ImportPreview.token_hash)).all() == [import_previews.token_digest("b" * 32)]
