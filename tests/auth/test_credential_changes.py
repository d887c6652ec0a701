"""Every change of a member's credentials — a password set with an activation code (a reset), a password change,
two-factor login set up, turned off, or reset by an administrator — ends the member's OTHER sessions and API
tokens (the signed-in member making their own change stays signed in), their calendar feed addresses and push
devices, in the same transaction, audited."""
from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select, update

from handbook.audit.models import AuditEvent
from handbook.auth import service, sessions, totp
from handbook.auth.models import ApiToken, TotpCredential, User, UserSession
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.support import TEST_TOTP_SECRET, csrf_from, get_csrf, login, totp_code


def _elsewhere(app, factory, user: User, email: str):
    """A signed-in browser and an API token of `user` on other devices."""
    browser = app.test_client()
    login(browser, email)
    assert browser.get("/profile").status_code == 200
    token = service.create_api_token(user)
    assert _api_ok(app, token)
    return browser, token


def _api_ok(app, token: str) -> bool:
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def _ended(user_id: int, reason: str) -> AuditEvent:
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sessions_revoked",
                                                          AuditEvent.target_id == user_id)).all()
    assert event.details["reason"] == reason
    return event


def _no_live_access(user_id: int) -> None:
    db.session.expire_all()
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == user_id,
                                                        UserSession.revoked_at.is_(None))).all() == []
    assert db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id,
                                                     ApiToken.revoked_at.is_(None))).all() == []


def test_a_password_reset_by_activation_code_ends_every_session_and_token(app, client, factory):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    leader = factory.user("bithu@test.vn")
    factory.grant(leader, cell, Role.BI_THU)
    user = factory.user("dv@test.vn")
    factory.member(cell, user)
    factory.commit()
    browser, token = _elsewhere(app, factory, user, "dv@test.vn")

    code = service.issue_activation_code(user, leader)  # "I forgot my password": the leader issues a new code
    response = client.post("/activate", data={"csrf_token": get_csrf(client, "/activate"), "code": code,
                                              "new_password": "Mật khẩu mới 2026", "confirm": "Mật khẩu mới 2026"})
    assert response.status_code == 302 and client.get("/profile").status_code == 200  # signed in on a new session
    assert browser.get("/profile").status_code == 302  # the old session (maybe the thief's) is over
    assert not _api_ok(app, token)
    event = _ended(user.id, "activation")
    assert event.actor_id == user.id and event.details["count"] == 1 and event.details["tokens"] == 1


def test_two_activations_with_one_code_set_one_password(app, factory):
    user = factory.user("dv@test.vn", password=False)
    factory.commit()
    code = service.issue_activation_code(user, None)
    service.activate(code, "Mật khẩu thứ nhất")
    with pytest.raises(service.AuthError, match="đã được sử dụng"):
        service.activate(code, "Mật khẩu thứ hai")


def test_a_password_change_keeps_only_the_current_session(app, client, factory):
    user = factory.user("dv@test.vn")
    factory.commit()
    browser, token = _elsewhere(app, factory, user, "dv@test.vn")
    login(client, "dv@test.vn")
    response = client.post("/password", data={"csrf_token": get_csrf(client, "/password"),
                                              "current_password": factory.PASSWORD,
                                              "new_password": "Rau muống xào tỏi", "confirm": "Rau muống xào tỏi"})
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200 and browser.get("/profile").status_code == 302
    assert not _api_ok(app, token)
    assert _ended(user.id, "password_change").details == {"reason": "password_change", "count": 1, "tokens": 1,
                                                          "feeds": 0, "devices": 0}
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "auth.password_change")) \
        == {"count": 1}


def test_turning_two_factor_on_ends_the_other_sessions_and_tokens(app, client, factory):
    user = factory.user("dv@test.vn")
    factory.commit()
    browser, token = _elsewhere(app, factory, user, "dv@test.vn")
    login(client, "dv@test.vn")
    page = client.get("/account/2fa").get_data(as_text=True)
    secret = db.session.get(TotpCredential, user.id).secret
    done = client.post("/account/2fa", data={"csrf_token": csrf_from(page), "code": totp_code(secret)})
    assert done.status_code == 200 and totp.is_enrolled(user.id)
    assert client.get("/profile").status_code == 200
    assert browser.get("/profile").status_code == 302
    assert not _api_ok(app, token)
    _ended(user.id, "2fa_enrol")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == user.id)).all()
    assert "auth.2fa_enrol" in actions


def test_staff_setting_up_at_login_end_whatever_was_left(app, client, factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, ward, Role.CAN_BO)
    factory.commit()
    # a session and a token from before the position (granting it ends sessions, not necessarily everything)
    sessions.start(staff, "10.0.0.9", "Firefox/120")
    service.create_api_token(staff)
    client.post("/login", data={"login": "canbo@test.vn", "password": factory.PASSWORD,
                                "csrf_token": get_csrf(client)})
    page = client.get("/login/2fa/setup").get_data(as_text=True)
    secret = db.session.get(TotpCredential, staff.id).secret
    assert client.post("/login/2fa/setup", data={"csrf_token": csrf_from(page),
                                                 "code": totp_code(secret)}).status_code == 200
    assert client.get("/").status_code == 200  # the session started after the set-up
    live = db.session.scalars(select(UserSession).where(UserSession.user_id == staff.id,
                                                        UserSession.revoked_at.is_(None))).all()
    assert len(live) == 1 and live[0].ip == "127.0.0.1"
    assert db.session.scalar(select(ApiToken.revoked_at)) is not None
    assert _ended(staff.id, "2fa_enrol").details["tokens"] == 1


def test_turning_two_factor_off_ends_the_other_sessions_and_tokens(app, client, factory):
    user = factory.user("dv@test.vn")
    db.session.add(TotpCredential(user_id=user.id, secret=TEST_TOTP_SECRET, confirmed_at=utcnow()))
    factory.commit()
    browser, token = _elsewhere(app, factory, user, "dv@test.vn")
    login(client, "dv@test.vn")
    page = client.get("/account/2fa/disable").get_data(as_text=True)
    done = client.post("/account/2fa/disable", data={"csrf_token": csrf_from(page), "password": factory.PASSWORD})
    assert done.status_code == 302 and not totp.is_enrolled(user.id)
    assert client.get("/profile").status_code == 200 and browser.get("/profile").status_code == 302
    assert not _api_ok(app, token)
    _ended(user.id, "2fa_disable")


def test_an_administrators_reset_ends_every_session_and_token(app, client, runner, factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, ward, Role.CAN_BO)
    factory.commit()
    login(client, "canbo@test.vn")
    db.session.execute(update(TotpCredential).values(last_step=None))
    db.session.commit()
    api = app.test_client().post("/api/v1/auth/token", json={
        "login": "canbo@test.vn", "password": factory.PASSWORD, "otp": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    token = api.get_json()["token"]
    assert _api_ok(app, token)
    result = runner.invoke(args=["users", "reset-2fa", "canbo@test.vn", "--reason", "Mất điện thoại"])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302 and not _api_ok(app, token)
    _no_live_access(staff.id)
    event = _ended(staff.id, "2fa_reset")
    assert event.actor_id is None and event.details["tokens"] == 1


def test_the_end_of_access_is_part_of_the_change(app, factory, monkeypatch):
    """A change that fails after its sessions were ended leaves them as they were (one transaction)."""
    user = factory.user("dv@test.vn")
    factory.commit()
    sessions.start(user, None, None)
    token = service.create_api_token(user)

    def broken(*args, **kwargs):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(service, "record", broken)
    with pytest.raises(RuntimeError):
        service.change_password(user, factory.PASSWORD, "Rau muống xào tỏi",
                                actor=service.Actor(user.id, None))
    db.session.rollback()
    assert db.session.scalar(select(UserSession.revoked_at)) is None
    assert service.user_for_token(token) is not None


def test_calendar_feeds_and_push_devices_end_with_the_other_sessions(app, client, factory):
    """Feed addresses and push devices are bearer credentials too: the features end them on the auth signal."""
    from handbook.meetings import calendar
    from handbook.meetings.models import CalendarToken
    from handbook.notify.models import PushSubscription

    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    user, other = factory.user("dv@test.vn"), factory.user("khac@test.vn")
    member, others = factory.member(cell, user), factory.member(cell, other)
    factory.commit()
    feed, kept_feed = calendar.issue_token(member), calendar.issue_token(others)
    for n, owner in enumerate((user, user, other)):
        db.session.add(PushSubscription(user_id=owner.id, endpoint=f"https://fcm.googleapis.com/fcm/send/{n}",
                                        p256dh="x", auth="y"))
    db.session.commit()
    assert client.get(f"/calendar/{feed}.ics").status_code == 200
    login(client, "dv@test.vn")
    response = client.post("/password", data={"csrf_token": get_csrf(client, "/password"),
                                              "current_password": factory.PASSWORD,
                                              "new_password": "Rau muống xào tỏi", "confirm": "Rau muống xào tỏi"})
    assert response.status_code == 302 and client.get("/profile").status_code == 200  # still signed in here
    assert app.test_client().get(f"/calendar/{feed}.ics").status_code == 404
    assert app.test_client().get(f"/calendar/{kept_feed}.ics").status_code == 200  # another member's stays
    db.session.expire_all()
    assert db.session.scalars(select(PushSubscription.user_id)).all() == [other.id]
    assert db.session.scalar(select(CalendarToken.revoked_at).where(CalendarToken.member_id == others.id)) is None
    event = _ended(user.id, "password_change")
    assert (event.details["feeds"], event.details["devices"]) == (1, 2)


def test_turning_two_factor_off_ends_the_devices_of_an_account_without_member(app, factory):
    from handbook.notify.models import PushSubscription

    staff = factory.user("canbo@test.vn")
    factory.commit()
    db.session.add(PushSubscription(user_id=staff.id, endpoint="https://fcm.googleapis.com/fcm/send/s", p256dh="x",
                                    auth="y"))
    db.session.commit()
    totp.disable(staff.id, actor=service.Actor(None, None), reason="2fa_reset")
    db.session.commit()
    assert db.session.scalar(select(PushSubscription.id)) is None
    assert _ended(staff.id, "2fa_reset").details == {"reason": "2fa_reset", "count": 0, "tokens": 0, "feeds": 0,
                                                     "devices": 1}
