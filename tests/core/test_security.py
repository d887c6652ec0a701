"""Headers, cookies, server-side sessions and the privacy notice (ASVS level 2, docs/security.md)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from handbook.auth import consent, sessions
from handbook.auth.models import ApiToken, PrivacyConsent, UserSession
from handbook.auth.passwords import PasswordRejected, check_password
from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from tests.support import build_app, csrf_from, get_csrf, login


def _logout(client):
    return client.post("/logout", data={"csrf_token": get_csrf(client, "/profile")})


def test_security_headers_on_every_response(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    for path in ("/login", "/static/app.css", "/sw.js", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        for part in ("default-src 'self'", "script-src 'self'", "worker-src 'self'", "object-src 'none'",
                     "base-uri 'none'", "frame-ancestors 'none'", "style-src 'self'"):
            assert part in csp, (path, part)
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_store_on_personal_pages_and_api_static_keeps_caching(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    assert client.get("/api/v1/openapi.json").headers["Cache-Control"] == "no-store"
    assert login(client, "a@test.vn").status_code == 302
    for path in ("/", "/profile", "/meetings", "/notifications"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    assert "no-store" not in client.get("/static/app.css").headers.get("Cache-Control", "")


def test_session_cookie_flags_and_host_prefix_behind_https(app, client, factory, tmp_path):
    factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    secure_app = build_app(tmp_path, "securecookies", SECURE_COOKIES="1")
    assert secure_app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    with secure_app.test_request_context("/", base_url="https://localhost"):
        from flask import session
        session["x"] = 1
        response = secure_app.response_class()
        secure_app.session_interface.save_session(secure_app, session, response)
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-session=") and "Secure" in header and "Path=/" in header
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Domain" not in header


def test_login_starts_a_new_session_and_logout_revokes_a_copied_cookie(app, client, factory):
    user = factory.user("a@test.vn")
    factory.commit()
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    login(client, "a@test.vn")
    with client.session_transaction() as after:
        assert "planted" not in after and after["sid"]
        sid = after["sid"]
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/profile").status_code == 200
    assert _logout(client).status_code == 302
    assert db.session.get(UserSession, sessions.digest(sid)).revoked_at is not None
    assert copy.get("/profile").headers["Location"].startswith("/login")
    assert copy.get("/api/v1/me").status_code == 401
    assert user.id


def test_idle_and_absolute_timeouts(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    assert client.get("/profile").status_code == 200
    idle = app.config["SESSION_IDLE_MINUTES"]
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=idle + 1)))
    db.session.commit()
    assert client.get("/profile").status_code == 302
    login(client, "a@test.vn")
    hours = app.config["SESSION_MAX_HOURS"]
    db.session.execute(update(UserSession).where(UserSession.revoked_at.is_(None))
                       .values(created_at=utcnow() - timedelta(hours=hours, minutes=1), last_seen_at=utcnow()))
    db.session.commit()
    assert client.get("/profile").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    row = db.session.scalar(select(UserSession))
    first = row.last_seen_at
    client.get("/profile")
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) == first
    earlier = utcnow() - timedelta(minutes=2)
    db.session.execute(update(UserSession).values(last_seen_at=earlier))
    db.session.commit()
    client.get("/profile")
    db.session.expire_all()
    assert as_utc(db.session.scalar(select(UserSession.last_seen_at))) > earlier + timedelta(minutes=1)


def test_password_change_ends_other_sessions_and_tokens_and_lists_sessions(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    other = app.test_client()
    login(other, "a@test.vn")
    token = app.test_client().post("/api/v1/auth/token", json={"login": "a@test.vn",
                                                               "password": factory.PASSWORD}).get_json()
    login(client, "a@test.vn")
    profile = client.get("/profile").get_data(as_text=True)
    assert "Phiên đăng nhập" in profile and "thiết bị này" in profile and "Đăng xuất phiên này" in profile
    response = client.post("/password", data={"csrf_token": csrf_from(profile), "current_password": factory.PASSWORD,
                                              "new_password": "Rau muống xào tỏi", "confirm": "Rau muống xào tỏi"})
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302
    headers = {"Authorization": f"Bearer {token['token']}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert db.session.scalar(select(ApiToken.revoked_at)) is not None


def test_sign_out_one_device_and_all_others(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    phones = [app.test_client() for _ in range(2)]
    for phone in phones:
        login(phone, "a@test.vn")
    login(client, "a@test.vn")
    own = sessions.digest(client.session_transaction().__enter__()["sid"])
    others = [row.id for row in db.session.scalars(select(UserSession).where(UserSession.id != own))]
    token = get_csrf(client, "/profile")
    assert client.post(f"/account/sessions/{others[0]}/revoke", data={"csrf_token": token}).status_code == 302
    assert sum(p.get("/profile").status_code == 302 for p in phones) == 1
    assert client.post(f"/account/sessions/{own}/revoke", data={"csrf_token": token}).status_code == 400
    assert client.post("/account/sessions/revoke-others", data={"csrf_token": token}).status_code == 302
    assert all(p.get("/profile").status_code == 302 for p in phones)
    assert client.get("/profile").status_code == 200


def test_deactivated_account_loses_sessions_and_tokens(app, client, factory):
    user = factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    token = client.post("/api/v1/auth/token", json={"login": "a@test.vn", "password": factory.PASSWORD},
                        headers={"X-CSRFToken": get_csrf(client, "/profile")}).get_json()["token"]
    user.is_active_account = False
    db.session.commit()
    assert client.get("/profile").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_password_rules(app, factory):
    user = factory.user("nguyen.van.a@test.vn", phone="+84912345678")
    factory.commit()
    check_password("Demo@2026")  # the demo password stays valid
    for bad, words in (("ngắn", "ít nhất 8"), ("password1", "phổ biến"), ("MATKHAU123", "phổ biến"),
                       ("dangvien123", "phổ biến"), ("0912345678", "trùng"), ("nguyen.van.a", "trùng")):
        try:
            check_password(bad, user)
        except PasswordRejected as exc:
            assert words in str(exc), bad
        else:
            raise AssertionError(f"{bad} was accepted")


def test_weak_password_refused_at_change(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    token = get_csrf(client, "/password")
    response = client.post("/password", data={"csrf_token": token, "current_password": factory.PASSWORD,
                                              "new_password": "12345678", "confirm": "12345678"})
    assert response.status_code == 400 and "quá phổ biến" in response.get_data(as_text=True)


def test_first_login_asks_for_consent_and_a_new_notice_asks_again(app, client, factory, monkeypatch):
    factory.user("new@test.vn", consented=False)
    factory.commit()
    assert login(client, "new@test.vn").headers["Location"] == "/"
    assert client.get("/meetings").headers["Location"] == "/privacy?next=/meetings"
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "consent_required"
    assert client.get("/api/v1/privacy").get_json()["accepted"] is False
    token = get_csrf(client, "/privacy")
    outdated = client.post("/api/v1/privacy/consent", json={"version": "1999"}, headers={"X-CSRFToken": token})
    assert outdated.status_code == 409
    ok = client.post("/api/v1/privacy/consent", json={"version": consent.NOTICE_VERSION},
                     headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.get_json()["accepted"] is True
    row = db.session.scalar(select(PrivacyConsent))
    assert row.version == consent.NOTICE_VERSION and row.ip == "127.0.0.1"
    assert client.get("/meetings").status_code == 200
    monkeypatch.setattr(consent, "NOTICE_VERSION", "2099-01")
    assert client.get("/meetings").headers["Location"].startswith("/privacy")
    page = client.get("/privacy").get_data(as_text=True)
    assert client.post("/privacy/accept", data={"csrf_token": csrf_from(page), "next": "/meetings"}).headers[
        "Location"] == "/meetings"
    assert client.get("/meetings").status_code == 200
    assert client.get("/privacy").status_code == 200 and app.test_client().get("/privacy").status_code == 200
