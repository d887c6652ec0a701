"""A member's contact phone is their login: changing it on the profile (or by the cell's leader) changes what
logs in; another account's number is refused without saying whose it is; the change is audited."""
from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.extensions import db
from handbook.members import duplicates
from handbook.members.models import Member, MemberChange
from handbook.org.models import OrgKind, Role
from tests.support import build_app, csrf_from, login


@pytest.fixture
def scene(factory):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    leader = factory.user("bithu@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Lê Văn Thư")
    factory.grant(leader, cell, Role.BI_THU)
    own = factory.user(phone="+84901234567", name="Nguyễn Văn An")  # logs in by phone only
    member = factory.member(cell, own, name="Nguyễn Văn An", phone="+84901234567")
    other = factory.user(phone="+84987654321", name="Trần Thị Bình")
    factory.member(cell, other, name="Trần Thị Bình", phone="+84987654321")
    factory.commit()
    return member


def _post_contact(client, member_id: int, **fields):
    token = csrf_from(client.get(f"/members/{member_id}/contact").get_data(as_text=True))
    return client.post(f"/members/{member_id}/contact", data={"csrf_token": token, "residence": "", "email": "",
                                                              **fields}, follow_redirects=False)


def _logs_in(app, login_name: str) -> bool:
    return login(app.test_client(), login_name).status_code == 302


def test_a_new_phone_on_the_profile_is_the_new_login(app, client, scene):
    member = scene
    assert login(client, "0901234567").status_code == 302
    page = client.get(f"/members/{member.id}/contact").get_data(as_text=True)
    assert "cũng là tên đăng nhập" in page  # the form says so before the change
    response = _post_contact(client, member.id, phone="0912 345 678")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    profile = client.get("/profile").get_data(as_text=True)
    assert "Từ nay đồng chí đăng nhập bằng số điện thoại mới 0912 345 678." in profile
    assert "số điện thoại 0912 345 678" in profile and "(cũng là tên đăng nhập)" in profile
    db.session.expire_all()
    assert db.session.get(Member, member.id).phone == "+84912345678"
    assert db.session.get(User, member.user_id).phone == "+84912345678"
    assert _logs_in(app, "0912345678") and _logs_in(app, "+84 912 345 678")
    assert not _logs_in(app, "0901234567")
    # audited like any other change of the record, plus the account's own event; no number in the details
    change = db.session.scalar(select(MemberChange).where(MemberChange.field == "phone"))
    assert (change.old_value, change.new_value, change.changed_by_id) == ("+84901234567", "+84912345678",
                                                                          member.user_id)
    events = {e.action: e for e in db.session.scalars(select(AuditEvent))}
    assert events["member.update"].details == {"fields": ["phone"]}
    assert (events["auth.login_change"].target_type, events["auth.login_change"].target_id,
            events["auth.login_change"].details) == ("user", member.user_id, {"fields": ["phone"]})


def test_another_accounts_number_is_refused_without_saying_whose(app, client, scene):
    member = scene
    login(client, "0901234567")
    response = _post_contact(client, member.id, phone="0987 654 321")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Không dùng được số điện thoại này để đăng nhập; hãy nhập số khác hoặc liên hệ bí thư chi bộ." in html
    assert "tài khoản khác" not in html
    assert "Trần Thị Bình" not in html
    db.session.expire_all()
    assert db.session.get(Member, member.id).phone == "+84901234567"
    assert db.session.get(User, member.user_id).phone == "+84901234567"
    assert db.session.scalar(select(MemberChange)) is None
    assert _logs_in(app, "0901234567")


def test_the_only_login_cannot_be_emptied_but_a_second_one_can(app, client, scene):
    member = scene
    login(client, "0901234567")
    response = _post_contact(client, member.id, phone="")
    assert response.status_code == 400
    assert "cách đăng nhập duy nhất" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, member.user_id).phone == "+84901234567"
    # with an e-mail to log in with, the phone may go: it no longer logs in
    account = db.session.get(User, member.user_id)
    account.email = "an@test.vn"
    db.session.commit()
    assert _post_contact(client, member.id, phone="").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.user_id).phone is None and db.session.get(Member, member.id).phone is None
    assert _logs_in(app, "an@test.vn") and not _logs_in(app, "0901234567")


def test_a_leader_changing_the_record_changes_the_login(app, client, scene):
    member = scene
    login(client, "bithu@test.vn")
    token = csrf_from(client.get(f"/members/{member.id}/edit").get_data(as_text=True))
    data = {"csrf_token": token, "full_name": "Nguyễn Văn An", "birth_date": "01/01/1980", "gender": "nam",
            "admission_date": "19/05/2005", "official_date": "19/05/2006", "phone": "0987654321"}
    response = client.post(f"/members/{member.id}/edit", data=data)
    assert response.status_code == 400 and "Không dùng được số điện thoại này để đăng nhập" in response.get_data(
        as_text=True)
    response = client.post(f"/members/{member.id}/edit", data={**data, "phone": "0933 111 222"},
                           follow_redirects=True)
    assert "Từ nay đảng viên này đăng nhập bằng số điện thoại mới 0933 111 222." in response.get_data(as_text=True)
    assert _logs_in(app, "0933111222") and not _logs_in(app, "0901234567")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login_change"))
    assert event.target_id == member.user_id and event.actor_id != member.user_id


def test_a_record_without_account_cannot_take_an_accounts_number(app, client, scene, factory):
    newcomer = factory.member(scene.cell, name="Phạm Văn Cường")
    factory.commit()
    login(client, "bithu@test.vn")
    response = _post_contact(client, newcomer.id, phone="0987654321")
    assert response.status_code == 400 and "Không dùng được số điện thoại này" in response.get_data(as_text=True)
    assert _post_contact(client, newcomer.id, phone="0944 555 666").status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, newcomer.id).phone == "+84944555666"


def test_merging_records_keeps_phone_and_login_one(app, scene, factory):
    member = scene
    leader_id = db.session.scalar(select(User.id).where(User.email == "bithu@test.vn"))
    account = db.session.get(User, member.user_id)
    account.phone = None  # an account made from the record's e-mail
    account.email = "an@test.vn"
    member.phone = None
    twin = factory.member(member.cell, name="Nguyễn Văn An (cũ)", phone="+84955000111")
    db.session.commit()
    duplicates.merge(member, twin, Actor(user_id=leader_id))
    db.session.expire_all()
    assert db.session.get(Member, member.id).phone == "+84955000111"
    assert db.session.get(User, member.user_id).phone == "+84955000111"


def _old_schema_factory():
    from datetime import date

    from sqlalchemy import insert, text

    from tests.factories import Factory

    class OldSchemaFactory(Factory):
        """Organisations, accounts and members written with the columns of revisions before 0014 (no history tables)."""

        def org(self, name=None, kind=OrgKind.CHI_BO, parent=None):
            db.session.execute(text("INSERT INTO organisations (name, kind, path, depth, created_at) "
                                    "VALUES (:name, :kind, '', 0, CURRENT_TIMESTAMP)"),
                               {"name": name, "kind": kind.value})
            org_id = db.session.scalar(text("SELECT max(id) FROM organisations"))
            db.session.execute(text("UPDATE organisations SET path = :path WHERE id = :id"),
                               {"path": f"/{org_id}/", "id": org_id})
            return type("OldOrg", (), {"id": org_id})()

        def user(self, email=None, phone=None, **_ignored):
            db.session.execute(text("INSERT INTO users (email, phone, display_name, is_admin, is_active_account, "
                                    "created_at) VALUES (:email, :phone, 'Người dùng', :admin, :active, "
                                    "CURRENT_TIMESTAMP)"),
                               {"email": email, "phone": phone, "admin": False, "active": True})
            return type("OldUser", (), {"id": db.session.scalar(text("SELECT max(id) FROM users"))})()

        def member(self, cell, user=None, **fields):
            columns = {"cell_id": cell.id, "user_id": user.id if user else None, "full_name": "Nguyễn Văn Thử",
                       "birth_date": date(1980, 1, 1), "status": "chinh_thuc", **fields}
            # on the connection, not the session: its statements replace members.counts' version, a table of later
            # revisions
            db.session.connection().execute(insert(Member.__table__).values(**columns))

    return OldSchemaFactory


def test_migration_reconciles_existing_rows(tmp_path):
    """Rows written before the phone was the login: the account follows the record unless the number is
    another account's; a record without a phone takes its account's."""
    app = build_app(tmp_path, "loginphone")
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        downgrade(revision=script.get_revision("0011_login_phone").down_revision)
        factory = _old_schema_factory()()  # the models are ahead of this revision: rows as they were then
        cell = factory.org("Chi bộ", OrgKind.CHI_BO)
        moved = factory.user(phone="+84901000001")
        factory.member(cell, moved, phone="+84902000002")  # changed on the profile, login stayed old
        empty = factory.user(phone="+84903000003")
        factory.member(cell, empty, phone=None)
        clash = factory.user(phone="+84904000004")
        factory.member(cell, clash, phone="+84905000005")  # someone else's login: left alone
        holder = factory.user(phone="+84905000005")
        factory.member(cell, holder, phone="+84905000005")
        by_mail = factory.user("mail@test.vn")
        factory.member(cell, by_mail, phone="+84906000006")  # e-mail account: the phone becomes a login too
        same = factory.user(phone="+84907000007")
        factory.member(cell, same, phone="+84907000007")
        factory.commit()
        ids = {name: user.id for name, user in (("moved", moved), ("empty", empty), ("clash", clash),
                                                 ("holder", holder), ("by_mail", by_mail), ("same", same))}
        upgrade()
        db.session.expire_all()
        phones = {name: (db.session.get(User, uid).phone,
                         db.session.scalar(select(Member.phone).where(Member.user_id == uid)))
                  for name, uid in ids.items()}
        assert phones == {
            "moved": ("+84902000002", "+84902000002"), "empty": ("+84903000003", "+84903000003"),
            "clash": ("+84904000004", "+84905000005"), "holder": ("+84905000005", "+84905000005"),
            "by_mail": ("+84906000006", "+84906000006"), "same": ("+84907000007", "+84907000007")}
        db.session.remove()
        db.engine.dispose()


def test_two_accounts_taking_one_number_at_once_is_refused_not_a_500(app, client, scene, monkeypatch):
    """The check and the save are two steps: when another account takes the number in between, the unique login
    column refuses the second, and the member reads the same sentence."""
    from handbook.members import records

    member = scene
    login(client, "0901234567")
    # as if the number were still free when checked
    monkeypatch.setattr(records, "phone_login_account", lambda m, _phone: db.session.get(User, m.user_id))
    response = _post_contact(client, member.id, phone="0987654321")
    assert response.status_code == 400
    assert "Không dùng được số điện thoại này để đăng nhập" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, member.id).phone == "+84901234567"
