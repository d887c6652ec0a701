"""The expected monthly amount under the 2026 rule: each category, both age bands, the 2027 → 2028 rise, 50 years
of membership (leap day included), exemptions and reductions, and the months before the rule."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handbook.dues import rules
from handbook.dues.models import Category
from handbook.dues.rules import Status, expected

MARCH = date(2026, 3, 1)


def owed(month=MARCH, **kwargs):
    values = {"category": Category.OTHER, "base": None, "region": 1, "retired": False,
              "admission_date": date(2000, 1, 1), "relief_percent": 0}
    values.update(kwargs)
    return expected(month, **values)


@pytest.mark.parametrize(("category", "base", "amount"), [
    (Category.WAGE, 12_345_678, 123_457),     # 1 %, rounded half up to the đồng
    (Category.BENEFIT, 7_000_000, 70_000),    # 1 % of the sickness or maternity benefit
    (Category.PENSION, 8_000_001, 40_000),    # 0.5 %
    (Category.STUDENT, None, 5_000),          # flat
])
def test_each_category(category, base, amount):
    result = owed(category=category, base=base)
    assert (result.status, result.amount, result.full) == (Status.DUE, amount, amount)


@pytest.mark.parametrize(("region", "below", "above"), [
    (1, 15_930, 10_620), (2, 14_190, 9_460), (3, 12_420, 8_280), (4, 11_100, 7_400),
])
def test_regional_minimum_share_both_age_bands_2026(region, below, above):
    assert owed(region=region).amount == below       # 0.3 % of 5.310.000 / 4.730.000 / 4.140.000 / 3.700.000
    assert owed(region=region, retired=True).amount == above  # 0.2 %


def test_the_share_rises_from_january_2028():
    december, january = date(2027, 12, 1), date(2028, 1, 1)
    assert owed(december).amount == 15_930 and owed(december, retired=True).amount == 10_620
    assert owed(january).amount == 26_550          # 0.5 % of 5.310.000
    assert owed(january, retired=True).amount == 15_930  # 0.3 %


def test_no_region_is_said_not_guessed():
    result = owed(region=None)
    assert (result.status, result.amount) == (Status.NO_REGION, None)


def test_no_profile_and_no_base():
    assert owed(category=None).status == Status.NO_PROFILE
    assert owed(category=Category.WAGE, base=None).status == Status.NO_PROFILE


def test_months_before_february_2026_are_not_computed():
    assert owed(date(2026, 1, 1)).status == Status.BEFORE_RULE
    assert owed(date(2026, 1, 1)).amount is None
    assert owed(date(2026, 2, 1)).status == Status.DUE


def test_fifty_years_from_the_month_it_is_reached():
    assert owed(date(2026, 4, 1), admission_date=date(1976, 5, 19)).status == Status.DUE
    may = owed(date(2026, 5, 1), admission_date=date(1976, 5, 19))
    assert (may.status, may.amount) == (Status.FIFTY_YEARS, 0)
    assert owed(date(2026, 6, 1), admission_date=date(1976, 5, 19)).status == Status.FIFTY_YEARS


def test_fifty_years_for_a_leap_day_admission_is_reached_in_february():
    assert rules.fifty_years_month(date(1976, 2, 29)) == date(2026, 2, 1)
    assert owed(date(2026, 2, 1), admission_date=date(1976, 2, 29)).status == Status.FIFTY_YEARS
    assert owed(date(2026, 2, 1), admission_date=date(1976, 3, 1)).status == Status.DUE


def test_exemption_and_reductions():
    assert owed(relief_percent=100).status == Status.EXEMPT
    for percent, amount in ((30, 11_151), (50, 7_965), (70, 4_779)):
        result = owed(relief_percent=percent)
        assert (result.amount, result.full, result.percent) == (amount, 15_930, percent)


def test_money_and_months_as_vietnamese_write_them():
    assert rules.format_dong(12_345) == "12.345 đ"
    assert rules.format_dong(5_000) == "5.000 đ"
    assert rules.format_dong(0) == "0 đ"
    assert rules.format_month(date(2026, 2, 1)) == "02/2026"
    assert rules.parse_month("02/2026") == rules.parse_month("2026-02") == date(2026, 2, 1)
    for bad in ("13/2026", "2026", "", "x/2026", "02/26", "٠٢/٢٠٢٦"):
        assert rules.parse_month(bad) is None


def test_advance_limit_over_the_year_end():
    assert rules.latest_advance_month(date(2026, 12, 31), 3) == date(2027, 3, 1)


@given(base=st.integers(min_value=0, max_value=rules.MAX_BASE), percent=st.sampled_from((0, 30, 50, 70)))
def test_amounts_are_whole_and_never_above_the_share(base, percent):
    full = rules.percent_of(base, 100)
    assert abs(full * 10_000 - base * 100) <= 5_000
    cut = rules.reduced(full, percent)
    assert 0 <= cut <= full
    assert abs(cut * 100 - full * (100 - percent)) <= 50


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2030, 12, 31)))
def test_the_fifty_years_month_is_the_anniversary_month(day):
    month = rules.fifty_years_month(day)
    assert (month.year, month.month, month.day) == (day.year + 50, day.month, 1)


def test_the_lower_share_from_the_month_the_retirement_age_is_reached_leap_february():
    from handbook.dues.service import is_retired_in
    from handbook.members.models import Gender, Member
    from handbook.members.retirement import retirement_day

    # a man born 28/02/1970 reaches 62 on 28/02/2032: February 2032, a leap month read to its 29th, is at the
    # lower share, January is not
    assert retirement_day(date(1970, 2, 28), Gender.NAM) == date(2032, 2, 28)
    member = Member(full_name="Lê Văn Nhuận", birth_date=date(1970, 2, 28), gender=Gender.NAM,
                    admission_date=date(1990, 1, 1))
    assert not is_retired_in(member, date(2032, 1, 1))
    assert is_retired_in(member, date(2032, 2, 1))
    assert owed(date(2032, 1, 1)).amount == 26_550 and owed(date(2032, 2, 1), retired=True).amount == 15_930
