"""The duplicate finder: reasons, scope, merge and not-a-duplicate, both recorded in the history."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.extensions import db
from handbook.members.models import Member, MemberChange
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, login


@pytest.fixture
def scene(factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell_a = factory.org("Chi bộ A", OrgKind.CHI_BO, ward)
    cell_b = factory.org("Chi bộ B", OrgKind.CHI_BO, ward)
    outside = factory.org("Chi bộ ngoài", OrgKind.CHI_BO)
    staff = factory.user("canbo@test.vn", name="Cán bộ")
    factory.grant(staff, ward, Role.CAN_BO)
    born = date(1975, 3, 4)
    one = factory.member(cell_a, name="Nguyễn Văn Hùng", birth_date=born, phone="+84901111111")
    two = factory.member(cell_b, name="Nguyễn Văn Hùng", birth_date=born, cccd="001075000001")
    three = factory.member(cell_a, name=unicodedata.normalize("NFD", "nguyễn  thị lan"), birth_date=None)
    four = factory.member(cell_b, name="Nguyễn Thị Lan", birth_date=date(1980, 1, 1))
    five = factory.member(cell_a, name="Phạm Văn Tư", phone="+84902222222")
    six = factory.member(cell_b, name="Vũ Thị Mai", phone="+84902222222")
    factory.member(outside, name="Nguyễn Văn Hùng", birth_date=born)
    factory.commit()
    return ward, (one, two, three, four, five, six)


def test_finder_lists_reasons_within_scope(app, client, scene):
    ward, (one, two, three, four, five, six) = scene
    login(client, "canbo@test.vn")
    page = client.get(f"/members/duplicates/?org={ward.id}").get_data(as_text=True)
    assert "Cùng họ tên và ngày sinh" in page
    assert "Họ tên gần như trùng" in page
    assert "Cùng số điện thoại" in page
    assert page.count("<section class=\"card\">") == 3
    assert "Chi bộ ngoài" not in page


def test_merge_keeps_one_record_and_records_it(app, client, scene):
    ward, (one, two, *_rest) = scene
    one_id, two_id = one.id, two.id
    login(client, "canbo@test.vn")
    token = csrf_from(client.get("/members/duplicates/").get_data(as_text=True))
    response = client.post("/members/duplicates/merge", data={"csrf_token": token, "a": one_id, "b": two_id,
                                                              "org": ward.id})
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Đã gộp hai hồ sơ; giữ lại hồ sơ của {one.full_name}." in flashed and f"mã {one_id}" not in flashed
    db.session.expire_all()
    assert db.session.get(Member, two_id) is None
    kept = db.session.get(Member, one_id)
    assert kept.cccd == "001075000001"
    fields = {c.field for c in db.session.scalars(select(MemberChange).where(MemberChange.member_id == one_id))}
    assert {"merge", "cccd"} <= fields
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.merge"))
    assert event.details["merged_id"] == two_id


def test_not_a_duplicate_is_remembered(app, client, scene):
    ward, (_one, _two, _three, _four, five, six) = scene
    login(client, "canbo@test.vn")
    token = csrf_from(client.get("/members/duplicates/").get_data(as_text=True))
    assert client.post("/members/duplicates/dismiss", data={"csrf_token": token, "a": six.id, "b": five.id}
                       ).status_code == 302
    page = client.get(f"/members/duplicates/?org={ward.id}").get_data(as_text=True)
    assert "Cùng số điện thoại" not in page
    assert db.session.scalar(select(MemberChange).where(MemberChange.field == "not_duplicate")) is not None


def test_records_outside_scope_or_same_record_are_refused(app, client, scene, factory):
    _ward, (one, *_rest) = scene
    stranger = db.session.scalar(select(Member).where(Member.cell.has(name="Chi bộ ngoài")))
    login(client, "canbo@test.vn")
    token = csrf_from(client.get("/members/duplicates/").get_data(as_text=True))
    assert client.post("/members/duplicates/merge", data={"csrf_token": token, "a": one.id, "b": stranger.id}
                       ).status_code == 404
    assert client.post("/members/duplicates/merge", data={"csrf_token": token, "a": one.id, "b": one.id}
                       ).status_code == 400
