"""The days, months and periods a report is asked for, read from what the caller typed: 400 with the reason in
Vietnamese when it is not one (a page shows it, the API answers it as JSON)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask import abort

from handbook.core.i18n import gettext as _
from handbook.core.timeutil import parse_day

#: the first day a report can be asked about
FIRST_DAY = date(2000, 1, 1)
#: the longest period a rate is computed over
MAX_PERIOD_MONTHS = 24


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def following(self) -> date:
        """The first day of the next month."""
        return self.first + relativedelta(months=1)

    @property
    def last(self) -> date:
        return self.following - relativedelta(days=1)

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shifted(self, months: int) -> Month:
        day = self.first + relativedelta(months=months)
        return Month(day.year, day.month)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)


def as_of_arg(raw: str | None, today: date) -> date:
    """`?as_of=` (dd/mm/yyyy or yyyy-mm-dd), today when empty; no future day, nothing before FIRST_DAY."""
    raw = (raw or "").strip()
    if not raw:
        return today
    day = parse_day(raw)
    if day is None:
        abort(400, _("Ngày phải có dạng dd/mm/yyyy, ví dụ 31/12/2025."))
    if day > today:
        abort(400, _("Không xem được số liệu của một ngày chưa tới."))
    if day < FIRST_DAY:
        abort(400, _("Chỉ xem được số liệu từ ngày %(day)s.", day=FIRST_DAY.strftime("%d/%m/%Y")))
    return day


def month_arg(raw: str | None, today: date) -> Month:
    """`?month=` as YYYY-MM (what an HTML month field sends), this month when empty; not after this month."""
    raw = (raw or "").strip()
    if not raw:
        return Month.of(today)
    parts = raw.split("-")
    if (len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts) or len(parts[0]) != 4
            or not 1 <= len(parts[1]) <= 2 or not 1 <= int(parts[1]) <= 12):
        abort(400, _("Tháng phải có dạng yyyy-mm, ví dụ 2026-03."))
    month = Month(int(parts[0]), int(parts[1]))
    if month.first > today:
        abort(400, _("Không xem được số liệu của một tháng chưa tới."))
    if month.first < FIRST_DAY:
        abort(400, _("Chỉ xem được số liệu từ ngày %(day)s.", day=FIRST_DAY.strftime("%d/%m/%Y")))
    return month


def period_args(raw_from: str | None, raw_to: str | None, today: date, *, default_months: int = 3) -> tuple[date, date]:
    """`?from=&to=` (days, both included): by default the last `default_months` whole months up to today; `to`
    not after today, `from` not after `to`, at most MAX_PERIOD_MONTHS long."""
    end = as_of_arg(raw_to, today)
    raw_from = (raw_from or "").strip()
    if raw_from:
        start = parse_day(raw_from)
        if start is None:
            abort(400, _("Ngày phải có dạng dd/mm/yyyy, ví dụ 31/12/2025."))
    else:
        start = end.replace(day=1) - relativedelta(months=default_months - 1)
    if start > end:
        abort(400, _("Ngày bắt đầu phải trước ngày kết thúc."))
    if start < FIRST_DAY:
        abort(400, _("Chỉ xem được số liệu từ ngày %(day)s.", day=FIRST_DAY.strftime("%d/%m/%Y")))
    if start + relativedelta(months=MAX_PERIOD_MONTHS) < end:
        abort(400, _("Chỉ xem được một khoảng tối đa %(n)d tháng.", n=MAX_PERIOD_MONTHS))
    return start, end
