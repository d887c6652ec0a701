"""The meeting pages through the test client: a bí thư schedules and records, a member reads and answers."""
from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handbook.core.timeutil import local_zone, utcnow
from handbook.extensions import db
from handbook.meetings import attendance, minutes
from handbook.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingDocument,
    MeetingFormat,
    MeetingStatus,
    MinutesRevision,
)
from handbook.org.models import OrgKind, Role
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, login, signed_in

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def test_the_real_login_form_works_for_the_leader(app, cell):
    client = app.test_client()
    assert login(client, "bithu@test.vn").status_code == 302
    assert "Lên lịch buổi họp" in _text(client.get(f"/meetings/new?org={cell.org.id}"))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _local_today() -> date:
    return utcnow().astimezone(local_zone()).date()


def _next_sunday() -> date:
    today = _local_today()
    return today + timedelta(days=7 + (6 - today.weekday()) % 7)


def _form(page_html: str, **fields) -> dict:
    values = {"csrf_token": csrf_from(page_html), "kind": "thuong_ky", "format": "truc_tiep", "title": "",
              "start": "19:30", "end": "21:00", "place": "Nhà văn hóa tổ 5", "online_url": "", "agenda": ""}
    values.update(fields)
    return values


@pytest.fixture
def leader(app, cell):
    return signed_in(app, "bithu@test.vn")


@pytest.fixture
def member(app, cell):
    return signed_in(app, "dangvien@test.vn")


def _create(leader, cell, **fields) -> Meeting:
    page = _text(leader.get(f"/meetings/new?org={cell.org.id}"))
    response = leader.post(f"/meetings/new?org={cell.org.id}", data=_form(page, **fields))
    assert response.status_code == 302, _text(response)
    meeting_id = int(re.search(r"/meetings/(\d+)$", response.headers["Location"]).group(1))
    return db.session.get(Meeting, meeting_id)


def _select_value(html: str, name: str) -> str | None:
    block = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S).group(1)
    chosen = re.search(r'<option value="([^"]*)" selected>', block)
    return chosen.group(1) if chosen else None


# --- scheduling through the form, the member's view ------------------------------------------------

def test_leader_schedules_and_member_sees_it_on_the_home_page(app, cell, leader, member):
    day = _next_sunday()
    page = leader.get(f"/meetings/new?org={cell.org.id}")
    assert page.status_code == 200 and "Lên lịch buổi họp" in _text(page)
    meeting = _create(leader, cell, day=day.isoformat(),
                      agenda="Kiểm điểm công tác tháng\r\n\r\nPhổ biến Chỉ thị 50\r\nÝ kiến đảng viên")
    assert meeting.title == f"Sinh hoạt chi bộ thường kỳ tháng {day:%m/%Y}"
    assert meeting.starts_at.replace(tzinfo=UTC) == datetime.combine(day, time(19, 30), local_zone())
    assert [a.title for a in meeting.agenda] == ["Kiểm điểm công tác tháng", "Phổ biến Chỉ thị 50",
                                                  "Ý kiến đảng viên"]

    home = _text(member.get("/"))
    assert f"Chủ nhật, {day:%d/%m/%Y}, 19:30" in home
    assert meeting.title in home and "Phổ biến Chỉ thị 50" in home and "Nhà văn hóa tổ 5" in home
    assert "còn " in home  # time until it
    listing = _text(member.get("/meetings"))
    assert meeting.title in listing and f"/meetings/{meeting.id}" in listing
    shown = _text(member.get(f"/meetings/{meeting.id}"))
    assert "Báo vắng" in shown and "Sửa, thêm tài liệu" not in shown
    assert "Sửa, thêm tài liệu" in _text(leader.get(f"/meetings/{meeting.id}"))


def test_edit_switches_to_hybrid_with_a_link(app, cell, leader, member, changes):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    page = _text(leader.get(f"/meetings/{meeting.id}/edit"))
    assert 'value="Nhà văn hóa tổ 5"' in page and 'value="19:30"' in page
    response = leader.post(f"/meetings/{meeting.id}/edit", data=_form(
        page, day=_next_sunday().isoformat(), format="ket_hop", online_url="https://meet.jit.si/chibo-khu-1"))
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert (meeting.format, meeting.online_url) == (MeetingFormat.KET_HOP, "https://meet.jit.si/chibo-khu-1")
    assert changes[-1] == (meeting.id, "updated")
    shown = _text(member.get(f"/meetings/{meeting.id}"))
    assert "Kết hợp trực tiếp và trực tuyến" in shown
    assert "Nút “Tham gia trực tuyến” mở từ 15 phút trước giờ họp." in shown


def test_join_button_is_live_from_15_minutes_before(app, cell, member):
    now = utcnow()
    make_meeting(cell.org, now + timedelta(minutes=10), now=now, format=MeetingFormat.TRUC_TUYEN, place=None,
                 online_url="https://meet.jit.si/chibo-khu-1")
    home = _text(member.get("/"))
    assert 'href="https://meet.jit.si/chibo-khu-1"' in home and "Tham gia trực tuyến" in home


# --- documents -------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _doc_post(leader, meeting, **data):
    page = _text(leader.get(f"/meetings/{meeting.id}/edit"))
    data = {"csrf_token": csrf_from(page), "title": "", "link_url": "", **data}
    return leader.post(f"/meetings/{meeting.id}/documents", data=data, content_type="multipart/form-data")


def test_documents_upload_link_and_download(app, cell, leader, member):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    response = _doc_post(leader, meeting, title="Dự thảo nghị quyết", file=(io.BytesIO(PDF), "Dự thảo NQ.pdf"))
    assert response.status_code == 302
    response = _doc_post(leader, meeting, title="Điều 10 Điều lệ Đảng",
                         link_url="https://thuvienphapluat.vn/dieu-le-dang#dieu10")
    assert response.status_code == 302
    upload, link = db.session.scalars(select(MeetingDocument).order_by(MeetingDocument.id)).all()
    assert (upload.content_type, upload.size_bytes) == ("application/pdf", len(PDF))

    shown = _text(member.get(f"/meetings/{meeting.id}"))
    assert "Dự thảo nghị quyết" in shown and "Điều 10 Điều lệ Đảng" in shown
    download = member.get(f"/meetings/{meeting.id}/documents/{upload.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == "application/pdf"
    followed = member.get(f"/meetings/{meeting.id}/documents/{link.id}")
    assert (followed.status_code, followed.headers["Location"]) == (302, "https://thuvienphapluat.vn/dieu-le-dang#dieu10")
    # a document id of another meeting is not served through this one
    other = _create(leader, cell, day=(_next_sunday() + timedelta(days=7)).isoformat())
    assert member.get(f"/meetings/{other.id}/documents/{upload.id}").status_code == 404


@pytest.mark.parametrize("name,content,message", [
    ("cai-dat.exe", b"MZ\x90\x00", "Chỉ nhận tệp PDF, Word, Excel, PowerPoint, ODT hoặc ảnh JPG/PNG."),
    ("tai-lieu.pdf", b"MZ\x90\x00 not a pdf", "Nội dung tệp không đúng với định dạng .pdf."),
    ("rong.pdf", b"", "Tệp rỗng."),
])
def test_bad_uploads_are_refused_with_a_message(app, cell, leader, name, content, message):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    response = _doc_post(leader, meeting, file=(io.BytesIO(content), name))
    assert message in _answer(leader, response)
    assert db.session.scalars(select(MeetingDocument)).all() == []


def _answer(client, response) -> str:
    """A refused form answers 400 with the page and its message (never a redirect, never a 500)."""
    assert response.status_code == 400, response.status_code
    return _text(response)


def test_a_javascript_link_document_is_refused(app, cell, leader):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    response = _doc_post(leader, meeting, title="Xấu", link_url="javascript:alert(1)")
    page = _answer(leader, response)
    assert "Đường dẫn tài liệu phải là địa chỉ web bắt đầu bằng http:// hoặc https://" in page
    assert "họp trực tuyến phải" not in page  # the document's own message, not the online meeting's
    assert db.session.scalars(select(MeetingDocument)).all() == []


def test_an_empty_document_form_asks_for_a_file_or_a_link(app, cell, leader):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    page = _answer(leader, _doc_post(leader, meeting))
    assert "Vui lòng chọn tệp để tải lên hoặc nhập đường dẫn tới tài liệu." in page
    assert db.session.scalars(select(MeetingDocument)).all() == []


# --- absence, check-in -----------------------------------------------------------------------------

def test_member_sends_absence_and_the_leader_sees_it_prefilled(app, cell, leader, member):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    page = _text(member.get(f"/meetings/{meeting.id}"))
    response = member.post(f"/meetings/{meeting.id}/absence",
                           data={"csrf_token": csrf_from(page), "reason": "Đi công tác Quảng Ngãi",
                                 "client_id": "form-abc-12345"})
    assert response.status_code == 302
    shown = _text(member.get(response.headers["Location"]))
    assert "Đã gửi báo vắng tới chi bộ." in shown and "Vắng có lý do: Đi công tác Quảng Ngãi" in shown
    # the list and the home card show it too; the API says it
    tag = '<p class="tag">Vắng có lý do</p>'
    assert tag in _text(member.get("/meetings")) and tag in _text(member.get("/"))
    items = member.get("/api/v1/meetings").get_json()["items"]
    assert [m["my_attendance"] for m in items if m["id"] == meeting.id] == ["vang_co_ly_do"]

    sheet = _text(leader.get(f"/meetings/{meeting.id}/attendance"))
    assert _select_value(sheet, f"status_{cell.member.id}") == "vang_co_ly_do"
    assert 'value="Đi công tác Quảng Ngãi"' in sheet and "(đã báo vắng)" in sheet
    assert _select_value(sheet, f"status_{cell.exempt.id}") == "mien"
    assert _select_value(sheet, f"status_{cell.leader.id}") is None
    assert f"status_{cell.gone.id}" not in sheet


def test_absence_form_errors(app, cell, leader, member):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    csrf = csrf_from(_text(member.get(f"/meetings/{meeting.id}")))
    empty = member.post(f"/meetings/{meeting.id}/absence", data={"csrf_token": csrf, "reason": "  "})
    assert empty.status_code == 400 and "Vui lòng nhập trường này." in _text(empty)
    now = utcnow()
    started = make_meeting(cell.org, now - timedelta(minutes=30), now=now)
    late = member.post(f"/meetings/{started.id}/absence", data={"csrf_token": csrf, "reason": "Ốm"})
    assert late.status_code == 400 and "Buổi họp đã bắt đầu; không thể báo vắng nữa" in _text(late)
    assert db.session.scalars(select(Attendance)).all() == []


def test_check_in_with_the_code_from_the_leaders_screen(app, cell, leader, member):
    now = utcnow()
    meeting = make_meeting(cell.org, now + timedelta(minutes=5), now=now)
    before = attendance.current_code(meeting)[0]
    screen = leader.get(f"/meetings/{meeting.id}/checkin-code")
    after = attendance.current_code(meeting)[0]
    assert screen.status_code == 200 and "<svg" in _text(screen)
    assert member.get(f"/meetings/{meeting.id}/checkin-code").status_code == 403
    shown = re.search(r'<p class="big"[^>]*>(\d{3}) (\d{3})</p>', _text(screen))
    code = shown.group(1) + shown.group(2)  # what the member reads off the leader's screen
    assert code in (before, after)
    page = _text(member.get(f"/meetings/{meeting.id}?code={code}"))
    assert f'value="{code}"' in page  # opened by scanning the QR code: the code is filled in
    wrong = member.post(f"/meetings/{meeting.id}/check-in", data={"csrf_token": csrf_from(page), "code": "12"})
    assert wrong.status_code == 400 and "Mã điểm danh không đúng." in _text(wrong)
    ok = member.post(f"/meetings/{meeting.id}/check-in", data={"csrf_token": csrf_from(page), "code": code})
    assert ok.status_code == 302
    assert "Đã điểm danh: có mặt." in _text(member.get(ok.headers["Location"]))
    again = member.post(f"/meetings/{meeting.id}/check-in", data={"csrf_token": csrf_from(page), "code": code})
    assert again.status_code == 400 and "Mã điểm danh này đã được sử dụng." in _text(again)


# --- after the meeting: attendance, minutes, votes, resolutions, print -----------------------------

def test_leader_records_the_meeting_and_prints_it(app, cell, leader):
    yesterday = _local_today() - timedelta(days=1)
    meeting = _create(leader, cell, day=yesterday.isoformat(), recording_held="y", agenda="Kết nạp đảng viên")
    assert meeting.status is MeetingStatus.HELD

    sheet = _text(leader.get(f"/meetings/{meeting.id}/attendance"))
    saved = leader.post(f"/meetings/{meeting.id}/attendance", data={
        "csrf_token": csrf_from(sheet), f"status_{cell.leader.id}": "co_mat", f"status_{cell.member.id}": "co_mat",
        f"status_{cell.probation.id}": "vang_co_ly_do", f"reason_{cell.probation.id}": "Ốm",
        f"status_{cell.paused.id}": "mien"})
    assert saved.status_code == 302
    sheet = _text(leader.get(saved.headers["Location"]))
    assert "Đã lưu điểm danh." in sheet and _select_value(sheet, f"status_{cell.member.id}") == "co_mat"

    bad = leader.post(f"/meetings/{meeting.id}/attendance", data={
        "csrf_token": csrf_from(sheet), f"status_{cell.member.id}": "vang_co_ly_do", f"reason_{cell.member.id}": ""})
    assert bad.status_code == 400 and "Vắng có lý do cần ghi lý do." in _text(bad)
    stranger = leader.post(f"/meetings/{meeting.id}/attendance", data={
        "csrf_token": csrf_from(sheet), f"status_{cell.outsider.id}": "co_mat"})
    assert stranger.status_code == 400 and "không thuộc buổi họp này" in _text(stranger)
    junk = leader.post(f"/meetings/{meeting.id}/attendance", data={
        "csrf_token": csrf_from(sheet), f"status_{cell.member.id}": "den_muon"})
    assert junk.status_code == 400 and "Dữ liệu điểm danh không hợp lệ." in _text(junk)
    assert db.session.get(Attendance, db.session.scalar(select(Attendance.id).where(
        Attendance.member_id == cell.member.id))).status is AttendanceStatus.CO_MAT

    page = _text(leader.get(f"/meetings/{meeting.id}/minutes"))
    assert "Đảng viên chính thức: 2; có mặt: 2; cần ít nhất 2 người có mặt" in page
    empty = leader.post(f"/meetings/{meeting.id}/minutes", data={"csrf_token": csrf_from(page), "body": " "})
    assert empty.status_code == 400 and "Vui lòng nhập trường này." in _text(empty)
    for body in ("Chi bộ họp lúc 19:30, đồng chí Bí thư chủ trì.", "Chi bộ họp lúc 19:30; bổ sung ý kiến."):
        assert leader.post(f"/meetings/{meeting.id}/minutes",
                           data={"csrf_token": csrf_from(page), "body": body}).status_code == 302
    page = _text(leader.get(f"/meetings/{meeting.id}/minutes"))
    assert "Các phiên bản (2)" in page
    first = db.session.scalars(select(MinutesRevision).order_by(MinutesRevision.id)).first()
    assert "đồng chí Bí thư chủ trì" in _text(leader.get(f"/meetings/{meeting.id}/minutes?rev={first.id}"))

    item = str(meeting.agenda[0].id)
    vote = leader.post(f"/meetings/{meeting.id}/votes", data={
        "csrf_token": csrf_from(page), "question": "Kết nạp quần chúng Nguyễn Văn A", "agenda_item": item,
        "rule": "two_thirds", "votes_for": "2", "votes_against": "0", "votes_abstain": "0"})
    assert vote.status_code == 302
    assert "Đã ghi kết quả biểu quyết: thông qua." in _text(leader.get(vote.headers["Location"]))
    too_many = leader.post(f"/meetings/{meeting.id}/votes", data={
        "csrf_token": csrf_from(page), "question": "Biểu quyết sai", "rule": "half",
        "votes_for": "3", "votes_against": "0", "votes_abstain": "0"})
    assert "Tổng số phiếu (3) vượt quá số đảng viên chính thức có mặt (2)." in _answer(leader, too_many)
    assert len(minutes.votes(meeting)) == 1

    resolution = leader.post(f"/meetings/{meeting.id}/resolutions", data={
        "csrf_token": csrf_from(page), "title": "Nghị quyết tháng này", "body": "Chi bộ thống nhất kết nạp."})
    assert resolution.status_code == 302

    printed = _text(leader.get(f"/meetings/{meeting.id}/minutes/print"))
    for text in ("BIÊN BẢN", "Chi bộ họp lúc 19:30; bổ sung ý kiến.", "Kết nạp quần chúng Nguyễn Văn A",
                 "tán thành 2, không tán thành 0, không biểu quyết 0", "thông qua", "Nghị quyết tháng này",
                 "Chi bộ thống nhất kết nạp.", "Có mặt: 2 / 5", "Lê Thị Dự Bị: Vắng có lý do (Ốm)",
                 "Kết nạp đảng viên"):
        assert text in printed, text
    assert "đồng chí Bí thư chủ trì" not in printed  # only the current revision is printed


# --- committee view --------------------------------------------------------------------------------

def test_committee_view_and_excel(app, cell, factory):
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, cell.ward, Role.CAN_BO)
    third = factory.org("Chi bộ Khu dân cư số 3", OrgKind.CHI_BO, cell.ward)
    fourth = factory.org("Chi bộ Khu dân cư số 4", OrgKind.CHI_BO, cell.ward)
    factory.org("Chi bộ phường khác", OrgKind.CHI_BO)  # outside the staff's scope
    factory.commit()
    now = utcnow()
    local = now.astimezone(local_zone())
    last_month = (local.replace(day=1) - timedelta(days=1)).replace(day=3, hour=19, minute=30, second=0,
                                                                     microsecond=0)
    held = make_meeting(cell.org, last_month, now=now)
    attendance.record_sheet(held, {cell.member.id: (AttendanceStatus.CO_MAT, None)}, cell.leader_user.id)
    minutes.save_minutes(held, "Biên bản", cell.leader_user.id)
    make_meeting(cell.other_cell, last_month, now=last_month - timedelta(days=5))      # scheduled, nothing recorded
    make_meeting(third, last_month, now=now)                                           # held, nothing recorded
    _ = fourth                                                                         # no meeting at all

    client = signed_in(app, "canbo@test.vn")
    url = f"/meetings/committee?year={last_month.year}&month={last_month.month}"
    page = _text(client.get(url))
    rows = re.findall(r'<tr class="st-(\w+)"><td>([^<]+)</td>', page)
    assert rows == [("held", "Chi bộ Khu dân cư số 1"), ("scheduled", "Chi bộ Khu dân cư số 2"),
                    ("held_incomplete", "Chi bộ Khu dân cư số 3"), ("missing", "Chi bộ Khu dân cư số 4")]
    assert "4 chi bộ" in page
    missing_only = re.findall(r'<tr class="st-(\w+)">', _text(client.get(url + "&only=missing")))
    assert missing_only == ["missing"]

    export = client.get(url + "&format=xlsx")
    assert export.status_code == 200
    assert export.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(export.data)).active
    values = [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ("Chi bộ", "Tình trạng", "Thời gian họp")
    assert [(r[0], r[1]) for r in values[1:]] == [
        ("Chi bộ Khu dân cư số 1", "Đã họp, có biên bản và điểm danh"), ("Chi bộ Khu dân cư số 2", "Đã lên lịch"),
        ("Chi bộ Khu dân cư số 3", "Đã họp, thiếu biên bản hoặc điểm danh"), ("Chi bộ Khu dân cư số 4", "Chưa có lịch")]
    assert values[1][2] == f"{WEEKDAYS[last_month.weekday()]}, {last_month:%d/%m/%Y}, 19:30"
    assert client.get("/meetings/committee?month=13").status_code == 400
    assert signed_in(app, "dangvien@test.vn").get(url).status_code == 403


# --- the yearly series through the form ------------------------------------------------------------

def test_series_preview_then_create_then_refuse_a_second(app, cell, leader):
    url = f"/meetings/series/new?org={cell.org.id}"
    page = _text(leader.get(url))
    year = _local_today().year + 1
    base = {"csrf_token": csrf_from(page), "year": str(year), "day_of_month": "3", "local_time": "19:30",
            "place": "Nhà văn hóa tổ 5"}
    preview = leader.post(url, data=base)
    assert preview.status_code == 200
    html = _text(preview)
    assert "Tạo 12 buổi họp" in html and "Cuối tuần" in html
    assert Meeting.query.count() == 0
    created = leader.post(url, data={**base, "confirm": "1", "shift_2": f"{year}-02-20"})
    assert created.status_code == 302
    starts = sorted(m.starts_at.replace(tzinfo=UTC).astimezone(local_zone()) for m in Meeting.query.all())
    assert len(starts) == 12 and starts[1].date() == date(year, 2, 20)
    assert {(s.hour, s.minute) for s in starts} == {(19, 30)}
    again = leader.post(url, data={**base, "confirm": "1"})
    assert again.status_code == 400 and f"Chi bộ đã có lịch sinh hoạt thường kỳ năm {year}." in _text(again)
    bad = leader.post(url, data={**base, "day_of_month": "29"})
    assert bad.status_code == 400 and "Từ 1 đến 28." in _text(bad)
    bad_shift = leader.post(url, data={**base, "year": str(year), "confirm": "1", "shift_3": "hôm qua"})
    assert bad_shift.status_code == 400


# --- bad form input: 400 with the message, never 500 -----------------------------------------------

@pytest.mark.parametrize("fields,message", [
    ({"end": "19:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
    ({"end": "20:30"}, "Sinh hoạt thường kỳ cần ít nhất 90 phút"),
    ({"end": "21:00", "combined_thematic": "y"}, "Sinh hoạt thường kỳ cần ít nhất 120 phút"),
    ({"format": "truc_tuyen", "online_url": "javascript:alert(1)"}, "http:// hoặc https://"),
    ({"format": "truc_tuyen", "online_url": "ftp://files.example.vn/x"}, "http:// hoặc https://"),
    ({"format": "truc_tuyen", "online_url": ""}, "Họp trực tuyến hoặc kết hợp cần có đường dẫn tham gia."),
    ({"place": ""}, "Họp trực tiếp hoặc kết hợp cần có địa điểm."),
    ({"day": ""}, "Vui lòng nhập trường này."),
    ({"day": "2026-02-30"}, "Ngày họp"),
    ({"start": "25:99"}, "Giờ bắt đầu"),
    ({"kind": "tiec_tat_nien"}, "Loại sinh hoạt"),
    ({"past": True}, "Không thể lên lịch một buổi họp trong quá khứ."),
    ({"day": "0001-01-01", "recording_held": "y"}, "Ngày họp: Giá trị không hợp lệ."),  # was a 500
    ({"day": "9999-12-31"}, "Ngày họp: Giá trị không hợp lệ."),
])
def test_bad_meeting_form_is_400_with_the_message(app, cell, leader, fields, message):
    page = _text(leader.get(f"/meetings/new?org={cell.org.id}"))
    day = _local_today() - timedelta(days=2) if fields.pop("past", False) else _next_sunday()
    response = leader.post(f"/meetings/new?org={cell.org.id}", data=_form(page, **{"day": day.isoformat(), **fields}))
    assert response.status_code == 400
    assert message in _text(response)
    assert Meeting.query.count() == 0


def test_bad_edit_is_400_and_changes_nothing(app, cell, leader):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    page = _text(leader.get(f"/meetings/{meeting.id}/edit"))
    response = leader.post(f"/meetings/{meeting.id}/edit", data=_form(
        page, day=_next_sunday().isoformat(), format="ket_hop", online_url="javascript:alert(1)"))
    assert response.status_code == 400 and "http:// hoặc https://" in _text(response)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).format is MeetingFormat.TRUC_TIEP


def test_cancel_through_the_form(app, cell, leader, member, changes):
    meeting = _create(leader, cell, day=_next_sunday().isoformat())
    page = _text(leader.get(f"/meetings/{meeting.id}/edit"))
    no_reason = leader.post(f"/meetings/{meeting.id}/cancel", data={"csrf_token": csrf_from(page), "reason": ""})
    assert "Vui lòng ghi lý do hủy" in _answer(leader, no_reason)
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.SCHEDULED
    done = leader.post(f"/meetings/{meeting.id}/cancel", data={"csrf_token": csrf_from(page), "reason": "Bão số 9"})
    assert done.status_code == 302 and changes[-1] == (meeting.id, "cancelled")
    assert "Đã hủy: Bão số 9" in _text(member.get(f"/meetings/{meeting.id}"))
    assert "Chi bộ chưa có lịch sinh hoạt sắp tới." in _text(member.get("/"))


# --- bounded queries -------------------------------------------------------------------------------

def _queries(client, path: str, statements) -> int:
    with statements() as seen:
        response = client.get(path)
    assert response.status_code == 200
    return len(seen)


def _add_meetings(cell, factory, n: int, members: int):
    now = utcnow()
    for i in range(members):
        factory.member(cell.org, name=f"Đảng viên thêm {i}")
    factory.commit()
    for i in range(n):
        start = now + timedelta(days=1 + i) if i % 2 else now - timedelta(days=1 + i)
        meeting = make_meeting(cell.org, start, now=now, agenda=[f"Nội dung {i}", "Khác"])
        db.session.add(MeetingDocument(meeting_id=meeting.id, title=f"Tài liệu {i}", link_url="https://example.vn"))
        db.session.add(Attendance(meeting_id=meeting.id, member_id=cell.member.id, status=AttendanceStatus.CO_MAT,
                                  source="leader"))
    db.session.commit()


@pytest.mark.parametrize("who", ["dangvien@test.vn", "bithu@test.vn"])
def test_home_and_meetings_list_use_a_bounded_number_of_queries(app, cell, factory, who, statements):
    client = signed_in(app, who)
    _add_meetings(cell, factory, 3, members=2)
    small = (_queries(client, "/", statements), _queries(client, "/meetings", statements))
    _add_meetings(cell, factory, 27, members=40)
    assert Meeting.query.count() == 30
    page = client.get("/meetings").get_data(as_text=True)
    assert page.count('class="card meeting') == 30
    large = (_queries(client, "/", statements), _queries(client, "/meetings", statements))
    assert large == small
    assert max(small) <= 10


def test_review_page_lists_unexcused_months_and_flags_three(app, cell, leader):
    this_year = _local_today().year
    for month, who in ((1, cell.member), (2, cell.member), (3, cell.member), (1, cell.probation)):
        start = datetime.combine(date(this_year, month, 3), time(19, 30), local_zone())
        meeting = make_meeting(cell.org, start, now=max(utcnow(), start + timedelta(days=1)))
        attendance.record_sheet(meeting, {who.id: (AttendanceStatus.VANG_KHONG_LY_DO, None)}, cell.leader_user.id)
    page = _text(leader.get(f"/meetings/review?org={cell.org.id}"))
    item = r'<li>([^<]+?)(?: <span class="tag warn">(Cần xem xét)</span>)?\s*<small>[^:]+: ([^<]*)</small>'
    items = re.findall(item, page)
    assert items == [("Trần Văn Minh", "Cần xem xét", "1, 2, 3"), ("Lê Thị Dự Bị", "", "1")]


def test_meeting_page_shows_the_outcome_only_once_there_is_one(app, cell, leader, member):
    meeting = make_meeting(cell.org, utcnow() + timedelta(days=2), by=cell.leader_user, now=utcnow())
    db.session.commit()
    for client in (member, leader):
        assert "Kết quả" not in _text(client.get(f"/meetings/{meeting.id}"))
    minutes.save_minutes(meeting, "Chi bộ họp đủ.", cell.leader_user.id)
    assert "Kết quả" not in _text(member.get(f"/meetings/{meeting.id}"))  # the minutes are the leader's page
    page = _text(leader.get(f"/meetings/{meeting.id}"))
    assert "Kết quả" in page and f'href="/meetings/{meeting.id}/minutes"' in page
    minutes.add_resolution(meeting, "Nghị quyết quý IV", "Chi bộ thống nhất.", cell.leader_user.id)
    minutes.record_vote(meeting, "Thông qua nghị quyết", (0, 0, 0), "half", cell.leader_user.id)
    page = _text(member.get(f"/meetings/{meeting.id}"))
    assert "Nghị quyết quý IV" in page and "Chi bộ thống nhất." in page
    assert "Thông qua nghị quyết: tán thành 0, không tán thành 0, không biểu quyết 0" in page
    assert f'href="/meetings/{meeting.id}/minutes"' not in page
