"""`/healthz` for load balancers and monitoring: database reachable, migrations current, worker alive.

The migration head is read from the script directory once at start-up; a request costs one connection and
two small queries, so a probe every second is cheap.
"""
from __future__ import annotations

import os

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.notify.health import STALE
from handbook.notify.models import WorkerHeartbeat

bp = Blueprint("ops", __name__)


def init_health(app: Flask, migrations_dir: str) -> None:
    """Remember the migration heads this code expects (one scan of migrations/versions per process)."""
    app.extensions["migration_heads"] = frozenset(ScriptDirectory(os.path.abspath(migrations_dir)).get_heads())


def check() -> tuple[dict, bool]:
    """The health report and whether the app can serve (database reachable and schema current)."""
    expected = current_app.extensions["migration_heads"]
    report: dict = {"status": "ok", "database": "ok", "migrations": "current",
                    "worker": {"last_heartbeat": None, "age_seconds": None, "ok": False}}
    try:
        with db.engine.connect() as conn:
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
            last = conn.execute(select(func.max(WorkerHeartbeat.last_ok_at))).scalar()
    except SQLAlchemyError as exc:
        current_app.logger.warning("healthz: database unreachable (%s)", type(exc).__name__)
        report.update(status="unavailable", database="error", migrations="unknown")
        return report, False
    if current != expected:
        report.update(status="unavailable", migrations="behind", expected_heads=sorted(expected),
                      database_heads=sorted(current))
    if last is not None:
        last = as_utc(last)
        age = (utcnow() - last).total_seconds()
        report["worker"] = {"last_heartbeat": last.isoformat(), "age_seconds": int(age),
                            "ok": age <= STALE.total_seconds()}
    return report, current == expected


@bp.get("/healthz")
def healthz():
    report, ok = check()
    response = jsonify(report)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    if not ok:
        response.headers["Retry-After"] = "30"
    return response
