"""`flask users reset-2fa`: an administrator brings back someone who lost their authenticator (audited; their
sessions end; the next login asks for a new set-up); bad input changes nothing."""
from __future__ import annotations

from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.auth import totp
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.support import get_csrf, login


def _staff(factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, ward, Role.CAN_BO)
    factory.commit()
    return staff


def test_reset_removes_the_authenticator_ends_sessions_and_is_audited(app, client, runner, factory):
    staff = _staff(factory)
    assert login(client, "canbo@test.vn").status_code == 302  # enrols with the test secret, then signs in
    assert client.get("/").status_code == 200 and totp.is_enrolled(staff.id)

    result = runner.invoke(args=["users", "reset-2fa", "canbo@test.vn", "--reason", "Mất điện thoại"])
    assert result.exit_code == 0, result.output
    assert "Đã đặt lại xác thực hai bước" in result.output and "1 phiên" in result.output
    assert not totp.is_enrolled(staff.id) and totp.remaining_recovery_codes(staff.id) == 0
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.2fa_reset")).all()
    assert event.target_id == staff.id and event.actor_id is None
    assert event.details == {"reason": "Mất điện thoại", "count": 1}
    assert client.get("/").status_code == 302  # the copied session no longer works

    fresh = app.test_client()
    response = fresh.post("/login", data={"login": "canbo@test.vn", "password": factory.PASSWORD,
                                          "csrf_token": get_csrf(fresh)})
    assert response.headers["Location"] == "/login/2fa/setup"  # a new authenticator before anything else


def test_reset_refuses_bad_input_without_writing(app, runner, factory):
    factory.user("dv@test.vn")
    _staff(factory)
    for args, message in (
        (["users", "reset-2fa", "khong-co@test.vn", "--reason", "x"], "Không có tài khoản này"),
        (["users", "reset-2fa", "canbo@test.vn", "--reason", "   "], "Cần ghi lý do"),
        (["users", "reset-2fa", "dv@test.vn", "--reason", "x"], "chưa bật xác thực hai bước"),
        (["users", "reset-2fa", "canbo@test.vn"], "--reason"),
    ):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.2fa_reset")).all() == []
