"""Accounts for a whole cell: a confirmation page (how many, who, who not and why), one action issuing a code to
every member without an activated account, then printable slips and SMS texts for that batch — in the leader's
scope only, audited with counts, re-issuing replacing the earlier codes."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.auth import service as auth_service
from handbook.auth.models import ActivationCode, User
from handbook.core.timeutil import format_date, utcnow
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, signed_in

SLIP_CODE = re.compile(r'class="slip-code">([A-Z0-9]{5}-[A-Z0-9]{5})<')


def _scene(factory):
    ward = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA)
    cell, other_cell = factory.org("Chi bộ Khu phố 1", parent=ward), factory.org("Chi bộ Khu phố 2", parent=ward)
    leader = factory.user("bithu@test.vn")
    factory.member(cell, leader, name="Trần Bí Thư")
    factory.grant(leader, cell, Role.BI_THU)
    factory.grant(factory.user("bithu2@test.vn"), other_cell, Role.BI_THU)
    factory.grant(factory.user("canbo@test.vn"), ward, Role.CAN_BO)
    factory.user(phone="+84907000999")  # someone else's login
    people = {
        "phone": factory.member(cell, name="An Văn Điện", phone="+84901000001"),
        "email": factory.member(cell, name="Bình Thị Thư", email="binh@test.vn"),
        "nothing": factory.member(cell, name="Cao Văn Không"),
        "taken": factory.member(cell, name="Dương Văn Trùng", phone="+84907000999"),
        "left": factory.member(cell, name="Đinh Văn Đi", phone="+84901000005", status=MemberStatus.CHUYEN_DI),
    }
    pending = factory.user(phone="+84901000006", password=False)
    people["pending"] = factory.member(cell, pending, name="Giang Thị Chờ", phone="+84901000006")
    above = factory.user(phone="+84901000007", password=False)
    factory.grant(above, ward, Role.CAN_BO)
    people["above"] = factory.member(cell, above, name="Hà Văn Trên", phone="+84901000007")
    factory.commit()
    old_code = auth_service.issue_activation_code(pending, None)
    return cell, other_cell, people, old_code


def _post(client, path):
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token})


def test_the_confirmation_page_says_who_and_who_not_and_writes_nothing(app, factory):
    cell, _other, _people, _code = _scene(factory)
    before = db.session.scalar(select(func.count(User.id)))
    response = signed_in(app, "bithu@test.vn").get(f"/org/{cell.id}/activation-codes")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sẽ cấp mã cho 3 đồng chí chưa có tài khoản" in html and "Cấp 3 mã kích hoạt" in html
    for name in ("An Văn Điện", "Bình Thị Thư", "Giang Thị Chờ"):
        assert name in html
    assert "1 đồng chí đã kích hoạt tài khoản" in html  # the leader
    assert "Chưa cấp được mã (3)" in html
    assert "Cao Văn Không" in html and "chưa có số điện thoại hoặc e-mail" in html
    assert "Dương Văn Trùng" in html and "không dùng được để đăng nhập" in html
    assert "Hà Văn Trên" in html and "cấp ủy cấp trên" in html
    assert "Đinh Văn Đi" not in html  # left the cell
    assert db.session.scalar(select(func.count(User.id))) == before
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("auth.activation%"))).all()


def test_issuing_gives_codes_to_those_without_an_account_and_audits_counts(app, factory):
    cell, _other, people, old_code = _scene(factory)
    client = signed_in(app, "bithu@test.vn")
    response = _post(client, f"/org/{cell.id}/activation-codes")
    assert response.status_code == 302 and "/slips" in response.headers["Location"]
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.activation_codes_cell"))
    assert event.target_id == cell.id and event.details == {"count": 3, "rows": 2, "rejected": 3}
    for key in ("phone", "email", "pending"):
        assert db.session.get(Member, people[key].id).user_id is not None
    for key in ("nothing", "taken", "left"):
        assert db.session.get(Member, people[key].id).user_id is None
    assert db.session.scalar(select(User.email).join(Member, Member.user_id == User.id)
                             .where(Member.id == people["email"].id)) == "binh@test.vn"

    slips = client.get(response.headers["Location"])
    html = slips.get_data(as_text=True)
    codes = SLIP_CODE.findall(html)
    assert slips.status_code == 200 and len(codes) == 3
    # in Vietnamese order (by given name)
    names = re.findall(r'<article class="slip" aria-label="([^"]+)"', html)
    assert names == ["Giang Thị Chờ", "An Văn Điện", "Bình Thị Thư"]
    expiry = (utcnow() + timedelta(hours=app.config["ACTIVATION_CODE_HOURS"]))
    assert "0901 000 001" in html and "binh@test.vn" in html
    assert "http://localhost/activate" in html and "Mở trình duyệt trên điện thoại" in html
    assert f"<dd>{format_date(expiry)}</dd>" in html  # dd/mm/yyyy, Hà Nội time
    [shown] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.activation_slips"))
    assert shown.details == {"count": 3, "format": "print"}

    with app.test_request_context():  # the printed code works; the one issued before for that member does not
        with pytest.raises(auth_service.AuthError):
            auth_service.activate(old_code, "Mat-khau-moi-2026")
        user = auth_service.activate(codes[0], "Mat-khau-moi-2026")
    assert user.phone == "+84901000006"


def test_the_sms_page_has_each_text_selectable_and_a_copy_button(app, factory):
    cell, _other, _people, _code = _scene(factory)
    client = signed_in(app, "bithu@test.vn")
    slips_url = _post(client, f"/org/{cell.id}/activation-codes").headers["Location"]
    html = client.get(slips_url.replace("/slips", "/sms")).get_data(as_text=True)
    texts = re.findall(r'<textarea id="sms-\d+" class="copy-source" rows="4" readonly>([^<]+)</textarea>', html)
    assert len(texts) == 3
    assert texts[1].startswith("Đ/c An Văn Điện: mã kích hoạt Sổ tay đảng viên là ")
    assert "http://localhost/activate?code=" in texts[1] and "đăng nhập bằng 0901 000 001" in texts[1]
    assert html.count('data-copy="sms-') == 3 and 'href="sms:+84901000001?body=' in html
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "auth.activation_slips")) == 1


def test_re_issuing_replaces_the_codes_and_skips_who_activated(app, factory):
    cell, _other, people, _code = _scene(factory)
    client = signed_in(app, "bithu@test.vn")
    first = SLIP_CODE.findall(client.get(_post(client, f"/org/{cell.id}/activation-codes")
                                         .headers["Location"]).get_data(as_text=True))
    with app.test_request_context():
        auth_service.activate(first[0], "Mat-khau-moi-2026")  # Giang Thị Chờ
    html = client.get(f"/org/{cell.id}/activation-codes").get_data(as_text=True)
    assert "Sẽ cấp mã cho 2 đồng chí" in html and "2 đồng chí đã kích hoạt tài khoản" in html
    second = SLIP_CODE.findall(client.get(_post(client, f"/org/{cell.id}/activation-codes")
                                          .headers["Location"]).get_data(as_text=True))
    assert len(second) == 2 and not set(second) & set(first)
    with app.test_request_context():
        for code in first[1:]:
            with pytest.raises(auth_service.AuthError, match="đã hết hạn"):
                auth_service.activate(code, "Mat-khau-moi-2026")
    usable = db.session.scalar(select(func.count(ActivationCode.id)).where(
        ActivationCode.used_at.is_(None), ActivationCode.expires_at > utcnow()))
    assert usable == 2


def test_nothing_to_issue_is_a_clear_400(app, factory):
    cell = factory.org("Chi bộ 9")
    leader = factory.user("bithu@test.vn")
    factory.member(cell, leader)
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    response = _post(signed_in(app, "bithu@test.vn"), f"/org/{cell.id}/activation-codes")
    assert response.status_code == 400 and "Không có đảng viên nào cần cấp mã" in response.get_data(as_text=True)


def test_scope_other_cells_and_other_leaders_batches(app, factory):
    cell, other_cell, _people, _code = _scene(factory)
    leader = signed_in(app, "bithu@test.vn")
    slips_url = _post(leader, f"/org/{cell.id}/activation-codes").headers["Location"]
    assert leader.get(f"/org/{other_cell.id}/activation-codes").status_code == 404
    other_leader = signed_in(app, "bithu2@test.vn")
    assert other_leader.get(f"/org/{cell.id}/activation-codes").status_code == 404
    token = csrf_from(other_leader.get(f"/org/{other_cell.id}/activation-codes").get_data(as_text=True))
    assert other_leader.post(f"/org/{cell.id}/activation-codes", data={"csrf_token": token}).status_code == 404
    staff = signed_in(app, "canbo@test.vn")  # above the cell: may issue, but not see the leader's batch
    assert staff.get(f"/org/{cell.id}/activation-codes").status_code == 200
    assert staff.get(slips_url).status_code == 404
    assert other_leader.get(slips_url.replace(f"/org/{cell.id}/", f"/org/{other_cell.id}/")).status_code == 404
    with time_machine.travel(utcnow() + timedelta(hours=app.config["ACTIVATION_CODE_HOURS"], minutes=1)):
        assert signed_in(app, "bithu@test.vn").get(slips_url).status_code == 404  # the codes expired


def test_staff_above_may_issue_for_someone_holding_a_ward_position(app, factory):
    cell, _other, people, _code = _scene(factory)
    html = signed_in(app, "canbo@test.vn").get(f"/org/{cell.id}/activation-codes").get_data(as_text=True)
    assert "Sẽ cấp mã cho 4 đồng chí" in html and "Hà Văn Trên" in html.split("Chưa cấp được mã")[0]


def test_the_worker_forgets_batches_once_their_codes_expire(app, factory):
    from handbook.members.activation import purge_batches
    from handbook.members.models import CodeBatch

    cell, _other, _people, _code = _scene(factory)
    _post(signed_in(app, "bithu@test.vn"), f"/org/{cell.id}/activation-codes")
    assert purge_batches() == 0 and db.session.scalar(select(func.count(CodeBatch.id))) == 1
    later = utcnow() + timedelta(hours=app.config["ACTIVATION_CODE_HOURS"], seconds=1)
    assert purge_batches(later) == 1 and db.session.scalar(select(func.count(CodeBatch.id))) == 0


def test_slips_of_an_earlier_batch_drop_codes_that_no_longer_work(app, factory):
    """The leader keeps the slips' address; the ward's staff issue the cell's codes again: the leader's page no
    longer prints the replaced codes and says why; a used code disappears too."""
    cell, _other, _people, _code = _scene(factory)
    leader = signed_in(app, "bithu@test.vn")
    first = _post(leader, f"/org/{cell.id}/activation-codes").headers["Location"]
    codes = SLIP_CODE.findall(leader.get(first).get_data(as_text=True))
    assert len(codes) == 3
    with app.test_request_context():
        auth_service.activate(codes[0], "Mat-khau-moi-2026")
    html = leader.get(first).get_data(as_text=True)
    assert SLIP_CODE.findall(html) == codes[1:] and "1 mã của lần cấp này không còn dùng được" in html

    staff = signed_in(app, "canbo@test.vn")
    assert _post(staff, f"/org/{cell.id}/activation-codes").status_code == 302
    html = leader.get(first).get_data(as_text=True)
    assert SLIP_CODE.findall(html) == [] and "3 mã của lần cấp này không còn dùng được" in html
    sms = leader.get(first.replace("/slips", "/sms")).get_data(as_text=True)
    assert "3 mã của lần cấp này không còn dùng được" in sms and codes[1] not in sms
