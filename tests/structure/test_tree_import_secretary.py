"""The tree import's "Bí thư" column names only accounts the uploader may make a bí thư: a member of a cell in
their scope whose positions they cover. An administrator, another ward's staff, or anyone outside reads as no
account at all — nothing is granted, nobody is signed out, and the answer tells nothing about who has an account."""
from __future__ import annotations

from sqlalchemy import select

from handbook.extensions import db
from handbook.org.models import OrgKind, Position, Role
from tests.structure.test_tree_import_page import _scene, _upload
from tests.support import csrf_from, signed_in

NOT_IN_SCOPE = "Không có tài khoản đảng viên nào trong phạm vi đồng chí quản lý"


def _people(factory, ward, other):
    cell = factory.org("Chi bộ Khu phố 1", OrgKind.CHI_BO, ward)
    cell.code = "PA-1"
    member = factory.member(cell, factory.user("dv.pa@test.vn"))
    outsider_cell = factory.org("Chi bộ phường B", OrgKind.CHI_BO, other)
    outsider = factory.member(outsider_cell, factory.user("dv.pb@test.vn"))
    factory.grant(factory.user("canbo.pb@test.vn"), other, Role.CAN_BO)
    factory.commit()
    return member, outsider


def test_only_members_in_scope_can_be_named_bi_thu(app, factory):
    ward, other = _scene(factory)
    member, _outsider = _people(factory, ward, other)
    client = signed_in(app, "canbo@test.vn")
    admin_before = signed_in(app, "admin@test.vn")
    assert admin_before.get("/").status_code == 200
    rows = [("PA-9", "Chi bộ 9", "Chi bộ", "PA", "admin@test.vn"),
            ("PA-8", "Chi bộ 8", "Chi bộ", "PA", "canbo.pb@test.vn"),
            ("PA-7", "Chi bộ 7", "Chi bộ", "PA", "dv.pb@test.vn"),
            ("PA-6", "Chi bộ 6", "Chi bộ", "PA", "khongco@test.vn")]
    page = _upload(client, rows).get_data(as_text=True)
    assert page.count(NOT_IN_SCOPE) == 4  # the same words for an admin, other staff, an outsider, nobody
    assert db.session.scalars(select(Position).where(Position.role == Role.BI_THU)).all() == []
    assert admin_before.get("/").status_code == 200  # nobody was signed out

    page = _upload(client, [("PA-9", "Chi bộ 9", "Chi bộ", "PA", "dv.pa@test.vn")]).get_data(as_text=True)
    assert NOT_IN_SCOPE not in page
    token = page.split('action="/org/tree/import/')[1].split('"')[0]
    assert client.post(f"/org/tree/import/{token}", data={"csrf_token": csrf_from(page)}).status_code == 200
    assert db.session.scalar(select(Position.role).where(Position.user_id == member.user_id)) is Role.BI_THU


def test_an_administrator_may_name_any_account(app, factory):
    ward, other = _scene(factory)
    _member, outsider = _people(factory, ward, other)
    page = _upload(signed_in(app, "admin@test.vn"),
                   [("PA-9", "Chi bộ 9", "Chi bộ", "PA", "dv.pb@test.vn")]).get_data(as_text=True)
    assert NOT_IN_SCOPE not in page and "1 bí thư" in page


def test_a_code_outside_the_scope_reads_the_same_dissolved_or_not(app, factory):
    from datetime import date

    ward, other = _scene(factory)
    live, gone = (factory.org("Chi bộ B1", OrgKind.CHI_BO, other), factory.org("Chi bộ B2", OrgKind.CHI_BO, other))
    live.code, gone.code, gone.dissolved_on = "PB-1", "PB-2", date(2025, 9, 1)
    factory.commit()
    page = _upload(signed_in(app, "canbo@test.vn"), [("PB-1", "Chi bộ 1", "Chi bộ", "PA", ""),
                                                     ("PB-2", "Chi bộ 2", "Chi bộ", "PA", "")]).get_data(as_text=True)
    assert page.count("Mã tổ chức này đã được dùng cho tổ chức khác.") == 2 and "giải thể" not in page
