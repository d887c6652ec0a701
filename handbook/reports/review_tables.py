"""The periodic reviews' lists as tables — the page, the printable page and the workbook read the same rows, in the
current language."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import force_locale

from handbook.core import workbooks
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import format_date
from handbook.core.workbooks import Sheet
from handbook.members.labels import STATUS_LABELS
from handbook.reports.models import ReviewKind
from handbook.reports.reviews import Listed, ReviewList

KIND_LABELS = {
    ReviewKind.RETIRED_AT_WORKPLACE: _l("Đảng viên đủ tuổi nghỉ hưu còn sinh hoạt ở chi bộ nơi làm việc"),
    ReviewKind.NO_ATTENDANCE: _l("Đảng viên không tham gia sinh hoạt"),
    ReviewKind.UNPAID_DUES: _l("Đảng viên không đóng đảng phí từ 3 tháng trở lên trong năm"),
}
KIND_SHORT = {
    ReviewKind.RETIRED_AT_WORKPLACE: _l("Nghỉ hưu, còn ở nơi làm việc"),
    ReviewKind.NO_ATTENDANCE: _l("Bỏ sinh hoạt"),
    ReviewKind.UNPAID_DUES: _l("Không đóng đảng phí"),
}


def headings(kind: ReviewKind) -> list[str]:
    common = [_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Tuổi"), _("Trạng thái"), _("Chi bộ"), _("Trực thuộc")]
    if kind == ReviewKind.RETIRED_AT_WORKPLACE:
        return [*common, _("Nơi cư trú"), _("Mới")]
    if kind == ReviewKind.UNPAID_DUES:
        return [*common, _("Số tháng chưa đóng"), _("Mới")]
    return [*common, _("Lần có mặt gần nhất"), _("Vắng có lý do"), _("Vắng không lý do"), _("Mới")]


def last_presence(row: Listed) -> str:
    if row.last_present is None:
        return _("chưa từng")
    return _("%(n)d tháng trước (%(day)s)", n=row.months_since or 0, day=format_date(row.last_present))


def row_values(kind: ReviewKind, number: int, row: Listed) -> list[object]:
    common = [number, row.full_name, format_date(row.birth_date), "" if row.age is None else row.age,
              str(STATUS_LABELS[row.status]), row.cell_name, row.under]
    new = _("mới") if row.is_new else ""
    if kind == ReviewKind.RETIRED_AT_WORKPLACE:
        return [*common, row.residence or "", new]
    if kind == ReviewKind.UNPAID_DUES:
        return [*common, row.unpaid, new]
    return [*common, last_presence(row), row.excused, row.unexcused, new]


def rows(kind: ReviewKind, listed: Iterable[Listed], start: int = 1) -> Iterator[list[object]]:
    for number, row in enumerate(listed, start=start):
        yield row_values(kind, number, row)


def children_table(result: ReviewList) -> tuple[str, list[str], list[list[object]]]:
    return (_("Theo tổ chức trực thuộc"), [_("Tổ chức đảng"), _("Số đảng viên trong danh sách")],
            [[child.name, child.count] for child in result.children])


def preface(result: ReviewList) -> list[str]:
    lines = [_("DANH SÁCH XEM XÉT: %(title)s", title=str(KIND_LABELS[result.kind]).upper()),
             _("%(name)s · đến ngày %(day)s", name=result.org.name, day=format_date(result.today))]
    if result.kind == ReviewKind.NO_ATTENDANCE:
        lines.append(_("Không có mặt ở buổi sinh hoạt nào từ ngày %(day)s (%(n)d tháng qua), tuy chi bộ có điểm danh.",
                       day=format_date(result.window_start), n=result.months))
    if result.kind == ReviewKind.UNPAID_DUES:
        lines.append(_("Các tháng đã qua của năm %(year)d, phải đóng mà chưa ghi nhận.", year=result.window_start.year))
    return lines


def workbook(result: ReviewList, listed: Iterable[Listed]) -> bytes:
    """The committee's follow-up list: every member on it (read batch by batch) and a column for the committee's
    conclusion, then the counts per organisation below."""
    with force_locale("vi"):
        title = str(KIND_SHORT[result.kind])
        sheets = [Sheet(title, [*headings(result.kind), _("Kết quả xem xét")],
                        (values + [""] for values in rows(result.kind, listed)), preface=preface(result))]
        if result.children:
            name, heads, counts = children_table(result)
            sheets.append(Sheet(name, heads, counts, preface=preface(result)))
        return workbooks.workbook(sheets)
