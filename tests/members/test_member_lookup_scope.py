"""The import preview and the duplicate finder are not a window on the whole deployment: a record outside the
uploader's scope is reported without saying which it is, lookups are audited and bounded; the finder lists only
what the caller manages."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.caller import load_access
from handbook.extensions import db
from handbook.members.samples.make import HEADINGS, make_rows, write_workbook
from handbook.org.models import OrgKind, Role, Scope
from tests.support import csrf_from, login

OUTSIDE = "Trùng với một hồ sơ đã có ngoài phạm vi quản lý của đồng chí — liên hệ cấp ủy cấp trên."


def xlsx(rows) -> bytes:
    out = io.BytesIO()
    write_workbook(out, rows, HEADINGS)
    return out.getvalue()


@pytest.fixture
def scene(factory):
    city = factory.org("Thành phố", OrgKind.DANG_BO_TINH)
    ward_a = factory.org("Phường A", OrgKind.DANG_BO_XA, city)
    ward_b = factory.org("Phường B", OrgKind.DANG_BO_XA, city)
    cell_a = factory.org("Chi bộ A", OrgKind.CHI_BO, ward_a)
    cell_b = factory.org("Chi bộ Bí Mật", OrgKind.CHI_BO, ward_b)
    leader = factory.user("bt@test.vn")
    factory.member(cell_a, leader, name="Lê Văn Thư")
    factory.grant(leader, cell_a, Role.BI_THU)
    mine = factory.member(cell_a, name="Phạm Thị Nhà", birth_date=date(1982, 4, 4), cccd="001082000004")
    theirs = factory.member(cell_b, name="Trần Văn Xa", birth_date=date(1980, 2, 2), cccd="001080000002",
                            card_number="48000002")
    factory.commit()
    return {"cell_a": cell_a, "cell_b": cell_b, "ward_a": ward_a, "mine": mine, "theirs": theirs, "leader": leader}


def _rows(scene) -> list[list]:
    rows = make_rows(5)
    rows[0][7] = "001080000002"                       # CCCD of the record in another ward
    rows[1][15] = "48000002"                          # its card number
    rows[2][0], rows[2][1] = "Trần Văn Xa", "02/02/1980"  # its name and birth date
    rows[2][13], rows[2][14] = date(2005, 1, 1), date(2006, 1, 1)
    rows[3][7] = "001082000004"                       # CCCD of a record in the uploader's own cell
    return rows


def _upload(client, data: bytes, org_id: int):
    token = csrf_from(client.get(f"/members/import?org={org_id}").get_data(as_text=True))
    return client.post("/members/import", data={"csrf_token": token, "org": str(org_id),
                                                "file": (io.BytesIO(data), "ds.xlsx")},
                       content_type="multipart/form-data")


def test_duplicates_outside_scope_say_nothing_about_the_record(app, client, scene):
    assert HEADINGS[15] == "Số thẻ đảng viên" and HEADINGS[7] == "Số CCCD"
    login(client, "bt@test.vn")
    response = _upload(client, xlsx(_rows(scene)), scene["cell_a"].id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    theirs, mine = scene["theirs"], scene["mine"]
    assert page.count(OUTSIDE) == 3
    assert f"/members/{theirs.id}" not in page and f"mã {theirs.id})" not in page and f"#{theirs.id}" not in page
    assert "Chi bộ Bí Mật" not in page and "với một đảng viên đã có" not in page
    assert page.count("đã có trong cơ sở dữ liệu") == 1  # the uploader's own member only
    # inside the uploader's scope the record may be named and linked
    assert f'href="/members/{mine.id}"' in page

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.import_preview"))
    assert (event.actor_id, event.target_type, event.target_id) == (scene["leader"].id, "organisation",
                                                                      scene["cell_a"].id)
    assert event.details == {"rows": 5, "count": 4, "outside": 3}


def test_a_record_in_scope_is_named_not_numbered(app, client, scene):
    mine = scene["mine"]
    rows = make_rows(2)
    rows[0][7] = mine.cccd
    rows[1][0], rows[1][1] = "PHẠM THỊ NHÀ", "04/04/1982"  # its name (another case) and birth date
    rows[1][13], rows[1][14] = date(2005, 1, 1), date(2006, 1, 1)
    login(client, "bt@test.vn")
    page = _upload(client, xlsx(rows), scene["cell_a"].id).get_data(as_text=True)
    assert page.count(f'<a href="/members/{mine.id}">Xem hồ sơ của Phạm Thị Nhà</a>') == 2
    assert "Trùng họ tên và ngày sinh với đồng chí Phạm Thị Nhà đã có ở Chi bộ A." in page
    assert f"#{mine.id}" not in page and f"mã {mine.id}" not in page


def test_the_confirmation_also_hides_them_and_audits_the_count(app, client, scene):
    login(client, "bt@test.vn")
    page = _upload(client, xlsx(_rows(scene)), scene["cell_a"].id).get_data(as_text=True)
    token = re.search(r"/members/import/([0-9a-f]{32})", page).group(1)
    refused = client.post(f"/members/import/{token}", data={"csrf_token": csrf_from(page), "mode": "all"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and html.count(OUTSIDE) == 3 and f"#{scene['theirs'].id}" not in html
    done = client.post(f"/members/import/{token}", data={"csrf_token": csrf_from(page), "mode": "valid_only"})
    assert done.status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.import"))
    assert event.details == {"rows": 5, "valid": 1, "rejected": 4, "source": "web", "outside": 3}


def test_rows_per_preview_are_capped_before_any_lookup(app, client, scene, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_PREVIEW_MAX_ROWS", 4)
    login(client, "bt@test.vn")
    response = _upload(client, xlsx(_rows(scene)), scene["cell_a"].id)
    assert response.status_code == 400 and "Tệp có quá 4 dòng; hãy chia nhỏ." in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "members.import_preview")) is None
    assert _upload(client, xlsx(make_rows(4)), scene["cell_a"].id).status_code == 200


def test_previews_per_hour_are_capped_per_user(app, client, scene, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_PREVIEWS_PER_HOUR", 2)
    login(client, "bt@test.vn")
    data = xlsx(make_rows(2))
    assert [_upload(client, data, scene["cell_a"].id).status_code for _ in range(2)] == [200, 200]
    third = _upload(client, data, scene["cell_a"].id)
    assert third.status_code == 429
    assert "Đồng chí đã xem trước quá 2 tệp trong một giờ" in third.get_data(as_text=True)
    previews = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "members.import_preview")).all()
    assert len(previews) == 2


def test_the_defaults_are_settings(app):
    from handbook.config import build_config

    config = build_config(app.instance_path, {"SECRET_KEY": "x"})
    assert (config["IMPORT_PREVIEW_MAX_ROWS"], config["IMPORT_PREVIEWS_PER_HOUR"]) == (1000, 10)


def test_editing_a_record_does_not_name_a_record_outside_scope(app, scene):
    from handbook.members import records

    leader = load_access(scene["leader"])
    for change in ({"full_name": "Trần Văn Xa", "birth_date": "02/02/1980"}, {"cccd": "001080000002"},
                   {"card_number": "48000002"}):
        cleaned = records.check_update(scene["mine"], change, partial=True, scope=leader)
        assert [p.message for p in cleaned.problems] == [OUTSIDE], change
    named = records.check_update(scene["mine"], {"cccd": "001080000002"}, partial=True)  # the command line
    assert [p.message for p in named.problems] == ["Số CCCD đã có trong cơ sở dữ liệu."]


def test_unit_scope_staff_see_no_duplicates_below_their_organisation(app, client, factory):
    ward = factory.org("Phường C", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ C", OrgKind.CHI_BO, ward)
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, ward, Role.CAN_BO, Scope.UNIT)  # the ward itself, not its cells
    born = date(1975, 3, 4)
    factory.member(cell, name="Nguyễn Văn Hùng", birth_date=born)
    factory.member(cell, name="Nguyễn Văn Hùng", birth_date=born)
    factory.commit()
    login(client, "canbo@test.vn")
    page = client.get(f"/members/duplicates/?org={ward.id}").get_data(as_text=True)
    assert "Nguyễn Văn Hùng" not in page and "Không thấy hồ sơ nào nghi trùng." in page
    assert "Nguyễn Văn Hùng" not in client.get("/members/duplicates/").get_data(as_text=True)
