"""The normal retirement age: the schedule rising from 2021, its edges, and births on 29 February."""
from datetime import date, timedelta

import pytest

from handbook.members.models import Gender
from handbook.members.retirement import age_in_year, birth_cutoff, is_retirement_age, retirement_day

NAM, NU = Gender.NAM, Gender.NU


@pytest.mark.parametrize(("gender", "year", "months"), [
    (NAM, 2020, 720), (NAM, 2021, 723), (NAM, 2027, 741), (NAM, 2028, 744), (NAM, 2040, 744),
    (NU, 2020, 660), (NU, 2021, 664), (NU, 2034, 716), (NU, 2035, 720), (NU, 2050, 720),
])
def test_the_age_that_applies_each_year(gender, year, months):
    assert age_in_year(gender, year) == months


@pytest.mark.parametrize(("birth", "expected"), [
    (date(1960, 12, 15), date(2020, 12, 15)),  # 60 in 2020: the old age
    (date(1961, 1, 1), date(2021, 4, 1)),      # 60 years 3 months
    (date(1961, 9, 30), date(2021, 12, 30)),   # the last birth month reaching it in 2021
    (date(1961, 10, 1), date(2022, 4, 1)),     # 60y3m would fall in 2022, where the age is 60y6m
    (date(1966, 1, 10), date(2027, 10, 10)),   # 61 years 9 months in 2027
    (date(1966, 3, 31), date(2027, 12, 31)),
    (date(1966, 4, 1), date(2028, 4, 1)),      # 62 from here on
    (date(1975, 6, 1), date(2037, 6, 1)),
])
def test_men(birth, expected):
    assert retirement_day(birth, NAM) == expected


@pytest.mark.parametrize(("birth", "expected"), [
    (date(1965, 12, 1), date(2020, 12, 1)),    # 55 in 2020
    (date(1966, 1, 1), date(2021, 5, 1)),      # 55 years 4 months
    (date(1966, 8, 31), date(2021, 12, 31)),
    (date(1966, 9, 1), date(2022, 5, 1)),      # 55y8m in 2022
    (date(1975, 1, 1), date(2034, 9, 1)),      # 59 years 8 months in 2034
    (date(1975, 4, 30), date(2034, 12, 30)),
    (date(1975, 5, 1), date(2035, 5, 1)),      # 60 from here on
    (date(1980, 1, 1), date(2040, 1, 1)),
])
def test_women(birth, expected):
    assert retirement_day(birth, NU) == expected


def test_a_leap_day_birth_reaches_it_on_the_months_last_day():
    assert retirement_day(date(1960, 2, 29), NAM) == date(2020, 2, 29)   # 60 years, a leap year again
    assert retirement_day(date(1964, 2, 29), NAM) == date(2025, 5, 29)   # 61y3m: May has a 29th
    assert retirement_day(date(1968, 2, 29), NAM) == date(2030, 2, 28)   # 62 years: 2030 has no 29 February
    assert retirement_day(date(1964, 2, 29), NU) == date(2019, 2, 28)    # 55 years: 2019 has no 29 February
    assert is_retirement_age(date(1968, 2, 29), NAM, date(2030, 2, 27)) is False
    assert is_retirement_age(date(1968, 2, 29), NAM, date(2030, 2, 28)) is True


def test_is_retirement_age_on_the_day_and_unknowns():
    assert is_retirement_age(date(1961, 1, 1), NAM, date(2021, 3, 31)) is False
    assert is_retirement_age(date(1961, 1, 1), NAM, date(2021, 4, 1)) is True
    assert is_retirement_age(None, NAM, date(2026, 1, 1)) is None
    assert is_retirement_age(date(1950, 1, 1), None, date(2026, 1, 1)) is None


@pytest.mark.parametrize("gender", [NAM, NU])
@pytest.mark.parametrize("today", [date(2020, 12, 31), date(2021, 1, 1), date(2024, 2, 29), date(2026, 5, 1),
                                   date(2027, 12, 31), date(2028, 3, 1), date(2035, 6, 30), date(2040, 1, 1)])
def test_the_birth_cutoff_splits_births_exactly(gender, today):
    cutoff = birth_cutoff(gender, today)
    assert retirement_day(cutoff, gender) <= today
    assert retirement_day(cutoff + timedelta(days=1), gender) > today
    # monotone: every birth in the years around decides like the cutoff says
    day = cutoff - timedelta(days=400)
    while day < cutoff + timedelta(days=400):
        assert (retirement_day(day, gender) <= today) == (day <= cutoff), day
        day += timedelta(days=7)
