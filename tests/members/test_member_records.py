"""Editing a record: who may edit what, dated statuses, the change history, the photo, the audit trail."""
from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.extensions import db
from handbook.members.models import Member, MemberChange, MemberStatus, MemberStatusHistory
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, login


@pytest.fixture
def cell(factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO, ward)
    leader = factory.user("bithu@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Lê Văn Thư")
    factory.grant(leader, cell, Role.BI_THU)
    own = factory.user("dv@test.vn", name="Đảng viên")
    member = factory.member(cell, own, name="Nguyễn Văn An", phone="+84901234567")
    factory.commit()
    return cell, member


def _form(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return csrf_from(response.get_data(as_text=True))


def _record_data(**changes):
    data = {"full_name": "Nguyễn Văn An", "birth_date": "01/01/1980", "gender": "nam", "admission_date": "19/05/2005",
            "official_date": "19/05/2006", "phone": "0901234567"}
    data.update(changes)
    return data


def test_leader_edits_every_field_and_history_shows_it(app, client, cell):
    _cell, member = cell
    login(client, "bithu@test.vn")
    token = _form(client, f"/members/{member.id}/edit")
    response = client.post(f"/members/{member.id}/edit", data=_record_data(
        csrf_token=token, full_name="Nguyễn  Văn   Ân", cccd="001080012345", occupation="Giáo viên"))
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Member, member.id)
    assert stored.full_name == "Nguyễn Văn Ân" and stored.cccd == "001080012345"
    changes = {c.field: (c.old_value, c.new_value) for c in db.session.scalars(select(MemberChange))}
    assert changes["full_name"] == ("Nguyễn Văn An", "Nguyễn Văn Ân")
    assert changes["cccd"] == (None, "001080012345")
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Lịch sử thay đổi" in page and "Nguyễn Văn An → Nguyễn Văn Ân" in page
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "member.update" in actions and "member.view" in actions
    details = db.session.scalars(select(AuditEvent.details)).all()
    assert "001080012345" not in str(details) and "Nguyễn" not in str(details)


def test_leader_sees_vietnamese_errors(app, client, cell, factory):
    _cell, member = cell
    login(client, "bithu@test.vn")
    token = _form(client, f"/members/{member.id}/edit")
    response = client.post(f"/members/{member.id}/edit", data=_record_data(
        csrf_token=token, cccd="123", birth_date="30/02/1980", official_date="19/09/2006"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Số CCCD phải gồm đúng 12 chữ số." in page
    assert "ngày/tháng/năm" in page
    assert "Ngày chính thức thường là đúng 12 tháng" in page


def test_unique_cccd_in_form(app, client, cell, factory):
    the_cell, member = cell
    factory.member(the_cell, name="Người Khác", cccd="001080012345")
    factory.commit()
    login(client, "bithu@test.vn")
    token = _form(client, f"/members/{member.id}/edit")
    response = client.post(f"/members/{member.id}/edit", data=_record_data(csrf_token=token, cccd="001080012345"))
    assert response.status_code == 400 and "Số CCCD đã có trong cơ sở dữ liệu." in response.get_data(as_text=True)


def test_member_edits_only_contact(app, client, cell):
    _cell, member = cell
    login(client, "dv@test.vn")
    assert client.get(f"/members/{member.id}/edit").status_code == 403
    token = _form(client, f"/members/{member.id}/contact")
    response = client.post(f"/members/{member.id}/contact", data={
        "csrf_token": token, "phone": "+84 912 345 678", "email": "An@Test.vn", "residence": "Số 1 phố Huế",
        "full_name": "Tên Khác"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    db.session.expire_all()
    stored = db.session.get(Member, member.id)
    assert (stored.phone, stored.email, stored.residence) == ("+84912345678", "an@test.vn", "Số 1 phố Huế")
    assert stored.full_name == "Nguyễn Văn An"
    response = client.post(f"/members/{member.id}/contact", data={"csrf_token": token, "phone": "123"})
    assert response.status_code == 400 and "Số điện thoại không hợp lệ" in response.get_data(as_text=True)
    # Viewing one's own record is not audited as someone else's view.
    client.get(f"/members/{member.id}")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.view")) is None


def test_status_history_drives_current_status(app, client, cell):
    _cell, member = cell
    login(client, "bithu@test.vn")
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    token = csrf_from(page)
    response = client.post(f"/members/{member.id}/status", data={
        "csrf_token": token, "status": "tam_mien", "from_date": "01/03/2026", "reason": "Đi làm xa"})
    assert response.status_code == 302
    client.post(f"/members/{member.id}/status", data={
        "csrf_token": token, "status": "chinh_thuc", "from_date": "01/01/2020", "reason": "Ghi bổ sung"})
    db.session.expire_all()
    assert db.session.get(Member, member.id).status is MemberStatus.TAM_MIEN  # the latest date wins
    assert db.session.scalar(select(MemberStatusHistory.reason).where(
        MemberStatusHistory.status == MemberStatus.TAM_MIEN)) == "Đi làm xa"
    bad = client.post(f"/members/{member.id}/status", data={
        "csrf_token": token, "status": "da_mat", "from_date": "01/01/2999"})
    assert bad.status_code == 400 and "tương lai" in bad.get_data(as_text=True)
    bad = client.post(f"/members/{member.id}/status", data={"csrf_token": token, "status": "xyz", "from_date": "x"})
    assert bad.status_code == 400
    history = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Quá trình trạng thái" in history and "Đi làm xa" in history and "01/03/2026" in history
    # the change history speaks words, not the stored codes
    assert "Chính thức → Tạm miễn sinh hoạt (01/03/2026)" in history
    table = history[history.index("Lịch sử thay đổi"):]
    assert "tam_mien" not in table and "chinh_thuc" not in table and "<td>status</td>" not in table


def _image(kind: str, size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def test_photo_upload_checks_content_and_serves_only_to_allowed(app, client, cell, factory):
    the_cell, member = cell
    login(client, "dv@test.vn")
    token = _form(client, f"/members/{member.id}/contact")
    fake = client.post(f"/members/{member.id}/photo", data={
        "csrf_token": token, "photo": (io.BytesIO(b"<?php echo 1; ?>"), "anh.jpg")},
        content_type="multipart/form-data")
    assert fake.status_code == 400 and "JPEG hoặc PNG" in fake.get_data(as_text=True)
    gif = client.post(f"/members/{member.id}/photo", data={
        "csrf_token": token, "photo": (io.BytesIO(_image("GIF", (10, 10))), "anh.png")},
        content_type="multipart/form-data")
    assert gif.status_code == 400
    good = client.post(f"/members/{member.id}/photo", data={
        "csrf_token": token, "photo": (io.BytesIO(_image("PNG")), "anh.png")}, content_type="multipart/form-data")
    assert good.status_code == 302
    served = client.get(f"/members/{member.id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(served.data)).size) <= 480
    assert "private" in served.headers["Cache-Control"]
    neighbour = factory.user("hangxom@test.vn")
    factory.member(the_cell, neighbour, name="Hàng Xóm")
    factory.commit()
    client.post("/logout", data={"csrf_token": token})
    other = app.test_client()
    login(other, "hangxom@test.vn")
    assert other.get(f"/members/{member.id}/photo").status_code == 404


def test_profile_shows_record_groups_and_edit_link(app, client, cell):
    _cell, member = cell
    login(client, "dv@test.vn")
    page = client.get("/profile").get_data(as_text=True)
    for heading in ("Thông tin cá nhân", "Thông tin Đảng", "Trình độ", "Liên hệ"):
        assert heading in page
    assert f"/members/{member.id}/contact" in page


def test_backfill_gives_bulk_written_members_a_history(app, cell):
    from handbook.members.records import backfill_status_history

    _cell, member = cell
    backfill_status_history()
    backfill_status_history()  # twice: still one row per member
    rows = db.session.scalars(select(MemberStatusHistory).where(MemberStatusHistory.member_id == member.id)).all()
    assert [(r.status, r.from_date) for r in rows] == [(MemberStatus.CHINH_THUC, date(2006, 5, 19))]


def test_backfill_without_dates_starts_on_the_day_the_record_was_created(app, cell):
    """A record with neither admission nor official date starts its history on the day it was written (a date,
    on SQLite too, whose CAST(… AS DATE) would give the year as a number)."""
    from datetime import UTC, datetime

    from handbook.members.records import backfill_status_history

    _cell, member = cell
    member.admission_date = member.official_date = None
    member.created_at = datetime(2024, 3, 7, 23, 30, tzinfo=UTC)
    db.session.execute(MemberStatusHistory.__table__.delete())
    db.session.commit()
    backfill_status_history()
    db.session.expire_all()
    rows = db.session.scalars(select(MemberStatusHistory).where(MemberStatusHistory.member_id == member.id)).all()
    assert [(r.status, r.from_date) for r in rows] == [(MemberStatus.CHINH_THUC, date(2024, 3, 7))]
