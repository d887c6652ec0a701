"""A form refused because a value is already on record (another account's phone, a CCCD, a card number) tells
something about the whole deployment: the refusal does not say whose it is, each one is counted per user and
audited with the field name only, and past RECORD_REFUSALS_LIMIT such changes answer 429 whatever the value — so
"refused" and "saved" stop telling a used number from a free one."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.auth.models import User
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, signed_in

NEUTRAL = "Không dùng được số điện thoại này để đăng nhập; hãy nhập số khác hoặc liên hệ bí thư chi bộ."
TOO_MANY = "Đồng chí đã nhập quá nhiều số điện thoại, số CCCD, số thẻ đảng viên hoặc họ tên trùng với dữ liệu đã có"


@pytest.fixture
def scene(app, factory, monkeypatch):
    monkeypatch.setitem(app.config, "RECORD_REFUSALS_LIMIT", "3 per 1 hour")
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO, ward)
    far = factory.org("Chi bộ 2", OrgKind.CHI_BO, ward)
    leader = factory.user("bithu@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Lê Văn Thư")
    factory.grant(leader, cell, Role.BI_THU)
    own = factory.user("an@test.vn", phone="+84901234567", name="Nguyễn Văn An")
    member = factory.member(cell, own, name="Nguyễn Văn An", phone="+84901234567")
    for n, cell_of in enumerate((cell, far, far)):  # three other accounts, two of them in another ward's cell
        other = factory.user(phone=f"+8498765432{n}", name=f"Người khác {n}")
        factory.member(cell_of, other, name=f"Người khác {n}", phone=f"+8498765432{n}")
    stranger = factory.member(far, name="Trần Thị Xa", cccd="001080000001", card_number="48000001")
    factory.commit()
    return member, stranger


def _contact(client, member_id: int, **fields):
    token = csrf_from(client.get(f"/members/{member_id}/contact").get_data(as_text=True))
    return client.post(f"/members/{member_id}/contact",
                       data={"csrf_token": token, "phone": "0901234567", "residence": "", "email": "", **fields})


def _refusals() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.unique_refused")
                                   .order_by(AuditEvent.id)))


def test_the_own_contact_form_is_no_phone_oracle(app, scene):
    member, _stranger = scene
    client = signed_in(app, "an@test.vn")
    for n in range(3):
        response = _contact(client, member.id, phone=f"0987 654 32{n}")
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and NEUTRAL in html
        assert "tài khoản khác" not in html and f"Người khác {n}" not in html
    # at the limit: a used number and a free one get the same answer, and neither is saved
    for phone in ("0987654320", "0933 111 222"):
        response = _contact(client, member.id, phone=phone)
        assert response.status_code == 429 and TOO_MANY in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, member.id).phone == "+84901234567"
    assert db.session.get(User, member.user_id).phone == "+84901234567"
    # what checks nothing among others still saves
    assert _contact(client, member.id, residence="Tổ 5, phường Hải Châu").status_code == 302
    events = _refusals()
    assert [(e.actor_id, e.target_type, e.target_id, e.details) for e in events] == [
        (member.user_id, "member", member.id, {"fields": ["phone"]})] * 3
    assert all(e.ip == "127.0.0.1" for e in events)


def test_the_leaders_form_counts_duplicates_outside_the_scope(app, scene):
    member, stranger = scene
    client = signed_in(app, "bithu@test.vn")
    token = csrf_from(client.get(f"/members/{member.id}/edit").get_data(as_text=True))
    data = {"csrf_token": token, "full_name": "Nguyễn Văn An", "birth_date": "01/01/1980", "gender": "nam",
            "admission_date": "19/05/2005", "official_date": "19/05/2006", "phone": "0901234567"}
    for fields in ({"cccd": stranger.cccd}, {"card_number": stranger.card_number}, {"phone": "0987654321"}):
        response = client.post(f"/members/{member.id}/edit", data={**data, **fields})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and stranger.full_name not in html
    response = client.post(f"/members/{member.id}/edit", data={**data, "cccd": "001080000999"})  # a free one
    assert response.status_code == 429 and TOO_MANY in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, member.id).cccd is None
    assert [e.details for e in _refusals()] == [{"fields": ["cccd"]}, {"fields": ["card_number"]},
                                                {"fields": ["phone"]}]
    # a change that looks nothing up among others is not blocked
    ok = client.post(f"/members/{member.id}/edit", data={**data, "occupation": "Giáo viên"})
    assert ok.status_code == 302


def test_an_activation_code_for_an_address_that_logs_in_elsewhere_is_counted(app, scene, factory):
    member, _stranger = scene
    cell = member.cell
    newcomers = [factory.member(cell, name=f"Người mới {n}", email="an@test.vn") for n in range(4)]
    fresh = factory.member(cell, name="Người mới có địa chỉ riêng", email="rieng@test.vn")
    factory.commit()
    client = signed_in(app, "bithu@test.vn")
    token = csrf_from(client.get(f"/members/{member.id}").get_data(as_text=True))
    for newcomer in newcomers[:3]:
        response = client.post(f"/members/{newcomer.id}/activation-code", data={"csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "Không tạo được tài khoản đăng nhập" in html
        assert "thuộc về một tài khoản khác" not in html
    for other in (newcomers[3], fresh):  # at the limit: a taken address and a free one alike
        response = client.post(f"/members/{other.id}/activation-code", data={"csrf_token": token})
        assert response.status_code == 429 and TOO_MANY in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, fresh.id).user_id is None
    assert [(e.target_id, e.details) for e in _refusals()] == [(n.id, {"fields": ["email"]}) for n in newcomers[:3]]
    # a member who already has an account gets a new code: nothing is looked up
    assert client.post(f"/members/{member.id}/activation-code", data={"csrf_token": token}).status_code == 200
