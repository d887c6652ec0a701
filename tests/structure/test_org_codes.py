"""Organisations without a code (older data): the tree's export refuses to make a file that could not be imported
again, saying how many lack one and how to give them one; `flask org assign-codes` gives them readable codes."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from handbook.audit.models import AuditEvent
from handbook.extensions import db
from handbook.org.codes import abbreviation
from handbook.org.models import OrgKind, Role
from tests.support import signed_in


def _tree(factory, *, codes: bool):
    province = factory.org("Đảng bộ tỉnh Bắc Ninh", OrgKind.DANG_BO_TINH)
    ward = factory.org("Đảng bộ phường Đông Ngàn", OrgKind.DANG_BO_XA, province)
    cells = [factory.org(f"Chi bộ Khu phố {n}", OrgKind.CHI_BO, ward) for n in (1, 2)]
    taken = factory.org("Chi bộ có mã", OrgKind.CHI_BO, ward)
    taken.code = "BN-01-01"  # a code already given by hand: the numbering skips it
    if codes:
        province.code, ward.code, cells[0].code, cells[1].code = "BN", "BN-01", "BN-01-02", "BN-01-03"
    factory.grant(factory.user("canbo@test.vn"), ward, Role.CAN_BO)
    factory.user("admin@test.vn", admin=True)
    factory.commit()
    return province, ward, cells


def test_export_refuses_while_organisations_lack_a_code(app, factory, runner, tmp_path):
    _tree(factory, codes=False)
    page = signed_in(app, "canbo@test.vn").get("/org/tree/export.xlsx")
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "Còn 3 tổ chức chưa có mã" in text and "flask org assign-codes" in text  # their scope: ward + 2 cells
    result = runner.invoke(args=["org", "export", str(tmp_path / "cay.xlsx")])
    assert result.exit_code == 1 and "Còn 4 tổ chức chưa có mã" in result.output
    assert not (tmp_path / "cay.xlsx").exists()


def test_assign_codes_then_the_export_imports_again_unchanged(app, factory, runner, tmp_path):
    province, ward, cells = _tree(factory, codes=False)
    result = runner.invoke(args=["org", "assign-codes"])
    assert result.exit_code == 0 and "Đã đặt mã cho 4 tổ chức." in result.output
    db.session.expire_all()
    assert (province.code, ward.code, cells[0].code, cells[1].code) == ("BN", "BN-01", "BN-01-02", "BN-01-03")
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "org.codes_assigned")) == \
        {"count": 4}
    assert "không có gì thay đổi" in runner.invoke(args=["org", "assign-codes"]).output
    path = tmp_path / "cay.xlsx"
    assert runner.invoke(args=["org", "export", str(path)]).exit_code == 0
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert len(rows) == 6 and all(row[0] for row in rows)
    again = runner.invoke(args=["org", "import", str(path)])
    assert again.exit_code == 0 and "không có gì thay đổi" in again.output
    exported = signed_in(app, "canbo@test.vn").get("/org/tree/export.xlsx")
    assert exported.status_code == 200 and load_workbook(io.BytesIO(exported.data)).active.max_row == 5


def test_abbreviations():
    assert abbreviation("Đảng bộ Thành phố Đà Nẵng") == "DN"
    assert abbreviation("Đảng bộ tỉnh Bà Rịa - Vũng Tàu") == "BRVT"
    assert abbreviation("Đảng bộ tỉnh") == "TC"
