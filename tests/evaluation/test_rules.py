"""The levels of Quy định 366 at their boundaries, the "xuất sắc" conditions, the score as typed, the forms by kind
and the app's timetable."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from handbook.evaluation import rules
from handbook.evaluation.errors import EvaluationError
from handbook.evaluation.models import FormKind, Level
from handbook.members.models import MemberStatus, OccupationGroup

D = Decimal


@pytest.mark.parametrize(("score", "level"), [
    ("0", Level.KHONG_HOAN_THANH), ("49.9", Level.KHONG_HOAN_THANH), ("50", Level.HOAN_THANH),
    ("69.9", Level.HOAN_THANH), ("70", Level.TOT), ("89.9", Level.TOT), ("90", Level.XUAT_SAC),
    ("100", Level.XUAT_SAC)])
def test_bands_at_the_boundaries(score, level):
    assert rules.band(D(score)) is level
    # with every task done and 30 % exceeding, the derived level is the band's
    assert rules.decide_level(D(score), None, True, 30) is level


def test_xuat_sac_needs_every_task_done_and_thirty_percent_exceeding():
    assert rules.highest_level(D(95), True, 30) is Level.XUAT_SAC
    assert rules.highest_level(D(95), True, 29) is Level.TOT
    assert rules.highest_level(D(95), True, None) is Level.TOT
    assert rules.highest_level(D(95), False, 80) is Level.HOAN_THANH  # not every task: not "tốt" either
    assert rules.decide_level(D(92), None, True, 10) is Level.TOT  # derived: capped, no error
    with pytest.raises(EvaluationError, match="100 % nhiệm vụ được giao và ít nhất 30 %") as caught:
        rules.decide_level(D(92), Level.XUAT_SAC, True, 10)
    assert caught.value.field == "level"
    with pytest.raises(EvaluationError, match="ít nhất 30 %"):
        rules.decide_level(D(100), Level.XUAT_SAC, False, 50)


def test_a_level_above_the_score_is_refused_a_lower_one_kept():
    with pytest.raises(EvaluationError, match="Điểm 69,9 chỉ cho phép xếp loại từ mức “Hoàn thành nhiệm vụ”"):
        rules.decide_level(D("69.9"), Level.TOT, True, 0)
    with pytest.raises(EvaluationError, match="“Hoàn thành tốt nhiệm vụ” cần hoàn thành 100 %"):
        rules.decide_level(D(80), Level.TOT, False, None)
    assert rules.decide_level(D(95), Level.HOAN_THANH, True, 40) is Level.HOAN_THANH  # the cell may rate lower
    with pytest.raises(EvaluationError, match="từ 0 đến 100 %"):
        rules.decide_level(D(95), None, True, 140)


@pytest.mark.parametrize(("raw", "expected"), [("87,5", D("87.5")), (" 90 ", D(90)), ("0", D(0)), ("100.0", D(100)),
                                               (90, D(90))])
def test_scores_as_typed(raw, expected):
    assert rules.parse_score(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    ("", "Hãy nhập điểm"), ("-1", "Điểm phải từ 0 đến 100."), ("100.1", "Điểm phải từ 0 đến 100."),
    ("101", "Điểm phải từ 0 đến 100."), ("abc", "Điểm phải là một số"), ("87.55", "một chữ số thập phân"),
    ("NaN", "Điểm phải từ 0 đến 100."), ("Infinity", "Điểm phải từ 0 đến 100."), ("1e2", None)])
def test_bad_scores_are_refused_with_a_message(raw, message):
    if message is None:  # "1e2" is 100: a number all the same
        assert rules.parse_score(raw) == D(100)
        return
    with pytest.raises(EvaluationError, match=message) as caught:
        rules.parse_score(raw)
    assert caught.value.field == "score"


def test_forms_by_kind():
    assert rules.form_for(True, OccupationGroup.HUU_TRI) is FormKind.A  # a post decides first
    assert rules.form_for(False, OccupationGroup.CONG_CHUC) is FormKind.B
    assert rules.form_for(False, OccupationGroup.VIEN_CHUC) is FormKind.B
    assert rules.form_for(False, OccupationGroup.HUU_TRI) is FormKind.C
    assert rules.form_for(False, None) is FormKind.C
    assert rules.SECTIONS[FormKind.A] != rules.SECTIONS[FormKind.B] != rules.SECTIONS[FormKind.C]
    assert "leadership" in rules.SECTIONS[FormKind.A] and "residence" in rules.SECTIONS[FormKind.C]


def test_exempt_statuses_are_not_rated():
    assert rules.not_rated(MemberStatus.MIEN_SINH_HOAT) and rules.not_rated(MemberStatus.TAM_MIEN)
    assert not rules.not_rated(MemberStatus.CHINH_THUC) and not rules.not_rated(MemberStatus.DU_BI)


def test_review_year_turns_on_the_opening_day_and_at_new_year():
    assert rules.review_year(date(2026, 10, 31)) == 2025
    assert rules.review_year(date(2026, 11, 1)) == 2026
    assert rules.review_year(date(2026, 12, 31)) == 2026
    assert rules.review_year(date(2027, 1, 1)) == 2026
    assert rules.review_year(date(2028, 2, 29)) == 2027  # leap day


def test_cap_of_xuat_sac():
    assert not rules.excellent_over_cap(2, 10)  # 20 % exactly
    assert rules.excellent_over_cap(3, 10)
    assert rules.excellent_over_cap(1, 0)
    assert not rules.excellent_over_cap(0, 0)
