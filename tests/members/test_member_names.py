"""Names: invisible characters are dropped, direction controls refused (Vietnamese message), text NFC; the import
and the duplicate finder see through case (Vietnamese case folding), invisible characters, Unicode forms and tone
placement — but not through missing diacritics. The database comparison holds on SQLite and PostgreSQL."""
from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest

from handbook.members import importer
from handbook.members.duplicates import find_suspects
from handbook.members.samples.make import HEADINGS, write_workbook
from handbook.members.validation import clean_record, find_conflicts, name_key
from handbook.org.models import OrgKind

TODAY = date(2026, 6, 1)
GOOD = {"full_name": "Nguyễn Văn An", "birth_date": "19/05/1980", "admission_date": "03/02/2005",
        "official_date": "03/02/2006"}
BORN = date(1975, 3, 4)


@pytest.mark.parametrize("raw", ["Nguyễn\u200b Văn An", "\ufeffNguyễn Văn\u200d An\u2060", "Nguyễn Văn\u00ad An",
                                 "Nguyễn\u0000 Văn An"])
def test_invisible_and_control_characters_are_dropped(app, raw):
    result = clean_record({**GOOD, "full_name": raw}, today=TODAY)
    assert result.ok, result.problems
    assert result.values["full_name"] == "Nguyễn Văn An"


@pytest.mark.parametrize("raw", ["\u202enA năV nễyugN", "Nguyễn \u2067Văn\u2069 An", "Nguyễn\u200f Văn An"])
def test_direction_controls_are_refused_with_a_vietnamese_message(app, raw):
    for field in ("full_name", "residence"):
        result = clean_record({**GOOD, field: raw}, today=TODAY)
        [problem] = result.problems
        assert problem.field == field and "điều khiển hướng chữ" in problem.message


def test_the_name_key_folds_vietnamese_case_and_keeps_diacritics(app):
    assert name_key("TRẦN VĂN MINH") == name_key("Trần Văn Minh") == name_key("trần  văn\u200b minh")
    assert name_key("ĐỖ THỊ ÁNH") == name_key(unicodedata.normalize("NFD", "Đỗ Thị Ánh"))
    assert name_key("Nguyễn Thị Hoà") == name_key("Nguyễn Thị Hòa") and name_key("Thuỷ") == name_key("Thủy")
    assert name_key("Tran Van Minh") != name_key("Trần Văn Minh")  # diacritics are part of the name
    assert name_key("Trần Văn Mính") != name_key("Trần Văn Minh")
    assert name_key("Lê Thị Hà") != name_key("Lê Thị Hạ")


@pytest.fixture
def cell(factory):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    factory.member(cell, name="Trần Văn Minh", birth_date=BORN)
    factory.member(cell, name="Nguyễn Thị Hoà", birth_date=BORN)
    factory.commit()
    return cell


@pytest.mark.parametrize("name,flagged", [
    ("TRẦN VĂN MINH", True), ("trần văn minh", True), ("Trần\u200b Văn Minh", True),
    (unicodedata.normalize("NFD", "TRẦN VĂN MINH"), True), ("NGUYỄN THỊ HÒA", True),
    ("Tran Van Minh", False), ("Trần Văn Mịnh", False),
])
def test_the_database_comparison_ignores_case_but_not_diacritics(app, cell, name, flagged):
    found = find_conflicts([{"full_name": name, "birth_date": BORN}])
    assert bool(found) is flagged, found
    if flagged:
        assert "Trùng họ tên và ngày sinh" in found[0][0].message
    assert not find_conflicts([{"full_name": name, "birth_date": date(1975, 3, 5)}])


def test_the_import_flags_an_upper_case_name_born_the_same_day(app, cell):
    row = ["TRẦN VĂN MINH", BORN, "Nam", "Kinh", "Không", "Huế", "Số 1", None, None, "12/12", "", "", "",
           date(2000, 1, 1), date(2001, 1, 1), None]
    out = io.BytesIO()
    write_workbook(out, [row], HEADINGS)
    report = importer.validate_file(io.BytesIO(out.getvalue()), today=TODAY)
    assert report.bad_rows == 1 and any("Trùng họ tên và ngày sinh" in p.message for p in report.problems)
    report.close()


def test_the_duplicate_finder_sees_through_case_and_invisible_characters(app, factory, cell):
    # stored before names were cleaned: an invisible character and capitals
    factory.member(cell, name="TRẦN\u200b VĂN MINH", birth_date=BORN)
    factory.member(cell, name="Nguyễn Thị Hòa", birth_date=BORN)
    factory.commit()
    pairs = {(s.a.full_name, s.b.full_name): s.reasons for s in find_suspects(cell)}
    assert ("Trần Văn Minh", "TRẦN\u200b VĂN MINH") in pairs
    assert ("Nguyễn Thị Hoà", "Nguyễn Thị Hòa") in pairs
