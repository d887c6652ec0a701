"""Time: the one place that reads the clock; store UTC, show APP_TIMEZONE.

Everything else takes `now` (an aware UTC datetime) or `today` (a local date) as an argument and, where a caller
has none, asks this module: `utcnow()`, `local_now()`, `local_today()`, `timestamp()`. Tests move this clock with
`time_machine`; the CI's second pass runs the whole suite at a date it chooses (.ci/run).
"""
from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from handbook.core.i18n import lazy_gettext as _l

_WEEKDAYS = (_l("Thứ Hai"), _l("Thứ Ba"), _l("Thứ Tư"), _l("Thứ Năm"), _l("Thứ Sáu"), _l("Thứ Bảy"), _l("Chủ nhật"))


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp() -> float:
    """Seconds since the epoch, for expiry times kept as numbers (throttles, signed-in steps, temporary files)."""
    return time.time()


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["APP_TIMEZONE"])


def local_now(now: datetime | None = None) -> datetime:
    """`now` (or the clock) as the app's local wall time."""
    return (now or utcnow()).astimezone(local_zone())


def local_today(now: datetime | None = None) -> date:
    """The local date at `now` (or now): from 00:00 to 07:00 in Hà Nội it is a day after UTC's."""
    return local_now(now).date()


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return as_utc(value).astimezone(local_zone())


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    return "" if value is None else to_local(value).strftime("%H:%M %d/%m/%Y")


def weekday_name(value: date) -> str:
    """The day's name, translated (only that one: a list of meetings calls this for every date)."""
    return str(_WEEKDAYS[value.weekday()])


def format_day(value: date | None) -> str:
    """'Chủ nhật, 03/01/2027'."""
    return "" if value is None else f"{weekday_name(value)}, {value.strftime('%d/%m/%Y')}"


def format_when(value: datetime | None) -> str:
    """'Thứ Năm, 03/12/2026, 19:30' in local time."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{weekday_name(local)}, {local.strftime('%d/%m/%Y, %H:%M')}"


def format_span(start: datetime | None, minutes: int | None) -> str:
    """'Thứ Năm, 03/12/2026, 19:30 – 21:00' (start to start + minutes, local time); the end's date is named too
    when it falls on another day."""
    if start is None:
        return ""
    local = to_local(start)
    end = local + timedelta(minutes=minutes or 0)
    if end.date() == local.date():
        return f"{format_when(start)} – {end.strftime('%H:%M')}"
    return f"{format_when(start)} – {weekday_name(end)}, {end.strftime('%d/%m/%Y, %H:%M')}"


def format_until(value: datetime | None, now: datetime | None = None) -> str:
    """'còn 2 ngày 3 giờ', 'còn 45 phút', 'đang diễn ra'."""
    from handbook.core.i18n import gettext as _

    if value is None:
        return ""
    seconds = int((as_utc(value) - (now or utcnow())).total_seconds())
    if seconds <= 0:
        return _("đã bắt đầu")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("còn %(d)d ngày %(h)d giờ", d=days, h=hours)
    if hours:
        return _("còn %(h)d giờ %(m)d phút", h=hours, m=minutes)
    return _("còn %(m)d phút", m=max(minutes, 1))


def parse_day(text: str | None) -> date | None:
    """A day typed as dd/mm/yyyy (or as an HTML date field sends it, yyyy-mm-dd); None when it is not one."""
    text = (text or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
