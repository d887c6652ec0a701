"""The tree import on a page: upload → preview with every bad row → confirm (CSRF on each form, once only), the
template and the export; committee staff import only under organisations in their scope."""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from handbook.extensions import db
from handbook.org.models import Organisation, OrgKind, Role
from handbook.treeio.columns import COLUMNS
from tests.support import csrf_from, signed_in


def _file(rows) -> io.BytesIO:
    book = Workbook()
    book.active.append(list(COLUMNS))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _scene(factory):
    province = factory.org("Đảng bộ tỉnh", OrgKind.DANG_BO_TINH)
    ward, other = (factory.org("Phường A", OrgKind.DANG_BO_XA, province),
                   factory.org("Phường B", OrgKind.DANG_BO_XA, province))
    province.code, ward.code, other.code = "DBT", "PA", "PB"
    factory.grant(factory.user("canbo@test.vn"), ward, Role.CAN_BO)
    factory.user("admin@test.vn", admin=True)
    factory.commit()
    return ward, other


def _upload(client, rows):
    token = csrf_from(client.get("/org/tree/import").get_data(as_text=True))
    return client.post("/org/tree/import", data={"csrf_token": token, "file": (_file(rows), "cay.xlsx")},
                       content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


def test_upload_preview_confirm_once(app, factory):
    ward, _other = _scene(factory)
    client = signed_in(app, "canbo@test.vn")
    preview = _upload(client, [("PA-1", "Chi bộ Khu phố 1", "Chi bộ", "PA", "")])
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Nếu nhập: 1 tổ chức mới" in html and _count() == 3
    action = html.split('action="/org/tree/import/')[1].split('"')[0]
    assert client.post(f"/org/tree/import/{action}", data={}).status_code == 400  # no CSRF token
    done = client.post(f"/org/tree/import/{action}", data={"csrf_token": csrf_from(html)})
    assert done.status_code == 200 and "1 tổ chức mới" in done.get_data(as_text=True)
    assert db.session.scalar(select(Organisation.parent_id).where(Organisation.code == "PA-1")) == ward.id
    again = client.post(f"/org/tree/import/{action}", data={"csrf_token": csrf_from(html)})
    assert again.status_code == 409 and _count() == 4
    same = _upload(client, [("PA-1", "Chi bộ Khu phố 1", "Chi bộ", "PA", "")])
    assert "không có gì thay đổi" in same.get_data(as_text=True)


def test_bad_rows_are_shown_and_nothing_is_written(app, factory):
    _scene(factory)
    response = _upload(signed_in(app, "canbo@test.vn"), [("PA-1", "", "Chi bộ", "PA", ""),
                                                          ("PA-2", "Chi bộ 2", "Chi bộ", "KHONG", "")])
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and html.count('<tr class="bad">') == 2 and "Thiếu Tên." in html
    assert "Xác nhận nhập" not in html and _count() == 3


def test_staff_import_only_within_their_scope(app, factory):
    _scene(factory)
    client = signed_in(app, "canbo@test.vn")
    html = _upload(client, [("PB-1", "Chi bộ B1", "Chi bộ", "PB", "")]).get_data(as_text=True)
    assert "Không tìm thấy tổ chức cấp trên có mã này" in html  # another ward: not named as existing
    html = _upload(client, [("MOI", "Đảng bộ tỉnh Mới", "Đảng bộ tỉnh", "", ""),
                            ("PB", "Phường B đổi tên", "Đảng bộ xã/phường", "DBT", "")]).get_data(as_text=True)
    assert "Chỉ quản trị hệ thống được thêm tổ chức cấp cao nhất" in html
    assert "Mã tổ chức này đã được dùng cho tổ chức khác." in html and _count() == 3
    admin = _upload(signed_in(app, "admin@test.vn"), [("PB-1", "Chi bộ B1", "Chi bộ", "PB", "")])
    assert "Nếu nhập: 1 tổ chức mới" in admin.get_data(as_text=True)


def test_template_and_export_downloads(app, factory):
    _scene(factory)
    client = signed_in(app, "canbo@test.vn")
    template = load_workbook(io.BytesIO(client.get("/org/tree/template.xlsx").data))
    assert next(template.active.iter_rows(values_only=True)) == COLUMNS
    exported = load_workbook(io.BytesIO(client.get("/org/tree/export.xlsx").data))
    assert [r[0] for r in exported.active.iter_rows(values_only=True)] == ["Mã", "PA"]  # their scope only
