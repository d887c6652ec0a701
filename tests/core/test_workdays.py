"""Working days (core.workdays): weekends and Vietnam's public holidays from the `holidays` package — the whole
Tết break, 30/4 and 1/5, Quốc khánh, and the substitute days — across the year end. Party deadlines counted "in
working days" (docs/domain.md: Admission) are computed only here. Pure: no app, no database."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handbook.core.workdays import add_working_days, holiday_name, is_working_day, working_days_between

D = date


def days(start: date, end: date) -> list[date]:
    """Every day from start to end, both included."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# --- is_working_day ----------------------------------------------------------------------------------------

def test_weekdays_work_weekends_do_not():
    assert is_working_day(D(2027, 3, 1))  # Monday
    assert is_working_day(D(2027, 3, 5))  # Friday
    assert not is_working_day(D(2027, 3, 6))  # Saturday
    assert not is_working_day(D(2027, 3, 7))  # Sunday


def test_tet_2027_is_off_from_the_4th_to_the_10th_of_february():
    assert not any(is_working_day(day) for day in days(D(2027, 2, 4), D(2027, 2, 10)))
    assert is_working_day(D(2027, 2, 3))  # Wednesday before
    assert is_working_day(D(2027, 2, 11))  # Thursday after
    assert holiday_name(D(2027, 2, 6))  # the first day of the lunar year has its (Vietnamese) name


def test_tet_2028_is_off_from_the_24th_to_the_29th_of_january():
    assert not any(is_working_day(day) for day in days(D(2028, 1, 24), D(2028, 1, 29)))
    assert is_working_day(D(2028, 1, 21))  # the Friday before
    assert is_working_day(D(2028, 1, 31))  # the Monday after


def test_reunification_labour_and_national_days_with_their_substitutes():
    # 2027: 30/4 is a Friday, 1/5 a Saturday (off on Monday 3/5); 2/9 and 3/9 are Thursday and Friday.
    assert not is_working_day(D(2027, 4, 30))
    assert not is_working_day(D(2027, 5, 3))
    assert is_working_day(D(2027, 5, 4))
    assert not is_working_day(D(2027, 9, 2)) and not is_working_day(D(2027, 9, 3))
    # 2028: 30/4 is a Sunday (off on Tuesday 2/5); 2/9 a Saturday (off on Monday 4/9).
    assert not is_working_day(D(2028, 5, 1)) and not is_working_day(D(2028, 5, 2))
    assert not is_working_day(D(2028, 9, 1)) and not is_working_day(D(2028, 9, 4))


def test_new_year_on_a_saturday_is_taken_on_the_monday():
    assert not is_working_day(D(2028, 1, 1))
    assert not is_working_day(D(2028, 1, 3))
    assert is_working_day(D(2028, 1, 4))


# --- add_working_days ---------------------------------------------------------------------------------------

def test_the_start_does_not_count():
    assert add_working_days(D(2027, 3, 1), 1) == D(2027, 3, 2)
    assert add_working_days(D(2027, 3, 1), 5) == D(2027, 3, 8)  # Monday + 5 → the next Monday


def test_over_the_year_end():
    # 31/12/2026 (Thursday) → 1/1/2027 is a holiday → Monday 4/1/2027
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    # 31/12/2027 (Friday) → 1/1/2028 Saturday, its substitute Monday 3/1 → Tuesday 4/1/2028
    assert add_working_days(D(2027, 12, 31), 1) == D(2028, 1, 4)
    # 30 working days from Wednesday 15/12/2027: 12 in December (16–31); in January 1/1 and 3/1 off, 4–21 gives
    # 14 more, the Tết break takes 24–29, Monday 31/1 is the 27th; 1, 2 and 3 February end it.
    assert add_working_days(D(2027, 12, 15), 30) == D(2028, 2, 3)


def test_over_tet():
    assert add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert add_working_days(D(2028, 1, 21), 1) == D(2028, 1, 31)
    # a start inside the break: the first working day after it is the first one counted
    assert add_working_days(D(2027, 2, 6), 1) == D(2027, 2, 11)


def test_over_reunification_labour_and_national_days():
    assert add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)  # 30/4 Thu, 1/5 Fri
    assert add_working_days(D(2027, 4, 29), 1) == D(2027, 5, 4)  # 30/4 Fri, 1/5 Sat → Mon 3/5 off
    assert add_working_days(D(2027, 9, 1), 1) == D(2027, 9, 6)  # 2/9 Thu, 3/9 Fri
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)  # 31/8 (substitute day), 1/9 and 2/9 off


def test_a_start_on_a_saturday():
    saturday = D(2027, 1, 9)
    assert add_working_days(saturday, 1) == D(2027, 1, 11)
    assert add_working_days(saturday, 5) == D(2027, 1, 15)
    assert working_days_between(saturday, D(2027, 1, 10)) == 0  # Sunday
    assert working_days_between(saturday, D(2027, 1, 11)) == 1


def test_zero_days():
    for day in (D(2027, 3, 3), D(2027, 3, 6), D(2027, 2, 6), D(2027, 12, 31)):  # weekday, Saturday, Tết, year end
        assert add_working_days(day, 0) == day
        assert working_days_between(day, day) == 0


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2027, 3, 3), -1)


# --- working_days_between -----------------------------------------------------------------------------------

def test_between_counts_after_the_start_up_to_the_end():
    assert working_days_between(D(2027, 3, 1), D(2027, 3, 5)) == 4
    assert working_days_between(D(2027, 3, 5), D(2027, 3, 8)) == 1  # Friday → Monday


def test_between_over_the_year_end_and_tet():
    assert working_days_between(D(2027, 12, 31), D(2028, 1, 4)) == 1
    assert working_days_between(D(2027, 12, 15), D(2028, 2, 3)) == 30
    assert working_days_between(D(2027, 2, 3), D(2027, 2, 11)) == 1
    assert working_days_between(D(2026, 12, 31), D(2027, 12, 31)) == sum(
        is_working_day(day) for day in days(D(2027, 1, 1), D(2027, 12, 31)))


def test_between_backwards_is_negative():
    assert working_days_between(D(2028, 2, 3), D(2027, 12, 15)) == -30
    assert working_days_between(D(2027, 3, 8), D(2027, 3, 5)) == -1


# --- the property: adding n working days and counting them back gives n ---------------------------------------

DATES = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(start=DATES, count=st.integers(min_value=0, max_value=400))
def test_add_then_count_gives_back_n(start, count):
    end = add_working_days(start, count)
    assert working_days_between(start, end) == count
    assert working_days_between(end, start) == -count
    if count:
        assert end > start
        assert is_working_day(end)
        # and it is the first such day: the day before it is one working day short
        assert working_days_between(start, end - timedelta(days=1)) == count - 1
