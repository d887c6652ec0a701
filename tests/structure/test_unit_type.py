"""Organisations' unit type (loại hình): shown on the organisation's page, chosen when one is created, set on its own
page (audited), read from the tree file's optional "Loại hình" column (diacritics-insensitive, a bad value named
with its row), written by the export, and in the API."""
from __future__ import annotations

import io

import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.org.access import Access
from handbook.org.models import Organisation, UnitType
from handbook.treeio.apply import import_tree
from handbook.treeio.columns import COLUMNS
from handbook.treeio.export import template_workbook, tree_rows
from handbook.treeio.validate import validate_tree
from tests.structure.test_tree_import import PROVINCE, xlsx
from tests.structure.test_tree_pages import TODAY, scene  # noqa: F401 - the fixture
from tests.support import csrf_from, signed_in


@time_machine.travel(TODAY, tick=False)
def test_the_page_shows_and_sets_it(app, scene):  # noqa: F811
    a = scene["a"]
    client = signed_in(app, "staff@test.vn")
    html = client.get(f"/tree/{a.id}").get_data(as_text=True)
    assert "Loại hình: chưa xác định" in html and f"/tree/{a.id}/unit-type" in html
    page = client.get(f"/tree/{a.id}/unit-type").get_data(as_text=True)
    assert "Khu dân cư" in page and "Đơn vị sự nghiệp" in page
    response = client.post(f"/tree/{a.id}/unit-type", data={"csrf_token": csrf_from(page), "unit_type": "dan_cu"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, a.id).unit_type is UnitType.DAN_CU
    assert "Loại hình: Khu dân cư" in client.get(f"/tree/{a.id}").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.target_id).where(AuditEvent.action == "org.unit_type")) == a.id
    bad = client.post(f"/tree/{a.id}/unit-type", data={"csrf_token": csrf_from(page), "unit_type": "truong_hoc"})
    assert bad.status_code == 400 and "Not a valid" not in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, a.id).unit_type is UnitType.DAN_CU
    # a cell's own secretary may not restructure: 403; another ward's staff: 404
    assert signed_in(app, "leader@test.vn").get(f"/tree/{a.id}/unit-type").status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_creating_with_a_unit_type(app, scene):  # noqa: F811
    ward = scene["ward"]
    client = signed_in(app, "staff@test.vn")
    page = client.get(f"/tree/{ward.id}/new").get_data(as_text=True)
    assert "Loại hình" in page
    response = client.post(f"/tree/{ward.id}/new", data={"csrf_token": csrf_from(page), "name": "Chi bộ Trường",
                                                          "kind": "chi_bo", "unit_type": "su_nghiep"})
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Chi bộ Trường"))
    assert org.unit_type is UnitType.SU_NGHIEP


@time_machine.travel(TODAY, tick=False)
def test_the_api_gives_it(app, scene):  # noqa: F811
    a = scene["a"]
    a.unit_type = UnitType.CO_QUAN
    db.session.commit()
    body = signed_in(app, "staff@test.vn").get(f"/api/v1/organisations/{a.id}").get_json()
    assert (body["unit_type"], body["unit_type_label"]) == ("co_quan", "Cơ quan")


def test_the_file_column(app, factory, tmp_path):
    factory.user("bithu@test.vn")
    factory.commit()
    rows = [(*row, unit) for row, unit in zip(PROVINCE, ("khu dan cu", "", "", "  CƠ QUAN ", "Khác"), strict=True)]
    report = validate_tree(xlsx(tmp_path, rows), Access(is_admin=True))
    assert report.ok, report.problems
    import_tree(report, Actor())
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    assert (orgs["P01-KP1"].unit_type, orgs["DBT"].unit_type, orgs["P01-KP2"].unit_type) == (
        UnitType.DAN_CU, None, UnitType.CO_QUAN)
    exported = {row[0]: row[5] for row in tree_rows(Access(is_admin=True))}
    assert exported["P01-KP1"] == "Khu dân cư" and exported["DBT"] == "" and exported["P01-KP2"] == "Cơ quan"
    # a file changing only a unit type changes it; an empty cell keeps the stored one
    again = [(*row[:5], "Doanh nghiệp" if row[0] == "P01-KP2" else "") for row in rows]
    report = validate_tree(xlsx(tmp_path, again, name="lai.xlsx"), Access(is_admin=True))
    assert report.ok and report.count("unit_type") == 1 and report.changes == 1
    result = import_tree(report, Actor())
    db.session.expire_all()
    assert result.unit_types == 1
    assert db.session.get(Organisation, orgs["P01-KP2"].id).unit_type is UnitType.DOANH_NGHIEP
    assert db.session.get(Organisation, orgs["P01-KP1"].id).unit_type is UnitType.DAN_CU


def test_a_bad_unit_type_names_its_row(app, factory, tmp_path):
    factory.user("bithu@test.vn")
    factory.commit()
    rows = [(*row, "Trường học" if row[0] == "P01" else "") for row in PROVINCE]
    report = validate_tree(xlsx(tmp_path, rows), Access(is_admin=True))
    assert not report.ok
    [problem] = report.problems
    assert (problem.row, problem.column, problem.value) == (4, "Loại hình", "Trường học")
    assert problem.message.startswith("Loại hình không hợp lệ; hãy dùng một trong: Khu dân cư, Cơ quan")


def test_the_template_has_the_column_and_a_file_without_it_still_reads(app, factory, tmp_path):
    book = load_workbook(io.BytesIO(template_workbook()))
    header = [cell.value for cell in book["Cây tổ chức"][1]]
    assert header == list(COLUMNS) and header[-1] == "Loại hình"
    guide = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert "Loại hình" in guide
    factory.user("bithu@test.vn")
    factory.commit()
    report = validate_tree(xlsx(tmp_path, PROVINCE, columns=COLUMNS[:5]), Access(is_admin=True))
    assert report.ok and report.count("create") == 5
