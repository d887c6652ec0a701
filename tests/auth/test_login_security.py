"""Login throttling across processes, TOTP two-factor login for staff, and the audit of it all."""
from __future__ import annotations

import time

import pyotp
from sqlalchemy import select, text, update

from handbook import create_app
from handbook.audit.models import AuditEvent
from handbook.auth import throttle, totp
from handbook.auth.models import RateLimitCounter, RecoveryCode, TotpCredential
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.support import FreshContextClient, csrf_from, get_csrf, login, totp_code


def _post_login(client, name: str, password: str):
    return client.post("/login", data={"login": name, "password": password, "csrf_token": get_csrf(client)})


def test_five_failures_per_account_then_429_with_retry_after_then_the_window_ends(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    for _ in range(5):
        assert _post_login(client, "a@test.vn", "sai-mat-khau").status_code == 401
    blocked = _post_login(client, "A@test.vn", factory.PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 900
    assert "thử lại sau" in blocked.get_data(as_text=True)
    api = app.test_client().post("/api/v1/auth/token", json={"login": "a@test.vn", "password": factory.PASSWORD})
    assert api.status_code == 429 and api.get_json()["error"]["code"] == "too_many_attempts"
    assert _post_login(app.test_client(), "b@test.vn", "x-sai-mat-khau").status_code == 401  # other accounts go on
    db.session.execute(update(RateLimitCounter).values(expires_at=time.time() - 1))  # 15 minutes later
    db.session.commit()
    assert _post_login(client, "a@test.vn", factory.PASSWORD).status_code == 302
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("auth.login_failed") >= 5 and "auth.throttled" in actions and "auth.login" in actions


def test_per_ip_limit_and_two_app_instances_share_the_counter(app, factory, tmp_path):
    """Two separately built apps (as two gunicorn workers) on the same database see one counter."""
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "INSTANCE_PATH": str(tmp_path / "other"), "SECRET_KEY": "test-secret"})
    other.test_client_class = FreshContextClient
    app.config["LOGIN_LIMIT_IP"] = other.config["LOGIN_LIMIT_IP"] = "4 per 15 minutes"
    try:
        clients = [app.test_client(), other.test_client()]
        for n in range(4):
            response = _post_login(clients[n % 2], f"nobody{n}@test.vn", "sai-mat-khau")
            assert response.status_code == 401
        assert _post_login(clients[0], "someone@test.vn", "sai-mat-khau").status_code == 429
        assert _post_login(clients[1], "someone@test.vn", "sai-mat-khau").status_code == 429
    finally:
        app.config["LOGIN_LIMIT_IP"] = "30 per 15 minutes"


def test_database_storage_counts_atomically_and_expires(app):
    storage = throttle.DatabaseStorage()
    assert storage.check()
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") > time.time() + 50
    db.session.execute(update(RateLimitCounter).values(expires_at=time.time() - 1))
    db.session.commit()
    assert storage.get("k") == 0 and storage.incr("k", 60) == 1
    storage.clear("k")
    assert storage.get("k") == 0
    storage.incr("j", 60)
    assert storage.reset() == 1


def test_activation_code_entry_is_throttled(app, client, factory):
    app.config["LOGIN_LIMIT_IP"] = "3 per 15 minutes"
    try:
        for _ in range(3):
            page = client.get("/activate").get_data(as_text=True)
            response = client.post("/activate", data={"csrf_token": csrf_from(page), "code": "AAAAA-BBBBB",
                                                      "new_password": "Rau muống xào", "confirm": "Rau muống xào"})
            assert response.status_code == 400
        page = client.get("/activate").get_data(as_text=True)
        response = client.post("/activate", data={"csrf_token": csrf_from(page), "code": "AAAAA-BBBBB",
                                                  "new_password": "Rau muống xào", "confirm": "Rau muống xào"})
        assert response.status_code == 429
    finally:
        app.config["LOGIN_LIMIT_IP"] = "30 per 15 minutes"


def _staff(factory, email="canbo@test.vn"):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO, ward)
    staff = factory.user(email)
    factory.grant(staff, ward, Role.CAN_BO)
    leader = factory.user("bithu@test.vn")
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    return staff, leader


def test_who_must_use_a_second_factor(app, factory):
    staff, leader = _staff(factory)
    admin = factory.user("admin@test.vn", admin=True)
    member = factory.user("dv@test.vn")
    factory.commit()
    assert totp.required_for(staff) and totp.required_for(admin)
    assert not totp.required_for(leader) and not totp.required_for(member)


def test_staff_enrol_before_anything_else_then_need_a_code(app, client, factory):
    staff, _leader = _staff(factory)
    response = _post_login(client, "canbo@test.vn", factory.PASSWORD)
    assert response.headers["Location"] == "/login/2fa/setup"
    assert client.get("/").headers["Location"].startswith("/login")  # not signed in yet
    page = client.get("/login/2fa/setup").get_data(as_text=True)
    assert "<svg" in page and "Khóa bí mật" in page
    secret = db.session.get(TotpCredential, staff.id).secret
    wrong = client.post("/login/2fa/setup", data={"csrf_token": csrf_from(page), "code": "000000"})
    assert wrong.status_code == 400
    first = totp_code(secret)
    done = client.post("/login/2fa/setup", data={"csrf_token": csrf_from(page), "code": first})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and html.count("<li><code>") == 10
    codes = [line.split("<code>")[1].split("</code>")[0] for line in html.splitlines() if "<li><code>" in line]
    assert len(db.session.scalars(select(RecoveryCode.code_hash)).all()) == 10
    assert codes[0] not in db.session.scalars(select(RecoveryCode.code_hash)).all()  # only hashes are kept
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": get_csrf(client, "/profile")})

    assert _post_login(client, "canbo@test.vn", factory.PASSWORD).headers["Location"] == "/login/2fa"
    token = get_csrf(client, "/login/2fa")
    # the very code used at set-up (a fresh totp_code() would be a new code once a 30 s step has passed)
    replay = client.post("/login/2fa", data={"csrf_token": token, "code": first})
    assert replay.status_code == 400 and "đã được dùng" in replay.get_data(as_text=True)
    next_step = pyotp.TOTP(secret).at(time.time() + 30)  # ±1 step is accepted
    assert client.post("/login/2fa", data={"csrf_token": token, "code": next_step}).status_code == 302
    client.post("/logout", data={"csrf_token": get_csrf(client, "/profile")})

    _post_login(client, "canbo@test.vn", factory.PASSWORD)
    token = get_csrf(client, "/login/2fa")
    assert client.post("/login/2fa", data={"csrf_token": token, "code": codes[0].lower()}).status_code == 302
    client.post("/logout", data={"csrf_token": get_csrf(client, "/profile")})
    _post_login(client, "canbo@test.vn", factory.PASSWORD)
    again = client.post("/login/2fa", data={"csrf_token": get_csrf(client, "/login/2fa"), "code": codes[0]})
    assert again.status_code == 400  # a recovery code works once
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "auth.2fa_enrol" in actions and "auth.2fa_failed" in actions
    assert client.get("/account/2fa/disable").status_code == 302  # pending, not signed in → login


def test_api_token_for_staff_needs_the_code(app, factory):
    staff, _leader = _staff(factory)
    client = app.test_client()
    body = {"login": "canbo@test.vn", "password": factory.PASSWORD}
    first = client.post("/api/v1/auth/token", json=body)
    assert first.status_code == 403 and first.get_json()["error"]["code"] == "totp_enrolment_required"
    login(app.test_client(), "canbo@test.vn")  # the helper enrols staff with the test secret
    assert client.post("/api/v1/auth/token", json=body).get_json()["error"]["code"] == "otp_required"
    assert client.post("/api/v1/auth/token", json={**body, "otp": "000000"}).get_json()["error"]["code"] == \
        "invalid_otp"
    db.session.execute(update(TotpCredential).values(last_step=None))
    db.session.commit()
    ok = client.post("/api/v1/auth/token", json={**body, "otp": totp_code()})
    assert ok.status_code == 200 and ok.get_json()["token"]


def test_a_member_may_turn_two_factor_on_and_off(app, client, factory):
    user = factory.user("dv@test.vn")
    factory.commit()
    login(client, "dv@test.vn")
    page = client.get("/account/2fa").get_data(as_text=True)
    secret = db.session.get(TotpCredential, user.id).secret
    wrong = client.post("/account/2fa", data={"csrf_token": csrf_from(page), "code": "000000"})
    assert wrong.status_code == 400 and "Mã không đúng" in wrong.get_data(as_text=True)
    assert not totp.is_enrolled(user.id)
    assert client.post("/account/2fa", data={"csrf_token": csrf_from(page), "code": totp_code(secret)}).status_code \
        == 200
    assert totp.is_enrolled(user.id)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == user.id)).all()
    assert "auth.2fa_failed" in actions and "auth.2fa_enrol" in actions
    page = client.get("/account/2fa/disable").get_data(as_text=True)
    assert client.post("/account/2fa/disable", data={"csrf_token": csrf_from(page), "password": "sai"}).status_code \
        == 400
    assert client.post("/account/2fa/disable", data={"csrf_token": csrf_from(page),
                                                     "password": factory.PASSWORD}).status_code == 302
    assert not totp.is_enrolled(user.id)
    assert "auth.2fa_disable" in db.session.scalars(select(AuditEvent.action)).all()


def test_failed_login_audit_names_the_account_and_ip_never_the_password(app, client, factory):
    user = factory.user("a@test.vn")
    factory.commit()
    _post_login(client, "a@test.vn", "bi-mat-khong-ghi")
    login(client, "a@test.vn")
    client.post("/logout", data={"csrf_token": get_csrf(client, "/profile")})
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["auth.login_failed", "auth.login", "auth.logout"]
    assert events[0].actor_id == user.id and events[0].ip == "127.0.0.1"
    assert "bi-mat" not in repr([e.details for e in events])


def test_authenticator_seeds_are_stored_sealed(app, factory, monkeypatch):
    staff, _leader = _staff(factory)
    secret = totp.pending_secret(staff)
    raw = db.session.execute(text("SELECT secret FROM totp_credentials WHERE user_id = :id"),
                             {"id": staff.id}).scalar_one()
    from handbook.core.sealing import unseal

    assert secret not in raw and unseal(raw) == secret  # the database holds only the sealed form
    db.session.expire_all()
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-key-after-a-rotation")
    assert db.session.get(TotpCredential, staff.id).secret is None  # unreadable, never a 500
    assert totp.verify(staff.id, totp_code(secret), confirming=True) is False
    fresh = totp.pending_secret(staff)  # setting up again replaces the unreadable seed
    assert fresh != secret and db.session.get(TotpCredential, staff.id).secret == fresh
