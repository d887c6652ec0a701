"""Server-side sessions: the cookie carries a random token, the `user_sessions` row decides whether it
still counts (logout, idle and absolute timeouts, "sign out everywhere else")."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from handbook.audit.service import Actor, record
from handbook.auth.events import ended_elsewhere
from handbook.auth.models import User, UserSession
from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often (page latency)
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("coc_coc", "Cốc Cốc"),
             ("Zalo", "Zalo"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium", "Chromium"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def summarise_agent(user_agent: str | None) -> str:
    """'Mozilla/5.0 (Linux; Android 13 …) Chrome/120 …' → 'Chrome · Android' (enough to recognise a device)."""
    text = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in text), "")
    system = next((name for mark, name in _SYSTEMS if mark in text), "")
    return " · ".join(part for part in (browser, system) if part) or text[:40]


def start(user: User, ip: str | None, user_agent: str | None) -> str:
    """A new session row for `user`; returns the token to put in the cookie (never stored as such)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserSession(id=digest(token), user_id=user.id, created_at=now, last_seen_at=now, ip=ip,
                               user_agent=summarise_agent(user_agent)[:80]))
    user.last_login_at = now
    db.session.commit()
    return token


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_MAX_HOURS"])


def is_current(row, now: datetime | None = None) -> bool:
    """Not revoked, used within the idle limit, younger than the absolute limit (`row`: a `UserSession`, or a
    result row with its `revoked_at`, `last_seen_at` and `created_at`)."""
    now = now or utcnow()
    idle, absolute = _limits()
    return (row.revoked_at is None and as_utc(row.last_seen_at) + idle > now
            and as_utc(row.created_at) + absolute > now)


# every signed-in request runs it: built once (benchmarks/load.py)
_SESSION_USER = (select(User, UserSession.id, UserSession.created_at, UserSession.last_seen_at,
                        UserSession.revoked_at)
                 .join(User, User.id == UserSession.user_id).where(UserSession.id == bindparam("session_id")))


def user_for(token: str | None, user_id: str) -> User | None:
    """The signed-in user for a session cookie, or None if the session ended (one query; a write ≤ 1/min)."""
    if not token or not user_id.isdigit():
        return None
    now = utcnow()
    row = db.session.execute(_SESSION_USER, {"session_id": digest(token)}).first()
    if row is None:
        return None
    user = row[0]
    if user.id != int(user_id) or not user.is_active_account or not is_current(row, now):
        return None
    if as_utc(row.last_seen_at) + TOUCH_EVERY <= now:
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        db.session.commit()
    return user


def revoke(user_id: int, session_id: str) -> bool:
    """End one of the member's own sessions; False if there is no such live session."""
    done = db.session.execute(
        update(UserSession).where(UserSession.id == session_id, UserSession.user_id == user_id,
                                  UserSession.revoked_at.is_(None)).values(revoked_at=utcnow())
    ).rowcount
    db.session.commit()
    return bool(done)


def revoke_token(token: str | None) -> None:
    if token:
        db.session.execute(update(UserSession).where(UserSession.id == digest(token)).values(revoked_at=utcnow()))
        db.session.commit()


def revoke_all(user_id: int, *, except_token: str | None = None, commit: bool = True) -> int:
    """End every session of a member (a password change keeps the current one)."""
    query = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if except_token:
        query = query.where(UserSession.id != digest(except_token))
    count = db.session.execute(query.values(revoked_at=utcnow())).rowcount
    if commit:
        db.session.commit()
    return count


def end_other_access(user_id: int, keep_session: str | None = None, *, actor: Actor, reason: str) -> int:
    """After a change of the member's credentials (a password set by activation code or changed, two-factor login
    set up, turned off or reset by an administrator): end every session of `user_id` but `keep_session` (the
    cookie token of the member making their own change, who stays signed in) and every API token; then the
    features end the bearer credentials they keep (`events.credentials_changed`: calendar feed addresses, push
    devices); audited — all in the caller's transaction (the caller commits). `reason` names the change in the
    audit log. Returns how many sessions ended."""
    from handbook.auth.service import revoke_api_tokens  # service imports this module

    ended = revoke_all(user_id, except_token=keep_session, commit=False)
    tokens = revoke_api_tokens(user_id)
    record("auth.sessions_revoked", actor, target_type="user", target_id=user_id, count=ended, tokens=tokens,
           reason=reason, **ended_elsewhere(user_id))
    return ended


def live_sessions(user_id: int) -> list[UserSession]:
    """The member's sessions that still count, most recently used first."""
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    now = utcnow()
    return [row for row in rows if is_current(row, now)]
