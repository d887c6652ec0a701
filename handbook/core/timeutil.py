"""Store UTC, show APP_TIMEZONE (DESIGN.md: Time)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from handbook.core.i18n import lazy_gettext as _l

_WEEKDAYS = (_l("Thứ Hai"), _l("Thứ Ba"), _l("Thứ Tư"), _l("Thứ Năm"), _l("Thứ Sáu"), _l("Thứ Bảy"), _l("Chủ nhật"))


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["APP_TIMEZONE"])


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


def _weekday(value: datetime) -> str:
    """The day's name, translated (only that one: a list of meetings calls this for every date)."""
    return str(_WEEKDAYS[value.weekday()])


def format_when(value: datetime | None) -> str:
    """'Thứ Năm, 03/12/2026, 19:30' in local time."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{_weekday(local)}, {local.strftime('%d/%m/%Y, %H:%M')}"


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
