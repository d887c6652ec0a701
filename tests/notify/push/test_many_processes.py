"""Two web processes (gunicorn) and three dispatchers against one database deliver 20,000 notifications, one of
the dispatchers killed with SIGKILL mid-run. Runs on SQLite (one claimer at a time) and on
PostgreSQL (SKIP LOCKED).

The notifications are born through the real web path: members subscribe their devices over the API with their
bearer tokens, and the leader schedules meetings over the API while the dispatchers are already sending; members
read their inbox and mark it read over the API at the same time. Each new meeting tells its 200 invitees at once
(meetings/reminders.py), so 100 meetings make 20,000 notifications, one device each.

What must hold: every notification reaches its device (no loss) and the inbox has each exactly once. The only
rows sent twice are those the killed dispatcher had claimed and not yet recorded — found by its pid in the
lease — so the surviving dispatchers never duplicate each other's work; Web Push has no idempotency key, so such a
row may reach the push service twice, with the same tag (the phone replaces it, test_crash.py)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import func, select

from handbook import ROOT
from handbook.auth.service import create_api_token
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings.models import Meeting
from handbook.notify.models import Delivery, DeliveryStatus, Notification, PushSubscription
from handbook.notify.push import dispatch
from tests.notify.conftest import cell_with_leader
from tests.notify.push.test_crash import CONCURRENCY, _dispatcher, _env, _left

MEMBERS = 199           # + the leader: 200 invitees, one device each
MEETINGS = int(os.environ.get('_MP_MEETINGS', 100))          # × 200 = 20,000 notifications
LEASE = 20              # seconds; far above a batch's time here (< 3 s on a loaded 2-core machine), so live
                        # dispatchers never take each other's rows; it is also how long the dead one's rows wait
KILL_AT = 0.25          # share of the pushes received when one dispatcher is killed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(app, push, port: int) -> subprocess.Popen:
    """The real app in two gunicorn worker processes, set up on the command line alone: an empty config file
    instead of the production gunicorn.conf.py (its access log would fill the unread pipe and stall the workers)."""
    config = os.path.join(app.instance_path, "gunicorn-test.conf.py")
    open(config, "w").close()
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", config, "--no-control-socket", "--workers", "2",
         "--worker-class", "gthread", "--threads", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "handbook:create_app()"],
        cwd=ROOT, env=_env(app, push), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_ready(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            if requests.get(base + "/api/v1/push/vapid-public-key", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def _scene(factory):
    cell, leader, members = cell_with_leader(factory, "Đảng bộ phường Thạch Thang", "Chi bộ khu dân cư số 7", MEMBERS)
    users = [leader, *members]
    factory.commit()
    # tokens straight from the auth service: 200 password logins would only measure argon2
    return cell, {user.id: create_api_token(user) for user in users}


def _orphaned(pid: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Delivery.id)).where(
        Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_by.like(f"%:{pid}:%")))


def test_two_web_processes_three_dispatchers_one_killed_20000_notifications(app, push, factory):
    cell, tokens = _scene(factory)
    cell_id = cell.id
    total = (MEMBERS + 1) * MEETINGS
    leader_token = tokens[min(tokens)]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    web = _gunicorn(app, push, port)
    dispatchers: list[subprocess.Popen] = []
    http = requests.Session()
    http.trust_env = False
    try:
        _wait_ready(base, web)

        def api(method: str, path: str, token: str, **kw) -> requests.Response:
            return http.request(method, base + path, headers={"Authorization": f"Bearer {token}"}, timeout=60, **kw)

        with ThreadPoolExecutor(8) as pool:
            subscribed = list(pool.map(lambda token: api("POST", "/api/v1/push/subscriptions", token,
                                                         json=push.subscription()).status_code, tokens.values()))
        assert subscribed == [201] * len(tokens)

        dispatchers = [_dispatcher(app, push, lease=LEASE, batch=100) for _ in range(3)]
        victim = dispatchers[0]
        start = utcnow() + timedelta(days=5)
        statuses: list[int] = []
        readers_stop = threading.Event()

        def schedule(i: int) -> None:
            at = start + timedelta(hours=i)
            body = {"organisation_id": cell_id, "kind": "chuyen_de", "title": f"Sinh hoạt chuyên đề số {i + 1}",
                    "starts_at": at.isoformat(), "ends_at": (at + timedelta(minutes=90)).isoformat(),
                    "place": "Nhà văn hóa khu dân cư số 7"}
            statuses.append(api("POST", "/api/v1/meetings", leader_token, json=body).status_code)

        def read_inbox(token: str) -> None:  # members use the app while it is busy
            while not readers_stop.is_set():
                assert api("GET", "/api/v1/notifications", token).status_code == 200
                assert api("POST", "/api/v1/notifications/read", token, json={}).status_code == 200
                time.sleep(0.2)

        def kill_mid_run() -> tuple[int, int]:
            """SIGKILL the victim once a quarter has arrived, at a moment it holds claimed rows. Runs while the
            meetings are still being created: the dispatchers keep up with the births, so afterwards there may be
            nothing left to hold."""
            with app.app_context():
                deadline = time.monotonic() + 120
                while (len(push.received) < total * KILL_AT or _orphaned(victim.pid) == 0) \
                        and time.monotonic() < deadline:
                    time.sleep(0.01)
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                return len(push.received), _orphaned(victim.pid)

        pool = ThreadPoolExecutor(7)
        try:
            readers = [pool.submit(read_inbox, token) for token in list(tokens.values())[1:4]]
            killer = pool.submit(kill_mid_run)
            list(pool.map(schedule, range(MEETINGS), chunksize=1))  # the leader's three tabs: 3 at a time
            assert statuses == [201] * MEETINGS
            at_kill, orphaned = killer.result()
            assert at_kill < total and orphaned > 0, "the kill must land while the dispatcher holds rows"

            deadline = time.monotonic() + 90
            while (_left() or len(push.received) < total) and time.monotonic() < deadline:
                time.sleep(0.2)  # the survivors take the dead one's rows once its lease runs out
        finally:
            readers_stop.set()
            pool.shutdown()
        for reader in readers:
            reader.result()
        assert _left() == 0, "undelivered rows left"
    finally:
        for proc in [web, *dispatchers]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [web, *dispatchers]:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
    outputs = [proc.stdout.read() for proc in dispatchers[1:]]
    assert all(proc.returncode == 0 for proc in dispatchers[1:]) and all("Đã gửi" in out for out in outputs), outputs

    db.session.expire_all()
    assert db.session.scalar(select(func.count(Meeting.id))) == MEETINGS
    assert db.session.scalar(select(func.count(PushSubscription.id))) == MEMBERS + 1
    # the inbox: each member told of each meeting exactly once
    assert db.session.scalar(select(func.count(Notification.id))) == total
    assert db.session.scalar(select(func.count(func.distinct(Notification.dedupe_key)))) == total
    assert db.session.scalar(select(func.count(Delivery.id)).where(Delivery.status == DeliveryStatus.SENT)) == total
    # no loss: every notification reached its device
    counts = push.counts()
    assert len(counts) == total
    # the only rows sent again are the dead dispatcher's unrecorded ones; the survivors never duplicated anything
    resent = db.session.scalar(select(func.count(Delivery.id)).where(Delivery.attempts > 1))
    assert resent == orphaned, outputs
    assert max(counts.values()) <= 2
    twice = sum(1 for n in counts.values() if n == 2)
    assert twice <= min(resent, CONCURRENCY + (dispatch.MAX_UNRECORDED_GROUPS + 1) * dispatch.FLUSH_EVERY)
    print(f"\n{total} delivered; killed pid {victim.pid} after {at_kill} pushes holding {orphaned} rows; "
          f"re-sent {resent}, of which {twice} had reached the push service before the kill")
