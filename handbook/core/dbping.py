"""PostgreSQL: a pooled connection is tested before use only when it has sat idle in the pool.

SQLAlchemy's `pool_pre_ping` tests every connection at every checkout — one more round trip per request, which
measured 1.5 ms of server CPU on a member's page (benchmarks/load.py). A connection that went back to the pool a
moment ago is as good as the request that returned it found it; one that waited longer than `idle_seconds` may
have been cut by a database restart, a failover or a firewall while nobody used it, so it is pinged, and a failed
ping throws the whole pool away (as `pool_pre_ping` does) and the checkout takes a fresh connection. A connection
that dies between two busy requests fails that one request with the outage page (handbook/core/outage.py), and
the disconnect it raised empties the pool too: the next request connects afresh.
"""
from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError

IDLE_SECONDS = 10.0


def ping_when_idle(engine: Engine, idle_seconds: float = IDLE_SECONDS) -> None:
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _back_in_pool(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken_from_pool(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_seconds:
            return  # a new connection, or one in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            raise InvalidatePoolError(f"idle connection failed its ping: {type(exc).__name__}") from exc
