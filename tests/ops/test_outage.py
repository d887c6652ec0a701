"""The database away for a while: a Vietnamese 503 page / JSON 503 with Retry-After, nothing half-written,
and the same app serving again once the database is back (no restart)."""
from __future__ import annotations

import base64
import os
import secrets
import shutil
import sqlite3
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from handbook.extensions import db
from handbook.notify.models import PushSubscription
from tests.factories import Factory
from tests.support import build_app, get_csrf, login

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


def _subscription() -> dict:
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return {"endpoint": f"https://fcm.googleapis.com/fcm/send/{secrets.token_hex(8)}",
            "keys": {"p256dh": b64(key), "auth": b64(secrets.token_bytes(16))}}


@pytest.fixture
def outage_app(tmp_path):
    # SQLite: a short busy timeout, so a locked file answers in a second rather than after 30.
    extra = {} if ON_POSTGRES else {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.5}}}
    yield from _scene(tmp_path, **extra)


def _scene(tmp_path, **extra):
    """An app with one signed-in member: (app, client, CSRF token)."""
    app = build_app(tmp_path, "outage", **extra)
    with app.app_context():
        factory = Factory()
        org = factory.org("Chi bộ A")
        factory.member(org, factory.user("dv@test.vn"))
        factory.commit()
        client = app.test_client()
        assert login(client, "dv@test.vn").status_code == 302
        token = get_csrf(client, "/notifications/settings")
        db.session.remove()
        yield app, client, token
        db.session.remove()
        db.engine.dispose()


def _subscriptions(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(PushSubscription.id)))
        db.session.remove()
        return count


def _assert_unavailable(client, token):
    page = client.get("/profile")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    html = page.get_data(as_text=True)
    assert "không kết nối được cơ sở dữ liệu" in html and "chưa được lưu" in html
    assert "Traceback" not in html and "sqlalchemy" not in html.lower() and "psycopg" not in html.lower()
    api = client.get("/api/v1/me")
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json()["error"]["code"] == "database_unavailable"
    write = client.post("/api/v1/push/subscriptions", json=_subscription(), headers={"X-CSRFToken": token})
    assert write.status_code == 503 and write.get_json()["error"]["code"] == "database_unavailable"


def _assert_recovered(app, client, token):
    assert client.get("/profile").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert _subscriptions(app) == 0  # the write refused during the outage left nothing behind
    again = client.post("/api/v1/push/subscriptions", json=_subscription(), headers={"X-CSRFToken": token})
    assert again.status_code == 201
    assert _subscriptions(app) == 1
    assert client.get("/healthz").status_code == 200


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL: TEST_DATABASE_URL")
def test_postgres_unreachable_then_back(outage_app):
    app, client, token = outage_app
    name = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    admin = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    assert client.get("/profile").status_code == 200  # the pool now holds live connections
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        _assert_unavailable(client, token)
        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] == "error"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    _assert_recovered(app, client, token)


def _cut_connections(app) -> None:
    """End every server process of the app's database (a restart, a failover, a firewall dropping idle links)."""
    name = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    admin = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        ended = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar()
    admin.dispose()
    assert ended >= 1  # the pool's connection was there to cut


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL: TEST_DATABASE_URL")
def test_postgres_connection_cut_while_idle_costs_no_request(tmp_path):
    """A pooled connection that waited past DB_PING_IDLE_SECONDS is pinged first and replaced when dead."""
    for app, client, _token in _scene(tmp_path, DB_PING_IDLE_SECONDS=0.2):
        assert client.get("/profile").status_code == 200
        _cut_connections(app)
        time.sleep(0.3)
        assert client.get("/profile").status_code == 200
        assert client.get("/api/v1/me").status_code == 200


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL: TEST_DATABASE_URL")
def test_postgres_connection_cut_between_busy_requests_costs_one(tmp_path):
    """A connection in use a moment ago is not pinged (a round trip saved on every request): if it died in
    between, that one request gets the outage page, and the disconnect empties the pool for the next."""
    for app, client, _token in _scene(tmp_path, DB_PING_IDLE_SECONDS=3600):
        assert client.get("/profile").status_code == 200
        _cut_connections(app)
        assert client.get("/profile").status_code == 503
        assert client.get("/profile").status_code == 200
        assert client.get("/api/v1/me").status_code == 200


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite only")
def test_sqlite_locked_then_released(outage_app):
    """Another process holds the file's exclusive lock (a long maintenance job, a stuck copy)."""
    app, client, token = outage_app
    with app.app_context():
        db.engine.dispose()  # WAL mode (extensions.py): a file lock that stops readers needs the file to itself
    holder = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database, isolation_level=None)
    try:
        # readers pass a plain exclusive transaction in WAL mode; the exclusive locking mode keeps them out
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        _assert_unavailable(client, token)
    finally:
        holder.execute("ROLLBACK")
        holder.execute("PRAGMA locking_mode=NORMAL")
        holder.execute("SELECT 1")  # the next access releases the lock
        holder.close()
    _assert_recovered(app, client, token)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite only")
def test_sqlite_write_failing_at_commit_keeps_nothing(outage_app):
    """Reads still work, but the commit cannot get the write lock: the whole write is rolled back."""
    app, client, token = outage_app
    holder = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer's lock, held until ROLLBACK (WAL: readers still pass)
        assert client.get("/profile").status_code == 200
        write = client.post("/api/v1/push/subscriptions", json=_subscription(), headers={"X-CSRFToken": token})
        assert write.status_code == 503 and write.headers["Retry-After"] == "30"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_recovered(app, client, token)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite only")
def test_sqlite_file_unopenable_then_back(outage_app, tmp_path):
    """The file cannot be opened (its disk unmounted, say): new connections fail until it is back."""
    app, client, token = outage_app
    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    with app.app_context():
        db.engine.dispose()  # connections opened before the outage would still read the old file
    shutil.move(path, path + ".away")
    os.mkdir(path)  # a directory where the file was: "unable to open database file"
    try:
        _assert_unavailable(client, token)
    finally:
        os.rmdir(path)
        shutil.move(path + ".away", path)
    _assert_recovered(app, client, token)
