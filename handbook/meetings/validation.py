"""Validation rules for meetings (docs/domain.md: Meetings), with Vietnamese messages."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from handbook.core.i18n import gettext as _
from handbook.meetings.models import MeetingFormat, MeetingKind

MIN_REGULAR_MINUTES = 90
MIN_COMBINED_MINUTES = 120


class MeetingError(ValueError):
    """A meeting change that cannot be made; the message is for the user."""



def check_link(url: str | None, message: str | None = None) -> str | None:
    """Any http(s) address (Jitsi, Zoom, Meet…); nothing else. `message` says what the link is for when refused
    (the online meeting's link by default)."""
    if not url or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise MeetingError(message or _("Đường dẫn họp trực tuyến phải là địa chỉ http:// hoặc https:// hợp lệ."))
    return url


YEARS = (2000, 2100)  # the range the series form accepts too


def bad_date_message() -> str:
    return _("Ngày họp") + ": " + _("Giá trị không hợp lệ.")


def check_times(kind: MeetingKind, combined_thematic: bool, starts_at: datetime, ends_at: datetime) -> int:
    """Return the length in minutes, or refuse."""
    if not YEARS[0] <= starts_at.year <= YEARS[1]:
        raise MeetingError(bad_date_message())
    if ends_at <= starts_at:
        raise MeetingError(_("Giờ kết thúc phải sau giờ bắt đầu."))
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if minutes > 24 * 60:
        raise MeetingError(_("Một buổi sinh hoạt không thể kéo dài quá 24 giờ."))
    if kind is MeetingKind.THUONG_KY:
        needed = MIN_COMBINED_MINUTES if combined_thematic else MIN_REGULAR_MINUTES
        if minutes < needed:
            raise MeetingError(
                _("Sinh hoạt thường kỳ cần ít nhất %(n)d phút (120 phút khi kết hợp chuyên đề).", n=needed)
            )
    return minutes


def check_not_past(starts_at: datetime, now: datetime, recording_held: bool) -> None:
    if starts_at < now - timedelta(minutes=5) and not recording_held:
        raise MeetingError(
            _(
                "Không thể lên lịch một buổi họp trong quá khứ. "
                "Nếu buổi họp đã diễn ra, hãy chọn “Ghi lại buổi họp đã tổ chức”."
            )
        )


def check_place(fmt: MeetingFormat, place: str | None, online_url: str | None) -> None:
    if fmt in (MeetingFormat.TRUC_TUYEN, MeetingFormat.KET_HOP) and not online_url:
        raise MeetingError(_("Họp trực tuyến hoặc kết hợp cần có đường dẫn tham gia."))
    if fmt in (MeetingFormat.TRUC_TIEP, MeetingFormat.KET_HOP) and not (place or "").strip():
        raise MeetingError(_("Họp trực tiếp hoặc kết hợp cần có địa điểm."))
