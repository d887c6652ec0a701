"""An account made from a record whose phone is free but whose e-mail is another account's login: the account is
made with the phone alone (its login), never a unique-constraint error."""
from __future__ import annotations

from sqlalchemy import func, select

from handbook.auth.models import User
from handbook.extensions import db
from handbook.members import service
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, login


def test_phone_free_email_taken_gives_a_phone_only_account(app, client, factory):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    leader = factory.user("bithu@test.vn")
    factory.grant(leader, cell, Role.BI_THU)
    factory.user("chung@test.vn")  # someone else's login
    member = factory.member(cell, None, name="Lê Thị Ba", phone="+84912345678", email="chung@test.vn")
    factory.commit()
    login(client, "bithu@test.vn")
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    response = client.post(f"/members/{member.id}/activation-code", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 200
    assert 'class="big">' in response.get_data(as_text=True)  # the code is shown
    db.session.refresh(member)
    account = db.session.get(User, member.user_id)
    assert account.phone == "+84912345678" and account.email is None
    assert member.email == "chung@test.vn"  # the record keeps what it says
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "chung@test.vn")) == 1


def test_a_free_email_goes_with_the_phone(app, factory):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    member = factory.member(cell, None, phone="+84912345679", email="rieng@test.vn")
    factory.commit()
    account = service.account_for_member(member)
    assert (account.phone, account.email) == ("+84912345679", "rieng@test.vn")
