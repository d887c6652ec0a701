"""POST /pwa/seen-installed: a signed-in account's app_seen_at moves to now (204), nothing else is kept; anyone else
gets 401 JSON and nothing changes; the CSRF token is required."""
from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from handbook.auth.models import User, UserSession
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from tests.support import csrf_from, signed_in


def _token(client) -> str:
    """The token the layout carries for scripts (<meta name="csrf-token">), as app.js reads it."""
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True))
    assert match, "the layout has no CSRF token"
    return match.group(1)


def test_signed_in_account_records_the_time_only(app, factory):
    user = factory.user("dv@test.vn")
    factory.commit()
    client = signed_in(app, "dv@test.vn")
    token = _token(client)
    sessions_before = db.session.execute(select(UserSession.ip, UserSession.user_agent)).all()
    now = utcnow().replace(microsecond=0) + timedelta(minutes=1)  # a minute on: the session is still live
    with time_machine.travel(now, tick=False):
        response = client.post("/pwa/seen-installed", headers={"X-CSRFToken": token, "User-Agent": "Phone/1.0"})
    assert (response.status_code, response.data) == (204, b"")
    db.session.expire_all()
    seen = db.session.get(User, user.id).app_seen_at
    assert seen.replace(tzinfo=None) == now.replace(tzinfo=None)
    # no device or address kept anywhere new: the session rows are as they were
    assert db.session.execute(select(UserSession.ip, UserSession.user_agent)).all() == sessions_before


def test_anonymous_gets_401_json_and_nothing_changes(app, factory):
    factory.user("dv@test.vn")
    factory.commit()
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))  # a valid token for this anonymous session
    response = client.post("/pwa/seen-installed", headers={"X-CSRFToken": token})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"]
    assert "đăng nhập" in response.get_json()["error"]["message"]
    assert db.session.scalar(select(func.count()).select_from(User).where(User.app_seen_at.is_not(None))) == 0


def test_without_the_csrf_token_nothing_is_recorded(app, factory):
    factory.user("dv@test.vn")
    factory.commit()
    client = signed_in(app, "dv@test.vn")
    assert client.post("/pwa/seen-installed").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(User).where(User.app_seen_at.is_not(None))) == 0
