"""The tree from Excel (`flask org import FILE [--dry-run]`, `flask org export FILE`): every bad row named, all or
nothing, parents in any order, re-importing the same file changes nothing, renames and moves kept in the history,
a bí thư given by login."""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from handbook.audit.models import AuditEvent
from handbook.extensions import db
from handbook.org.models import Organisation, OrgChange, OrgChangeKind, OrgKind, Position, Role
from handbook.treeio.columns import COLUMNS

PROVINCE = [
    ("P01-KP1", "Chi bộ Khu phố 1", "Chi bộ", "P01", ""),  # before its parent
    ("DBT", "Đảng bộ tỉnh Thử", "Đảng bộ tỉnh", "", ""),
    ("P01", "Đảng bộ phường Một", "Đảng bộ xã/phường", "DBT", ""),
    ("P01-KP2", "Chi bộ Khu phố 2", "chi bo", "P01", "bithu@test.vn"),  # no diacritics, any case
    ("P01-KP2-T1", "Tổ đảng số 1", "Tổ đảng", "P01-KP2", ""),
]


def xlsx(tmp_path, rows, name="cay.xlsx", columns=COLUMNS):
    book = Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / name
    book.save(path)
    return str(path)


def _orgs() -> dict[str, Organisation]:
    return {o.code: o for o in db.session.scalars(select(Organisation))}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_province_imports_parents_first_with_its_secretary(app, runner, factory, tmp_path):
    secretary = factory.user("bithu@test.vn")
    factory.commit()
    result = runner.invoke(args=["org", "import", xlsx(tmp_path, PROVINCE)])
    assert result.exit_code == 0, result.output
    assert "5 tổ chức mới" in result.output and "1 bí thư được giao" in result.output
    orgs = _orgs()
    assert orgs["P01-KP1"].parent_id == orgs["P01"].id and orgs["P01"].parent_id == orgs["DBT"].id
    assert orgs["P01-KP2"].kind is OrgKind.CHI_BO and orgs["P01-KP2-T1"].path.startswith(orgs["P01-KP2"].path)
    assert db.session.scalar(select(Position.role).where(Position.user_id == secretary.id,
                                                         Position.organisation_id == orgs["P01-KP2"].id)) \
        is Role.BI_THU
    assert _count(OrgChange) == 5
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "org.import"))
    assert event.details == {"rows": 5, "count": 5, "changed": 0, "source": "cli"}


def test_re_importing_the_same_file_changes_nothing_and_says_so(app, runner, factory, tmp_path):
    factory.user("bithu@test.vn")
    factory.commit()
    path = xlsx(tmp_path, PROVINCE)
    assert runner.invoke(args=["org", "import", path]).exit_code == 0
    changes, positions = _count(OrgChange), _count(Position)
    again = runner.invoke(args=["org", "import", path])
    assert again.exit_code == 0 and "không có gì thay đổi" in again.output
    assert (_count(OrgChange), _count(Position), _count(Organisation)) == (changes, positions, 5)


def test_export_then_import_is_a_round_trip(app, runner, factory, tmp_path):
    factory.user("bithu@test.vn")
    factory.commit()
    runner.invoke(args=["org", "import", xlsx(tmp_path, PROVINCE)])
    out = tmp_path / "xuat.xlsx"
    result = runner.invoke(args=["org", "export", str(out)])
    assert result.exit_code == 0 and "Đã xuất 5 tổ chức" in result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and rows[1] == ("DBT", "Đảng bộ tỉnh Thử", "Đảng bộ tỉnh", None, None, None)
    assert ("P01-KP2", "Chi bộ Khu phố 2", "Chi bộ", "P01", "bithu@test.vn", None) in rows
    again = runner.invoke(args=["org", "import", str(out)])
    assert again.exit_code == 0 and "không có gì thay đổi" in again.output


def test_renames_and_moves_go_through_the_history(app, runner, factory, tmp_path):
    factory.user("bithu@test.vn")
    factory.commit()
    runner.invoke(args=["org", "import", xlsx(tmp_path, PROVINCE)])
    changed = [("DBT", "Đảng bộ tỉnh Thử", "Đảng bộ tỉnh", "", ""),
               ("P02", "Đảng bộ phường Hai", "Đảng bộ xã/phường", "DBT", ""),
               ("P01-KP1", "Chi bộ Khu phố Một", "Chi bộ", "P02", "")]  # renamed and moved to a new ward
    result = runner.invoke(args=["org", "import", xlsx(tmp_path, changed, "doi.xlsx")])
    assert result.exit_code == 0, result.output
    assert "1 tổ chức mới, 1 đổi tên, 1 chuyển cấp trên" in result.output
    orgs = _orgs()
    assert orgs["P01-KP1"].name == "Chi bộ Khu phố Một" and orgs["P01-KP1"].parent_id == orgs["P02"].id
    kinds = db.session.scalars(select(OrgChange.kind).where(OrgChange.organisation_id == orgs["P01-KP1"].id)).all()
    assert set(kinds) == {OrgChangeKind.CREATE, OrgChangeKind.RENAME, OrgChangeKind.MOVE}


def test_every_bad_row_is_named_and_nothing_is_written(app, runner, factory, tmp_path):
    factory.user("bithu@test.vn")
    factory.commit()
    bad = [
        ("DBT", "Đảng bộ tỉnh Thử", "Đảng bộ tỉnh", "", ""),
        ("A", "Chi bộ A", "Chi bộ", "KHONG-CO", ""),                 # 3: unknown parent
        ("B", "", "Chi bộ", "DBT", ""),                               # 4: missing name
        ("DBT", "Trùng mã", "Đảng bộ tỉnh", "", ""),                  # 5: duplicate code
        ("C", "Chi bộ C", "Chi bộ", "DBT", ""),                       # 6: a cell cannot sit under a province
        ("X", "Đảng bộ phường X", "Đảng bộ xã/phường", "Y", ""),      # 7, 8: a cycle
        ("Y", "Đảng bộ phường Y", "Đảng bộ xã/phường", "X", ""),
        ("D", "Chi bộ D", "Hội đồng", "DBT", ""),                     # 9: unknown kind
        ("P", "Đảng bộ phường P", "Đảng bộ xã/phường", "DBT", "ai@khong.vn"),  # 10: unknown login
    ]
    result = runner.invoke(args=["org", "import", xlsx(tmp_path, bad)])
    assert result.exit_code != 0 and "chưa nhập gì" in result.output
    for expected in ("Dòng 3, cột Mã cấp trên [KHONG-CO]: Không tìm thấy tổ chức cấp trên",
                     "Dòng 4, cột Tên []: Thiếu Tên.", "Dòng 5, cột Mã [DBT]: Mã này đã có ở dòng 2.",
                     "Dòng 6, cột Loại [Chi bộ]: Chi bộ không thể trực thuộc Đảng bộ tỉnh/thành phố.",
                     "Dòng 7, cột Mã cấp trên [Y]: Vòng lặp", "Dòng 8, cột Mã cấp trên [X]: Vòng lặp",
                     "Dòng 9, cột Loại [Hội đồng]: Loại không hợp lệ",
                     "Dòng 10, cột Bí thư (e-mail hoặc điện thoại) [ai@khong.vn]: Không có tài khoản"):
        assert expected in result.output, (expected, result.output)
    assert _count(Organisation) == 0 and _count(OrgChange) == 0


def test_dry_run_writes_nothing(app, runner, factory, tmp_path):
    factory.user("bithu@test.vn")
    factory.commit()
    result = runner.invoke(args=["org", "import", xlsx(tmp_path, PROVINCE), "--dry-run"])
    assert result.exit_code == 0 and "5 tổ chức mới" in result.output and "Chưa ghi gì" in result.output
    assert _count(Organisation) == 0 and _count(Position) == 0


def test_a_kind_cannot_change_and_a_stored_org_cannot_go_to_the_top(app, runner, factory, tmp_path):
    factory.user("bithu@test.vn")
    factory.commit()
    runner.invoke(args=["org", "import", xlsx(tmp_path, PROVINCE)])
    rows = [("P01", "Đảng bộ phường Một", "Đảng bộ cơ sở", "DBT", ""),
            ("P01-KP1", "Chi bộ Khu phố 1", "Chi bộ", "", "")]
    result = runner.invoke(args=["org", "import", xlsx(tmp_path, rows, "sai.xlsx")])
    assert "Dòng 2, cột Loại [Đảng bộ cơ sở]: Tổ chức mã này đã có với loại khác" in result.output
    assert "Dòng 3, cột Mã cấp trên []: Tổ chức đã có không chuyển lên cấp cao nhất" in result.output


def test_missing_columns_and_a_broken_file(app, runner, tmp_path):
    result = runner.invoke(args=["org", "import", xlsx(tmp_path, [], columns=("Mã", "Tên"))])
    assert result.exit_code != 0 and "Thiếu cột bắt buộc: Loại, Mã cấp trên" in result.output
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"not a zip")
    result = runner.invoke(args=["org", "import", str(broken)])
    assert result.exit_code != 0 and "không phải bảng tính Excel" in result.output


def test_template_is_itself_a_valid_file(app, factory, tmp_path):
    from handbook.org.access import Access
    from handbook.treeio.export import template_workbook
    from handbook.treeio.validate import validate_tree

    factory.user(phone="+84901234567")
    factory.commit()
    report = validate_tree(io.BytesIO(template_workbook()), Access(is_admin=True))
    assert report.ok and report.count("create") == 3 and report.count("secretary") == 1
