"""Excel import (web and CLI), the template, the rejected rows, export and the printable list."""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.extensions import db
from handbook.members import importer, sheets
from handbook.members.models import Member, MemberStatus, MemberStatusHistory
from handbook.members.samples.make import HEADINGS, demo_rows, make_rows, write_workbook
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, login


def xlsx(rows, headings=HEADINGS) -> bytes:
    out = io.BytesIO()
    write_workbook(out, rows, headings)
    return out.getvalue()


@pytest.fixture
def cell(factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ 3", OrgKind.CHI_BO, ward)
    leader = factory.user("bt@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Lê Văn Thư", cccd="001070000001", card_number="99999999")
    factory.grant(leader, cell, Role.BI_THU)
    factory.member(cell, factory.user("dv@test.vn"), name="Đảng Viên Thường")
    factory.commit()
    return cell


def _problems(data: bytes):
    return importer.validate_file(io.BytesIO(data), today=date(2026, 6, 1))


def test_sample_file_names_every_bad_row(app, cell):
    report = importer.validate_file("handbook/members/samples/demo_import.xlsx")
    assert report.total == 12 and report.valid_count == 8 and report.bad_rows == 4
    assert {p.row for p in report.problems} == {10, 11, 12, 13}
    assert any(p.column == "Số CCCD" and "12 chữ số" in p.message for p in report.problems)
    report.close()


def test_dates_in_many_formats_and_excel_cells(app, cell):
    rows = make_rows(5)
    for row in rows:
        row[13], row[14] = date(2005, 3, 1), date(2006, 3, 1)
    rows[0][1] = "19/05/1980"
    rows[1][1] = "9/5/1980"
    rows[2][1] = "1980-05-19"
    rows[3][1] = datetime(1980, 5, 19)
    rows[4][1] = "19.05.1980"
    report = _problems(xlsx(rows))
    assert report.ok, report.problems


def test_formulas_bad_values_nfd_and_duplicates(app, cell):
    rows = make_rows(6)
    rows[0][1] = "=DATE(1980,5,19)"
    rows[1][8] = "12345"                               # phone
    rows[2][0] = unicodedata.normalize("NFD", "Lê Văn Thư")
    rows[2][1] = date(1970, 1, 1)                       # NFD name + same birth date as…
    rows[3][7] = "001070000001"                         # CCCD already stored
    rows[4][7] = rows[5][7]                             # same CCCD twice in the file
    report = _problems(xlsx(rows))
    by_row = {}
    for p in report.problems:
        by_row.setdefault(p.row, []).append(p.message)
    assert "công thức" in " ".join(by_row[2])
    assert "Số điện thoại không hợp lệ" in " ".join(by_row[3])
    assert "Số CCCD đã có trong cơ sở dữ liệu." in by_row[5]
    assert any("Trùng số CCCD với dòng 6" in m for m in by_row[7]) or any(
        "Trùng số CCCD với dòng 7" in m for m in by_row.get(7, []))
    report.close()


def test_nfd_name_matches_nfc_record(app, factory, cell):
    factory.member(cell, name="Nguyễn Thị Ánh", birth_date=date(1980, 5, 19))
    factory.commit()
    rows = make_rows(1)
    rows[0][0] = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    rows[0][1] = "19/05/1980"
    report = _problems(xlsx(rows))
    assert any("họ tên và ngày sinh" in p.message for p in report.problems)


@pytest.mark.parametrize("data,message", [
    (b"not a zip at all", "không phải bảng tính Excel"),
    (b"PK\x03\x04broken", "không phải bảng tính Excel"),
])
def test_broken_files(app, data, message):
    with pytest.raises(sheets.ImportFileError, match=message):
        _problems(data)


def test_missing_and_unknown_columns(app):
    with pytest.raises(sheets.ImportFileError, match="Thiếu cột bắt buộc: Ngày sinh, Ngày vào Đảng"):
        _problems(xlsx([["Nguyễn Văn A"]], ["Họ và tên"]))
    rows = [[r[0], r[1], r[13], "x"] for r in make_rows(2)]
    report = _problems(xlsx(rows, ["Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Cột lạ"]))
    assert report.ignored_columns == ["Cột lạ"] and report.ok
    empty = Workbook()
    out = io.BytesIO()
    empty.save(out)
    with pytest.raises(sheets.ImportFileError, match="tiêu đề"):
        _problems(out.getvalue())


def _upload(client, data: bytes, org_id: int, name="ds.xlsx"):
    token = csrf_from(client.get(f"/members/import?org={org_id}").get_data(as_text=True))
    return client.post("/members/import", data={"csrf_token": token, "org": str(org_id),
                                                "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_web_import_preview_then_all_or_nothing_then_valid_only(app, client, cell):
    login(client, "bt@test.vn")
    with open("handbook/members/samples/demo_import.xlsx", "rb") as f:
        data = f.read()
    preview = _upload(client, data, cell.id)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "8 dòng hợp lệ, 4 dòng lỗi hoặc trùng" in page
    for row in ("<td>10</td>", "<td>11</td>", "<td>12</td>", "<td>13</td>"):
        assert row in page
    token = re.search(r"/members/import/([0-9a-f]{32})", page).group(1)
    csrf = csrf_from(page)
    count = db.session.scalar(select(func.count(Member.id)))
    refused = client.post(f"/members/import/{token}", data={"csrf_token": csrf, "mode": "all"})
    assert refused.status_code == 400 and db.session.scalar(select(func.count(Member.id))) == count
    # Another user cannot use this upload.
    other = app.test_client()
    login(other, "dv@test.vn")
    assert other.post(f"/members/import/{token}", data={"csrf_token": csrf_from(other.get("/profile").get_data(
        as_text=True)), "mode": "valid_only"}).status_code == 404
    done = client.post(f"/members/import/{token}", data={"csrf_token": csrf, "mode": "valid_only"})
    assert done.status_code == 200 and "Đã nhập 8 đảng viên" in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Member.id))) == count + 8
    assert db.session.scalar(select(func.count(MemberStatusHistory.id)).where(
        MemberStatusHistory.status == MemberStatus.CHINH_THUC)) == 8
    rejected = client.get(f"/members/import/{token}/rejected.xlsx")
    assert rejected.status_code == 200
    sheet = load_workbook(io.BytesIO(rejected.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("Dòng trong tệp gốc", "Lý do") and len(values) == 5
    assert "12 chữ số" in values[1][1]
    assert other.get(f"/members/import/{token}/rejected.xlsx").status_code == 404
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.import"))
    assert event.details == {"rows": 12, "valid": 8, "rejected": 4, "source": "web"}


def test_web_import_of_a_clean_file(app, client, cell):
    login(client, "bt@test.vn")
    page = _upload(client, xlsx(make_rows(20)), cell.id).get_data(as_text=True)
    token = re.search(r"/members/import/([0-9a-f]{32})", page).group(1)
    done = client.post(f"/members/import/{token}", data={"csrf_token": csrf_from(page), "mode": "all"})
    assert "Đã nhập 20 đảng viên" in done.get_data(as_text=True)


def test_web_import_bad_uploads(app, client, cell, factory):
    login(client, "bt@test.vn")
    broken = _upload(client, b"this is not excel", cell.id)
    assert broken.status_code == 400 and "không phải bảng tính Excel" in broken.get_data(as_text=True)
    missing = _upload(client, xlsx([["A"]], ["Họ và tên"]), cell.id)
    assert missing.status_code == 400 and "Thiếu cột bắt buộc" in missing.get_data(as_text=True)
    foreign = factory.org("Chi bộ ngoài", OrgKind.CHI_BO)
    factory.commit()
    assert _upload(client, xlsx(make_rows(1)), foreign.id).status_code == 404
    ward = db.session.get(type(cell), cell.parent_id)
    assert _upload(client, xlsx(make_rows(1)), ward.id).status_code in (400, 404)


def test_fifty_megabyte_upload_refused_before_reading(app, client, cell):
    login(client, "bt@test.vn")
    token = csrf_from(client.get("/members/import").get_data(as_text=True))
    body = io.BytesIO(b"0" * (50 * 1024 * 1024))
    response = client.post("/members/import", data={"csrf_token": token, "org": str(cell.id),
                                                     "file": (body, "lon.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Tệp quá lớn: tối đa 5 MB" in response.get_data(as_text=True)


def test_template_has_vietnamese_headings_and_round_trips(app, client, cell):
    login(client, "bt@test.vn")
    response = client.get("/members/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    headings = [c.value for c in book["Danh sách"][1]]
    assert headings[:3] == ["Họ và tên", "Họ tên khai sinh", "Ngày sinh"] and "Số CCCD" in headings


def test_cli_import_with_progress(app, runner, cell, tmp_path):
    path = tmp_path / "ds.xlsx"
    write_workbook(path, demo_rows())
    result = runner.invoke(args=["members", "import", str(path), "--org", str(cell.id)])
    assert result.exit_code == 1 and "chưa nhập gì" in result.output
    assert "Dòng 10, cột Số CCCD" in result.output
    rejected = tmp_path / "tu-choi.xlsx"
    result = runner.invoke(args=["members", "import", str(path), "--org", str(cell.id), "--valid-only",
                                 "--rejected", str(rejected)])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 8 đảng viên" in result.output and rejected.is_file()
    assert runner.invoke(args=["members", "import", str(path), "--org", "999999"]).exit_code == 2


def test_export_and_print_list(app, client, cell):
    login(client, "bt@test.vn")
    response = client.get(f"/org/{cell.id}/members.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:4] == ("STT", "Họ và tên", "Ngày sinh", "Giới tính")
    names = [r[1] for r in rows[3:]]
    assert names == ["Lê Văn Thư", "Đảng Viên Thường"]  # given names: Thư before Thường
    assert rows[3][10] == "Bí thư" and rows[4][10] == "Đảng viên"
    page = client.get(f"/org/{cell.id}/members/print").get_data(as_text=True)
    assert "Danh sách đảng viên" in page and "Lê Văn Thư" in page
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "members.export" in actions and "members.print" in actions
