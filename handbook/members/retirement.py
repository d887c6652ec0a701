"""The normal retirement age (Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020/NĐ-CP, Phụ lục I).

Until 2020 men retired at 60 and women at 55. From 2021 the age that applies in a calendar year rises: for men
60 years 3 months in 2021 and 3 months more each year until 62 (reached in 2028); for women 55 years 4 months in
2021 and 4 months more each year until 60 (in 2035). A member retires at the age that applies in the year they
reach it: a man born in 10/1961 is 60 years 3 months in 01/2022, but in 2022 the age is 60 years 6 months, so he
reaches it in 04/2022 — the appendix's table by month of birth is this rule written out.

A member born on 29 February reaches an age counted in whole years or months on the last day of the month when
that month has no 29th (the civil code's rule for periods ending on a day the month lacks).
"""
from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from handbook.members.models import Gender

#: the first year of the rising schedule
FIRST_YEAR = 2021
#: gender → (age in months until 2020, months added per year from 2021, final age in months)
_SCHEDULE = {
    Gender.NAM: (60 * 12, 3, 62 * 12),
    Gender.NU: (55 * 12, 4, 60 * 12),
}
#: the search bounds for `birth_cutoff` (no one reaches the age before 55 or after 62)
_YOUNGEST, _OLDEST = 55 * 12 - 1, 62 * 12 + 1


def age_in_year(gender: Gender, year: int) -> int:
    """The normal retirement age, in months, that applies during `year`."""
    base, step, final = _SCHEDULE[Gender(gender)]
    if year < FIRST_YEAR:
        return base
    return min(base + step * (year - FIRST_YEAR + 1), final)


def retirement_day(birth_date: date, gender: Gender) -> date:
    """The day a member born on `birth_date` reaches the normal retirement age."""
    year = (birth_date + relativedelta(months=age_in_year(gender, birth_date.year))).year
    while True:
        day = birth_date + relativedelta(months=age_in_year(gender, year))
        if day.year <= year:
            # the age rises by less than a year each year, so the first such year is the one they reach it in
            return day
        year += 1


def is_retirement_age(birth_date: date | None, gender: Gender | None, today: date) -> bool | None:
    """Whether a member has reached the normal retirement age on `today`; None when the birth date or the gender
    is not known."""
    if birth_date is None or gender is None:
        return None
    return retirement_day(birth_date, gender) <= today


def birth_cutoff(gender: Gender, today: date) -> date:
    """The latest birth date of a member of `gender` who has reached the retirement age on `today`: everyone born
    on or before it has (a later birth never retires earlier), no one born after it has — a list's SQL condition."""
    low = today - relativedelta(months=_OLDEST)      # retired long ago
    high = today - relativedelta(months=_YOUNGEST)   # not yet: too young under any schedule
    while low + relativedelta(days=1) < high:
        middle = low + timedelta(days=(high - low).days // 2)
        if retirement_day(middle, gender) <= today:
            low = middle
        else:
            high = middle
    return low
