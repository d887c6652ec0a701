"""`flask users create-admin LOGIN`: the first administrator of a deployment — password from a hidden prompt
(typed twice) or from stdin, the password rules of every other form, an existing login refused unless promoted
explicitly, every change audited with the command line as the actor."""
from __future__ import annotations

from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.auth.models import User, UserSession
from handbook.auth.service import authenticate
from handbook.extensions import db
from tests.support import login

STRONG = "Ban-chap-hanh-2026"


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_prompt_asks_twice_and_creates_an_audited_admin(app, runner):
    result = runner.invoke(args=["users", "create-admin", "QuanTri@Tinh.vn", "--name", "Văn phòng Tỉnh ủy"],
                           input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert "Nhập lại mật khẩu" in result.output and STRONG not in result.output  # hidden, confirmed
    user = authenticate("quantri@tinh.vn", STRONG)
    assert user.is_admin and user.display_name == "Văn phòng Tỉnh ủy" and user.email == "quantri@tinh.vn"
    [event] = _events("auth.admin_create")
    assert event.actor_id is None and event.target_id == user.id and event.details == {"method": "email"}


def test_prompt_refuses_two_different_entries(app, runner):
    result = runner.invoke(args=["users", "create-admin", "admin@tinh.vn"],
                           input=f"{STRONG}\nkhac-{STRONG}\n{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output  # click asked again
    assert db.session.scalar(select(User.is_admin).where(User.email == "admin@tinh.vn"))


def test_password_from_stdin_and_a_phone_login(app, runner):
    result = runner.invoke(args=["users", "create-admin", "0901 234 567", "--password-stdin"], input=STRONG + "\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.phone == "+84901234567"))
    assert user.is_admin and user.display_name == "Quản trị hệ thống"
    assert authenticate("0901234567", STRONG).id == user.id
    assert _events("auth.admin_create")[0].details == {"method": "phone"}


def test_weak_passwords_are_refused_with_the_usual_rules(app, runner):
    for weak in ("ngan", "password123", "admin@tinh.vn"):
        result = runner.invoke(args=["users", "create-admin", "admin@tinh.vn", "--password-stdin"],
                               input=weak + "\n")
        assert result.exit_code != 0 and "Mật khẩu không được chấp nhận" in result.output, (weak, result.output)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert _events("auth.admin_create") == []


def test_a_bad_login_is_refused(app, runner):
    result = runner.invoke(args=["users", "create-admin", "khong-phai-email", "--password-stdin"], input=STRONG)
    assert result.exit_code != 0 and "Số điện thoại không hợp lệ" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_an_existing_login_is_refused_unless_promoted(app, client, runner, factory):
    member = factory.user("dv@test.vn")
    factory.commit()
    assert login(client, "dv@test.vn").status_code == 302
    result = runner.invoke(args=["users", "create-admin", "dv@test.vn", "--password-stdin"], input=STRONG + "\n")
    assert result.exit_code != 0 and "--promote" in result.output
    db.session.refresh(member)
    assert not member.is_admin and _events("auth.admin_promote") == []
    assert authenticate("dv@test.vn", factory.PASSWORD)  # the password did not change

    result = runner.invoke(args=["users", "create-admin", "dv@test.vn", "--promote"])
    assert result.exit_code == 0, result.output
    db.session.refresh(member)
    assert member.is_admin and authenticate("dv@test.vn", factory.PASSWORD)
    [event] = _events("auth.admin_promote")
    assert event.actor_id is None and event.target_id == member.id and event.details == {"sessions": 1}
    assert db.session.scalar(select(func.count()).where(UserSession.user_id == member.id,
                                                        UserSession.revoked_at.is_(None))) == 0

    again = runner.invoke(args=["users", "create-admin", "dv@test.vn", "--promote"])
    assert again.exit_code == 0 and "không có gì thay đổi" in again.output
    assert len(_events("auth.admin_promote")) == 1


def test_promote_names_an_existing_account_only(app, runner):
    result = runner.invoke(args=["users", "create-admin", "moi@tinh.vn", "--promote"])
    assert result.exit_code != 0 and "bỏ --promote" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
