"""Login throttling (Flask-Limiter) with counters every web process shares.

`limits` has no SQL storage, so `DatabaseStorage` keeps fixed-window counters in our own `rate_limits`
table (SQLite or PostgreSQL; one atomic upsert per failed attempt). It is the default
(`RATELIMIT_STORAGE_URI=handbook-db://`); a big deployment may point the setting at redis:// instead.
Only failed attempts count, per account and per IP, inside a window: nobody is locked out for good.
"""
from __future__ import annotations

import random
from datetime import UTC, datetime

from flask import current_app, g, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.errors import RateLimitExceeded
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from handbook.auth.models import RateLimitCounter
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import timestamp
from handbook.extensions import db


class DatabaseStorage(Storage):
    """A `limits` storage backed by the application's database (fixed windows only)."""

    STORAGE_SCHEME = ["handbook-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's window, starting a new window if the old one ran out — atomically."""
        now = timestamp()
        table = RateLimitCounter.__table__
        insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(table)
        insert = insert.values(key=key, count=amount, expires_at=now + expiry)
        ended = table.c.expires_at <= now
        statement = insert.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": case((ended, insert.excluded.count), else_=table.c.count + insert.excluded.count),
                  "expires_at": case((ended, insert.excluded.expires_at), else_=table.c.expires_at)},
        ).returning(table.c.count)
        with db.engine.begin() as conn:
            count = conn.execute(statement).scalar_one()
            if random.random() < 0.01:  # now and then, drop windows that ended long ago
                conn.execute(delete(table).where(table.c.expires_at < now - 3600))
        return count

    def _row(self, key: str):
        with db.engine.connect() as conn:
            return conn.execute(select(RateLimitCounter.count, RateLimitCounter.expires_at)
                                .where(RateLimitCounter.key == key)).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row is not None and row.expires_at > timestamp() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row is not None and row.expires_at > timestamp() else timestamp()

    def check(self) -> bool:
        try:
            with db.engine.connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(RateLimitCounter.__table__).where(RateLimitCounter.key == key))


def client_ip() -> str:
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_ip)


def mark_failed(user_id: int | None = None) -> None:
    """The view calls this when the credentials were wrong: only such attempts are counted."""
    g.auth_failed = True
    g.auth_failed_user = user_id


def _failed(_response) -> bool:
    return bool(g.get("auth_failed"))


def account_limit(key_func, scope: str):
    """Failures per account (`key_func` names the account as typed, or its id), shared across the forms of
    `scope` (the login page and the API token share one counter per account)."""
    return limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], scope=f"account-{scope}",
                                key_func=key_func, deduct_when=_failed, on_breach=_record_breach, methods=["POST"])


def login_key() -> str:
    """The account a login attempt names, normalised as the login itself is ('0901…' = '+84901…')."""
    from handbook.auth.identifiers import IdentifierError, parse_login

    raw = request.form.get("login") if request.form else None
    if raw is None and request.is_json:
        body = request.get_json(silent=True)
        raw = body.get("login") if isinstance(body, dict) and isinstance(body.get("login"), str) else None
    try:
        return parse_login(raw or "")[1]
    except IdentifierError:
        return (raw or "").strip().lower()[:254] or "-"


def ip_limit(scope: str):
    """Failures per client address, shared by every throttled form of the same `scope`."""
    return limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_IP"], scope=f"ip-{scope}",
                                key_func=client_ip, deduct_when=_failed, on_breach=_record_breach, methods=["POST"])


def _record_breach(limit: RequestLimit) -> None:
    from handbook.audit.service import Actor, record

    record("auth.throttled", Actor(ip=client_ip()), status=429, source=request.endpoint or "")
    db.session.commit()


def hit(limit: str, scope: str, key: str) -> float | None:
    """Count one attempt of `key` (e.g. a user id) at `scope` against `limit` ("10 per hour"), in the same shared
    storage as the login limits: None while within it, else when (epoch seconds) the window ends. For features
    that count every attempt of a signed-in user, whatever its outcome."""
    from limits import parse

    item = parse(limit)
    if limiter.limiter.hit(item, scope, key):
        return None
    return limiter.limiter.get_window_stats(item, scope, key).reset_time


def local_time(reset_at: float) -> str:
    """'14:05': when a window ends, in the users' time zone."""
    from handbook.core.timeutil import to_local

    return to_local(datetime.fromtimestamp(reset_at, UTC)).strftime("%H:%M")


def retry_message(reset_at: float) -> str:
    from handbook.core.timeutil import to_local

    when = to_local(datetime.fromtimestamp(reset_at, UTC)).strftime("%H:%M")
    minutes = max(1, round((reset_at - timestamp()) / 60))
    return _("Đồng chí đã nhập sai quá nhiều lần. Vì an toàn, vui lòng thử lại sau %(when)s (khoảng %(n)d phút "
             "nữa). Nếu quên mật khẩu, hãy xin bí thư chi bộ mã kích hoạt mới.", when=when, n=minutes)


def too_many(exc: RateLimitExceeded):
    from handbook.core.web import error_response

    current = limiter.current_limit
    reset_at = current.reset_at if current is not None else timestamp() + 900
    response = error_response(429, retry_message(reset_at), code="too_many_attempts")
    wait = str(max(1, int(reset_at - timestamp())))
    if isinstance(response, tuple):
        return response[0], response[1], {"Retry-After": wait}
    response.headers["Retry-After"] = wait
    return response


def init_app(app) -> None:
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many)
