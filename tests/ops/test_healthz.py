"""/healthz: database reachable, migrations current, the worker's heartbeat; cheap and public."""
from __future__ import annotations

from datetime import timedelta

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.notify.models import WorkerHeartbeat


def test_healthy_without_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["migrations"] == "current"
    assert body["worker"] == {"last_heartbeat": None, "age_seconds": None, "ok": False}
    assert response.headers["Cache-Control"] == "no-store"


def test_worker_heartbeat_is_reported(client, app):
    db.session.add(WorkerHeartbeat(name="dispatch", last_run_at=utcnow(), last_ok_at=utcnow() - timedelta(seconds=7)))
    db.session.commit()
    worker = client.get("/healthz").get_json()["worker"]
    assert worker["ok"] is True and 6 <= worker["age_seconds"] <= 60 and worker["last_heartbeat"]
    db.session.execute(db.update(WorkerHeartbeat).values(last_ok_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200  # a stopped worker is reported, the web still serves
    assert response.get_json()["worker"]["ok"] is False


def test_migrations_behind_is_503(client, app, monkeypatch):
    heads = app.extensions["migration_heads"]
    monkeypatch.setitem(app.extensions, "migration_heads", frozenset({"9999_newer"}))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["migrations"] == "behind" and body["expected_heads"] == ["9999_newer"]
    assert body["database_heads"] == sorted(heads)
    assert response.headers["Retry-After"]


def test_no_script_directory_scan_per_request(client, monkeypatch):
    import alembic.script

    def boom(*args, **kwargs):
        raise AssertionError("healthz scanned the migration scripts")

    monkeypatch.setattr(alembic.script.ScriptDirectory, "get_heads", boom)
    monkeypatch.setattr(alembic.script.ScriptDirectory, "__init__", boom)
    assert client.get("/healthz").status_code == 200


def test_database_error_is_503(client, app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def fail(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.engine, "connect", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "error" and "server closed" not in response.get_data(as_text=True)
