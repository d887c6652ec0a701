"""A candidate's fields: shared checks with member records, age 18–60 in whole months, lower-secondary education,
and a CCCD already on record refused with one neutral message."""
from __future__ import annotations

from datetime import date

import pytest

from handbook.admission import candidates
from handbook.admission.errors import AdmissionError
from handbook.admission.models import GeneralEducation, OccupationGroup, Source
from handbook.admission.validation import CccdTaken, clean_candidate
from tests.admission.dossier_scene import ACTOR, TODAY, build, counts

NEUTRAL = ("Số CCCD này đã có trong dữ liệu đảng viên hoặc quần chúng; đề nghị kiểm tra lại hoặc liên hệ cấp ủy "
           "cấp trên.")


def raw(**fields):
    values = {"full_name": "  Võ   Thị Hoa ", "birth_date": "15/03/2001", "gender": "nu", "ethnicity": "",
              "religion": "Không", "cccd": "079 301 000 111", "phone": "0901 234 567", "general_education": "thpt",
              "professional_level": "dai_hoc", "occupation_group": "dn_tu_nhan", "youth_union": "y",
              "source": "doan_tn"}
    values.update(fields)
    return values


def test_a_candidate_is_cleaned_like_a_member_record(app):
    values, warnings = clean_candidate(raw(), today=TODAY)
    assert values["full_name"] == "Võ Thị Hoa" and values["birth_date"] == date(2001, 3, 15)
    assert values["ethnicity"] == "Kinh" and values["religion"] is None
    assert values["cccd"] == "079301000111" and values["phone"] == "+84901234567"
    assert values["general_education"] is GeneralEducation.THPT and values["youth_union"] is True
    assert values["occupation_group"] is OccupationGroup.DN_TU_NHAN and values["source"] is Source.DOAN_THANH_NIEN
    assert warnings == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("cccd", "12345", "Số CCCD phải gồm đúng 12 chữ số."),
    ("birth_date", "31/02/2000", "Ngày không hợp lệ"),
    ("birth_date", "01/01/2027", "Ngày không được ở tương lai."),
    ("full_name", "", "Không được để trống."),
    ("general_education", "", "Không được để trống."),
    ("occupation_group", "banker", "Lựa chọn không hợp lệ."),
    ("phone", "12", "Số điện thoại không hợp lệ"),
])
def test_bad_fields_are_refused_in_vietnamese(app, field, value, message):
    with pytest.raises(AdmissionError) as refused:
        clean_candidate(raw(**{field: value}), today=TODAY)
    assert message in str(refused.value) and refused.value.field == field


def test_under_18_in_whole_months_is_refused_and_18_is_enough(app):
    with pytest.raises(AdmissionError) as refused:
        clean_candidate(raw(birth_date="07/12/2008"), today=TODAY)  # 17 years and 11 months
    assert "Chưa đủ 18 tuổi" in str(refused.value) and refused.value.field == "birth_date"
    values, warnings = clean_candidate(raw(birth_date="06/12/2008"), today=TODAY)  # 18 to the day
    assert values["birth_date"] == date(2008, 12, 6) and warnings == []


def test_over_60_is_a_warning(app):
    _values, warnings = clean_candidate(raw(birth_date="05/11/1966"), today=TODAY)  # 60 years and 1 month
    assert any("Quá 60 tuổi" in w for w in warnings)
    _values, warnings = clean_candidate(raw(birth_date="06/12/1966"), today=TODAY)  # exactly 60
    assert warnings == []


def test_below_lower_secondary_needs_the_exception(app):
    with pytest.raises(AdmissionError) as refused:
        clean_candidate(raw(general_education="tieu_hoc"), today=TODAY)
    assert refused.value.field == "education_exception" and "trung học cơ sở" in str(refused.value)
    values, warnings = clean_candidate(raw(general_education="tieu_hoc", education_exception="Bản vùng cao"),
                                       today=TODAY)
    assert values["education_exception"] == "Bản vùng cao" and warnings


def test_a_cccd_on_a_member_record_is_refused_without_naming_it(app, factory):
    scene = build(factory)
    before = counts()
    with pytest.raises(CccdTaken) as refused:
        candidates.create_candidate(scene.cell, raw(cccd="001090000123"), ACTOR, today=TODAY)
    assert str(refused.value) == NEUTRAL
    assert "Đỗ Văn Xa" not in str(refused.value) and scene.other_cell.name not in str(refused.value)
    assert counts() == before


def test_a_cccd_on_another_candidate_is_refused_the_same_way(app, factory):
    scene = build(factory)
    candidates.create_candidate(scene.cell, raw(), ACTOR, today=TODAY)
    with pytest.raises(CccdTaken) as refused:
        candidates.create_candidate(scene.cell, raw(full_name="Người Khác"), ACTOR, today=TODAY)
    assert str(refused.value) == NEUTRAL


def test_a_candidate_goes_on_a_cell_only(app, factory):
    scene = build(factory)
    with pytest.raises(AdmissionError):
        candidates.create_candidate(scene.ward, raw(), ACTOR, today=TODAY)
    assert counts()[0] == 0


def test_editing_keeps_the_own_cccd_and_stop_needs_a_reason(app, factory):
    scene = build(factory)
    candidate, _warnings = candidates.create_candidate(scene.cell, raw(), ACTOR, today=TODAY)
    candidates.update_candidate(candidate, {"occupation": "Kế toán"}, ACTOR, today=TODAY)
    assert candidate.occupation == "Kế toán" and candidate.cccd == "079301000111"
    with pytest.raises(AdmissionError):
        candidates.stop_candidate(candidate, "  ", ACTOR, today=TODAY)
    candidates.stop_candidate(candidate, "Chuyển công tác", ACTOR, today=TODAY)
    assert candidate.status.value == "dung" and candidate.status_reason == "Chuyển công tác"
    candidates.reopen_candidate(candidate, ACTOR, today=TODAY)
    assert candidate.status.value == "dang_xet" and candidate.status_reason is None
