"""Accounts: identifiers, login, logout, activation codes, password change."""
from __future__ import annotations

from datetime import timedelta

import pytest

from handbook.audit.models import AuditEvent
from handbook.auth import service
from handbook.auth.identifiers import IdentifierError, normalise_phone, parse_login
from handbook.auth.models import ActivationCode, User
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, get_csrf, login


@pytest.mark.parametrize("raw", ["0901 234 567", "+84901234567", "84901234567", "090.123.4567", "+84 90 123 45 67"])
def test_vietnamese_phone_formats_normalise_to_e164(app, raw):
    assert normalise_phone(raw) == "+84901234567"


@pytest.mark.parametrize("raw", ["123", "abc", "0901", "+84 12", "09012345678901"])
def test_invalid_phone_is_refused_in_vietnamese(app, raw):
    with pytest.raises(IdentifierError, match="Số điện thoại không hợp lệ"):
        normalise_phone(raw)


def test_email_login_is_case_insensitive(app):
    assert parse_login("  DangVien@Demo.VN ") == ("email", "dangvien@demo.vn")


def test_login_by_phone_and_email(app, client, factory):
    factory.user("a@test.vn", "+84901234567")
    factory.commit()
    assert login(client, "0901 234 567").headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": get_csrf(client, "/")})
    assert login(client, "A@test.vn").headers["Location"] == "/"


def test_login_failures_share_one_vietnamese_message(app, client, factory):
    """Unknown account, wrong password, locked or not activated: the same answer (no account enumeration)."""
    factory.user("a@test.vn")
    factory.user("new@test.vn", password=False)
    locked = factory.user("locked@test.vn")
    locked.is_active_account = False
    factory.commit()
    pages = [login(client, name, "bat-ky-mat-khau-99") for name in
             ("a@test.vn", "khongco@test.vn", "new@test.vn", "locked@test.vn")]
    messages = set()
    for page in pages:
        assert page.status_code == 401
        html = page.get_data(as_text=True)
        assert "hoặc mật khẩu không đúng" in html and "mã kích hoạt" in html
        messages.add(html[html.index("hoặc mật khẩu không đúng") - 40:html.index("hoặc mật khẩu không đúng") + 200])
    assert len(messages) == 1
    reasons = [e.details.get("reason") for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "auth.login_failed").order_by(AuditEvent.id))]
    assert reasons == ["password", "unknown", "not_activated", "locked"]  # the log keeps what the page does not


def test_login_redirects_only_to_local_paths(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    token = get_csrf(client)
    data = {"login": "a@test.vn", "password": factory.PASSWORD, "csrf_token": token}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": get_csrf(client, "/")})
    response = client.post("/login?next=/profile", data={**data, "csrf_token": get_csrf(client)})
    assert response.headers["Location"] == "/profile"


def test_login_without_csrf_token_is_refused(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    response = client.post("/login", data={"login": "a@test.vn", "password": factory.PASSWORD})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_logout_ends_the_session(app, client, factory):
    factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    assert client.get("/profile").status_code == 200
    assert client.post("/logout", data={"csrf_token": get_csrf(client, "/")}).headers["Location"] == "/login"
    assert client.get("/profile").status_code == 302


def test_password_change(app, client, factory):
    user = factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    token = get_csrf(client, "/password")
    bad = client.post("/password", data={"csrf_token": token, "current_password": "sai-roi-123",
                                         "new_password": "MatKhauMoi#1", "confirm": "MatKhauMoi#1"})
    assert bad.status_code == 400 and "Mật khẩu hiện tại không đúng." in bad.get_data(as_text=True)
    mismatch = client.post("/password", data={"csrf_token": token, "current_password": factory.PASSWORD,
                                              "new_password": "MatKhauMoi#1", "confirm": "KhacNhau#1"})
    assert "Hai mật khẩu không khớp." in mismatch.get_data(as_text=True)
    ok = client.post("/password", data={"csrf_token": token, "current_password": factory.PASSWORD,
                                        "new_password": "MatKhauMoi#1", "confirm": "MatKhauMoi#1"})
    assert ok.headers["Location"] == "/profile"
    db.session.refresh(user)
    assert service.verify_password(user, "MatKhauMoi#1")


@pytest.fixture
def cell_with_leader(factory):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    leader = factory.user("bithu@test.vn")
    factory.member(cell, leader)
    factory.grant(leader, cell, Role.BI_THU)
    member = factory.member(cell, None, name="Lê Thị Ba", phone="+84912345678")
    factory.commit()
    return cell, leader, member


def _issue_code(client, member_id: int) -> str:
    page = client.get(f"/members/{member_id}").get_data(as_text=True)
    html = client.post(f"/members/{member_id}/activation-code", data={"csrf_token": csrf_from(page)}).get_data(
        as_text=True
    )
    start = html.index('class="big">') + len('class="big">')
    return html[start:html.index("<", start)]


def test_leader_issues_code_and_member_sets_password(app, client, cell_with_leader):
    _cell, _leader, member = cell_with_leader
    login(client, "bithu@test.vn")
    code = _issue_code(client, member.id)
    assert len(code) == 11 and code[5] == "-"
    client.post("/logout", data={"csrf_token": get_csrf(client, "/")})

    token = get_csrf(client, "/activate")
    response = client.post("/activate", data={"csrf_token": token, "code": code.lower(),
                                              "new_password": "MatKhau#2026", "confirm": "MatKhau#2026"})
    assert response.headers["Location"] == "/"
    # First login: the privacy notice comes before anything else, until accepted.
    assert client.get("/").headers["Location"] == "/privacy?next=/"
    notice = client.get("/privacy?next=/").get_data(as_text=True)
    assert "Dữ liệu cá nhân nhạy cảm" in notice
    accepted = client.post("/privacy/accept", data={"csrf_token": csrf_from(notice), "next": "/"})
    assert accepted.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": get_csrf(client, "/")})
    assert login(client, "0912 345 678", "MatKhau#2026").headers["Location"] == "/"

    client.post("/logout", data={"csrf_token": get_csrf(client, "/")})
    reused = client.post("/activate", data={"csrf_token": get_csrf(client, "/activate"), "code": code,
                                            "new_password": "KhacHoan#2026", "confirm": "KhacHoan#2026"})
    assert reused.status_code == 400
    assert "đã được sử dụng" in reused.get_data(as_text=True)


def test_expired_and_unknown_codes_are_refused(app, factory):
    user = factory.user("x@test.vn", password=False)
    factory.commit()
    code = service.issue_activation_code(user, None)
    db.session.execute(db.update(ActivationCode).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    with pytest.raises(service.AuthError, match="đã hết hạn"):
        service.activate(code, "MatKhau#2026")
    with pytest.raises(service.AuthError, match="Mã kích hoạt không đúng"):
        service.activate("KHONGCO123", "MatKhau#2026")


def test_a_new_code_replaces_the_old_one(app, factory):
    user = factory.user("x@test.vn", password=False)
    factory.commit()
    first = service.issue_activation_code(user, None)
    second = service.issue_activation_code(user, None)
    with pytest.raises(service.AuthError, match="hết hạn"):
        service.activate(first, "MatKhau#2026")
    assert service.activate(second, "MatKhau#2026").id == user.id


def test_activation_needs_phone_or_email(app, client, factory):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    leader = factory.user("bithu@test.vn")
    factory.grant(leader, cell, Role.BI_THU)
    member = factory.member(cell, None)
    factory.commit()
    login(client, "bithu@test.vn")
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    response = client.post(f"/members/{member.id}/activation-code", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 400
    assert "chưa có số điện thoại hoặc e-mail" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1


def test_short_password_is_refused(app, factory):
    user = factory.user("x@test.vn", password=False)
    factory.commit()
    code = service.issue_activation_code(user, None)
    with pytest.raises(service.AuthError, match="ít nhất 8 ký tự"):
        service.activate(code, "ngan")


def test_password_hashes_stay_small_and_old_ones_are_rehashed_at_login(app, client, factory):
    """Argon2id at 19 MiB (OWASP's minimum profile): threads hashing at once must fit a worker's memory budget."""
    from argon2 import PasswordHasher, extract_parameters

    params = extract_parameters(service.hash_password("Mot-mat-khau-dai"))
    assert params.memory_cost <= 19 * 1024 and params.type.name == "ID"
    user = factory.user("a@test.vn")
    user.password_hash = PasswordHasher().hash(factory.PASSWORD)  # argon2-cffi's 64 MiB default, as before
    factory.commit()
    assert login(client, "a@test.vn").status_code == 302
    db.session.expire_all()
    assert extract_parameters(db.session.get(User, user.id).password_hash).memory_cost == 19 * 1024
