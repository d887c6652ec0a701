"""members/validation.py: the one set of rules for forms, the import and the API."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

from handbook.members.models import Gender
from handbook.members.validation import clean_record, find_conflicts, find_duplicates_within, nfc, parse_date

TODAY = date(2026, 6, 1)
GOOD = {"full_name": "Nguyễn Văn An", "birth_date": "19/05/1980", "admission_date": "03/02/2005",
        "official_date": "03/02/2006"}


def messages(result):
    return {p.field: p.message for p in result.problems}


def test_good_record_is_normalised(app):
    result = clean_record({**GOOD, "phone": "0901 234 567", "cccd": "001 080 012 345", "gender": "Nữ",
                           "email": " An@Test.VN "}, today=TODAY)
    assert result.ok, result.problems
    assert result.values["phone"] == "+84901234567"
    assert result.values["cccd"] == "001080012345"
    assert result.values["gender"] is Gender.NU
    assert result.values["email"] == "an@test.vn"
    assert result.values["birth_date"] == date(1980, 5, 19)


@pytest.mark.parametrize("raw,expected", [
    ("19/05/1980", date(1980, 5, 19)),
    ("9/5/1980", date(1980, 5, 9)),
    ("1980-05-19", date(1980, 5, 19)),
    ("19-05-1980", date(1980, 5, 19)),
    ("19.05.1980", date(1980, 5, 19)),
    (datetime(1980, 5, 19), date(1980, 5, 19)),
    (date(1980, 5, 19), date(1980, 5, 19)),
    (29360, date(1980, 5, 19)),  # an Excel serial number in a cell without a date format
])
def test_date_formats(app, raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/1980", "19/13/1980", "hôm qua", "1980/05/19x", "05/1980"])
def test_bad_dates_are_named(app, raw):
    result = clean_record({**GOOD, "birth_date": raw}, today=TODAY)
    assert "ngày/tháng/năm" in messages(result)["birth_date"]


def test_future_date(app):
    assert messages(clean_record({**GOOD, "birth_date": "01/01/2030"}, today=TODAY))["birth_date"] == (
        "Ngày không được ở tương lai.")


@pytest.mark.parametrize("cccd", ["12345", "0010800123456", "00108001234A"])
def test_cccd_must_be_12_digits(app, cccd):
    assert messages(clean_record({**GOOD, "cccd": cccd}, today=TODAY))["cccd"] == "Số CCCD phải gồm đúng 12 chữ số."


def test_phone_and_email(app):
    result = clean_record({**GOOD, "phone": "12345", "email": "khong-phai-email"}, today=TODAY)
    assert "Số điện thoại không hợp lệ" in messages(result)["phone"]
    assert messages(result)["email"] == "Địa chỉ e-mail không hợp lệ."
    assert clean_record({**GOOD, "phone": "+84 90 123 4567"}, today=TODAY).values["phone"] == "+84901234567"


def test_age_at_admission(app):
    result = clean_record({**GOOD, "birth_date": "01/06/1988", "admission_date": "01/01/2005",
                           "official_date": "01/01/2006"}, today=TODAY)
    assert messages(result)["admission_date"] == "Tuổi khi vào Đảng phải từ 18 trở lên."


def test_official_date_twelve_months_or_a_reason(app):
    late = {**GOOD, "official_date": "03/05/2006"}
    assert "12 tháng" in messages(clean_record(late, today=TODAY))["official_date"]
    assert clean_record({**late, "official_reason": "Kéo dài do ốm"}, today=TODAY).ok
    before = {**GOOD, "official_date": "01/01/2005"}
    assert messages(clean_record(before, today=TODAY))["official_date"] == "Ngày chính thức phải sau ngày vào Đảng."


def test_required_fields_and_formulas(app):
    result = clean_record({"full_name": "", "birth_date": "=TODAY()", "admission_date": None}, today=TODAY)
    assert messages(result)["full_name"] == "Không được để trống."
    assert "công thức" in messages(result)["birth_date"]
    assert messages(result)["admission_date"] == "Không được để trống."
    assert "công thức" in messages(clean_record({**GOOD, "hometown": "=A1&B1"}, today=TODAY))["hometown"]


def test_partial_allows_missing_required_but_not_clearing(app):
    assert clean_record({"phone": "0901234567"}, partial=True, today=TODAY).ok
    assert not clean_record({"full_name": "  "}, partial=True, today=TODAY).ok


def test_text_is_nfc_and_spaces_collapsed(app):
    nfd = unicodedata.normalize("NFD", "Nguyễn   Thị  Ánh")
    result = clean_record({**GOOD, "full_name": nfd}, today=TODAY)
    assert result.values["full_name"] == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", result.values["full_name"])
    assert nfc(nfd) == "Nguyễn Thị Ánh"


def test_too_long(app):
    assert "Dài quá 120" in messages(clean_record({**GOOD, "full_name": "A" * 121}, today=TODAY))["full_name"]


def test_conflicts_against_database_and_within_file(app, factory):
    cell = factory.org()
    factory.member(cell, name="Trần Văn Bình", birth_date=date(1970, 1, 2), cccd="001070000001",
                   card_number="12345678")
    factory.commit()
    rows = [
        {"full_name": "Lê Văn C", "cccd": "001070000001"},
        {"full_name": "Lê Văn D", "card_number": "12345678"},
        {"full_name": "Trần Văn Bình", "birth_date": date(1970, 1, 2)},
        {"full_name": "Lê Văn E", "cccd": "001070000009"},
    ]
    found = find_conflicts(rows)
    assert [p.field for p in found[0]] == ["cccd"] and "CCCD" in found[0][0].message
    assert [p.field for p in found[1]] == ["card_number"]
    assert "họ tên và ngày sinh" in found[2][0].message
    assert 3 not in found
    inside = find_duplicates_within([
        {"_row": 2, "full_name": "Lê Văn E", "cccd": "001070000009", "birth_date": date(1990, 1, 1)},
        {"_row": 3, "full_name": "lê  văn e", "cccd": "001070000008", "birth_date": date(1990, 1, 1)},
        {"_row": 4, "full_name": "Lê Văn G", "cccd": "001070000009"},
    ])
    assert inside[1][0].message == "Trùng họ tên và ngày sinh với dòng 2 trong tệp."
    assert inside[2][0].message == "Trùng số CCCD với dòng 2 trong tệp."


def test_cccd_typed_as_a_number_keeps_its_leading_zeros(app):
    assert clean_record({**GOOD, "cccd": 1080012345}, today=TODAY).values["cccd"] == "001080012345"
    assert clean_record({**GOOD, "cccd": 1080012345.0}, today=TODAY).values["cccd"] == "001080012345"
    assert not clean_record({**GOOD, "cccd": "1080012345"}, today=TODAY).ok  # text: taken as typed
