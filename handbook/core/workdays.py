"""Working days (ngày làm việc): Monday to Friday, less Vietnam's public holidays — the whole Tết break included —
as the `holidays` package lists them. Party deadlines counted "in working days" are computed here only."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=64)
def _days_off(year: int) -> frozenset[date]:
    """Vietnam's public holidays of `year` (Tết Nguyên đán's days, Giỗ Tổ, 30/4, 1/5, Quốc khánh and their
    substitute days)."""
    import holidays  # only where deadlines are computed: not every web request carries the calendar

    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _days_off(day.year)


def holiday_name(day: date) -> str | None:
    """The holiday's Vietnamese name, or None."""
    import holidays

    return holidays.country_holidays("VN", years=day.year, language="vi").get(day)


@lru_cache(maxsize=64)
def _working_days(year: int) -> tuple[date, ...]:
    """The working days of `year`, in order (deadlines over thousands of dossiers look them up by bisection)."""
    day, days = date(year, 1, 1), []
    while day.year == year:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def add_working_days(start: date, count: int) -> date:
    """The day `count` working days after `start` (which itself does not count): "within 60 working days of the
    resolution" ends on add_working_days(resolution_day, 60)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return start
    year = start.year
    days = _working_days(year)
    index = bisect_right(days, start)  # the first working day after `start`
    while index + count > len(days):
        count -= len(days) - index
        year, index = year + 1, 0
        days = _working_days(year)
    return days[index + count - 1]


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is before `start`)."""
    if end < start:
        return -working_days_between(end, start)
    total = 0
    for year in range(start.year, end.year + 1):
        days = _working_days(year)
        total += bisect_right(days, end) - bisect_right(days, start)
    return total


def working_days_before(end: date, count: int) -> date:
    """The day from which `end` is `count` working days later (the inverse of add_working_days, landing on a working
    day): a deadline's start, counted back."""
    if count <= 0:
        return end
    year = end.year
    days = _working_days(year)
    index = bisect_left(days, end)  # working days strictly before `end`
    while index < count:
        count -= index
        year -= 1
        days = _working_days(year)
        index = len(days)
    return days[index - count]
