"""The rules of an exemption's request and period, with their words: who may ask for which kind and why, how long a
temporary exemption may last, and the labels the pages show (docs/domain.md: Exemption)."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from flask import current_app

from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.refusals import Refusal
from handbook.exemptions.models import ExemptionKind, ExemptionReason, ExemptionStatus

MAX_DETAIL = 500
MAX_NUMBER = 60

KIND_LABELS = {
    ExemptionKind.MIEN: _l("Miễn công tác và sinh hoạt đảng"),
    ExemptionKind.TAM_MIEN: _l("Tạm miễn sinh hoạt đảng"),
}
REASON_LABELS = {
    ExemptionReason.TUOI_CAO: _l("Tuổi cao"),
    ExemptionReason.SUC_KHOE: _l("Sức khỏe yếu, điều trị bệnh dài ngày"),
    ExemptionReason.LAM_AN_XA: _l("Đi làm ăn xa, làm việc lưu động, nơi chưa có tổ chức đảng"),
    ExemptionReason.NUOC_NGOAI: _l("Ra nước ngoài đơn lẻ (công tác, chữa bệnh, thăm thân)"),
    ExemptionReason.THAI_SAN: _l("Nghỉ sinh con theo chế độ"),
    ExemptionReason.CHO_NGHI_HUU: _l("Nghỉ công tác chờ nghỉ hưu"),
    ExemptionReason.KHAC: _l("Lý do khác"),
}
#: the reasons each kind is asked for: miễn for age and health, tạm miễn for a time away
REASONS_OF_KIND = {
    ExemptionKind.MIEN: (ExemptionReason.TUOI_CAO, ExemptionReason.SUC_KHOE, ExemptionReason.KHAC),
    ExemptionKind.TAM_MIEN: (ExemptionReason.LAM_AN_XA, ExemptionReason.NUOC_NGOAI, ExemptionReason.SUC_KHOE,
                             ExemptionReason.THAI_SAN, ExemptionReason.CHO_NGHI_HUU, ExemptionReason.KHAC),
}
STATUS_LABELS = {
    ExemptionStatus.PENDING: _l("Chờ chi bộ xem xét"),
    ExemptionStatus.APPROVED: _l("Đã được chấp thuận"),
    ExemptionStatus.REFUSED: _l("Không được chấp thuận"),
    ExemptionStatus.WITHDRAWN: _l("Đã rút đơn"),
    ExemptionStatus.ENDED: _l("Đã kết thúc, trở lại sinh hoạt"),
    ExemptionStatus.CANCELLED: _l("Đã hủy trước ngày bắt đầu"),
}


class ExemptionError(Refusal):
    """A rule refused the input (core.refusals.Refusal: the Vietnamese message, the form field it belongs to)."""


def max_months() -> int:
    """How long a temporary exemption may last: under this many months (EXEMPTION_MAX_MONTHS, default 12)."""
    return int(current_app.config.get("EXEMPTION_MAX_MONTHS", 12))


def reminder_days() -> int:
    """How many days before a temporary exemption ends the member and the leaders are reminded."""
    return int(current_app.config.get("EXEMPTION_REMINDER_DAYS", 14))


def latest_until(starts_on: date) -> date:
    """The last day a temporary exemption starting on `starts_on` may run to: the day before the same date
    `max_months()` later (from 29/02, the month's last day)."""
    return starts_on + relativedelta(months=max_months()) - relativedelta(days=1)


def check_period(kind: ExemptionKind, reason: ExemptionReason, starts_on: date | None, until: date | None,
                 today: date) -> None:
    """The request's kind, reason and days; ExemptionError on the first field refused."""
    if reason not in REASONS_OF_KIND[kind]:
        raise ExemptionError(_("Lý do này không dùng cho %(kind)s; hãy chọn lý do khác.",
                               kind=str(KIND_LABELS[kind]).lower()), "reason")
    if starts_on is None:
        raise ExemptionError(_("Hãy nhập ngày bắt đầu."), "starts_on")
    if starts_on < today:
        raise ExemptionError(_("Ngày bắt đầu không được trước hôm nay (%(today)s).", today=f"{today:%d/%m/%Y}"),
                             "starts_on")
    if starts_on > today + relativedelta(years=1):
        raise ExemptionError(_("Ngày bắt đầu quá xa; chỉ xin trước tối đa 1 năm."), "starts_on")
    if kind is ExemptionKind.TAM_MIEN and until is None:
        raise ExemptionError(_("Tạm miễn sinh hoạt cần có ngày kết thúc."), "until")
    if until is not None and until < starts_on:
        raise ExemptionError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."), "until")
    if kind is ExemptionKind.TAM_MIEN and until > latest_until(starts_on):
        raise ExemptionError(_("Tạm miễn sinh hoạt dưới %(n)d tháng: ngày kết thúc muộn nhất là %(day)s.",
                               n=max_months(), day=f"{latest_until(starts_on):%d/%m/%Y}"), "until")


def clean_text(value: str | None, limit: int, field: str) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise ExemptionError(_("Dài quá %(n)d ký tự.", n=limit), field)
    return text or None
