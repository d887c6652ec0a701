"""The dues figures as tables: the committee's totals and a cell's month with its remittance sheet — the page, the
printable page and the Excel workbooks read the same rows, in the current language."""
from __future__ import annotations

from collections.abc import Iterator

from handbook.core import workbooks
from handbook.core.i18n import gettext as _
from handbook.core.workbooks import Sheet
from handbook.dues import labels, rules
from handbook.dues.sheet import Sheet as CellSheet
from handbook.dues.totals import Figures, Totals, keeps_percent, remittance


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f} %".replace(".", ",")


def totals_headings() -> list[str]:
    return [_("Tổ chức"), _("Đảng viên"), _("Đã nộp (người)"), _("Chưa nộp (người)"), _("Miễn"), _("Giảm"),
            _("Chưa tính được"), _("Phải thu"), _("Đã thu"), _("Tỷ lệ thu"), _("Phải thu từ đầu năm"),
            _("Đã thu từ đầu năm"), _("Tỷ lệ từ đầu năm"), _("Lượt chưa nộp từ đầu năm"),
            _("Tiền nhận từ đầu năm")]


def _figures_row(name: str, month: Figures, year: Figures, money, full_year: bool) -> list:
    """A line's cells; the year to date's expected amount, share and unpaid count only when computed (else —)."""
    def heavy(value):
        return value if full_year else "—"

    return [name, month.members, month.paid_count, month.unpaid_count, month.exempt, month.reduced, month.unknown,
            money(month.expected), money(month.paid), percent(month.share), heavy(money(year.expected)),
            money(year.paid), heavy(percent(year.share)), heavy(year.unpaid_count), money(year.collected)]


def totals_rows(report: Totals, money=rules.format_dong) -> Iterator[list]:
    for line in report.lines:
        yield _figures_row(line.name, line.month, line.year, money, report.full_year)
    yield _figures_row(_("Tổng cộng"), report.total.month, report.total.year, money, report.full_year)


def totals_workbook(report: Totals) -> bytes:
    title = _("Đảng phí tháng %(m)s", m=rules.format_month(report.month))
    return workbooks.workbook([Sheet(title, totals_headings(), totals_rows(report, money=int),
                                     preface=[_("BÁO CÁO THU ĐẢNG PHÍ"), report.org.name, title])])


def remittance_rows(collected: int) -> list[tuple[str, str]]:
    kept, sent = remittance(collected)
    return [(_("Đảng phí thu được trong tháng"), rules.format_dong(collected)),
            (_("Chi bộ được trích giữ lại (%(p)d %%)", p=keeps_percent()), rules.format_dong(kept)),
            (_("Nộp lên cấp trên"), rules.format_dong(sent))]


def cell_workbook(current: CellSheet, collected: int, payments: list) -> bytes:
    """A cell's month: the sheet (each member's expected and paid) and the remittance sheet (bảng kê nộp đảng phí:
    every payment received during the month, what the cell keeps and what it sends up)."""
    month = rules.format_month(current.month)
    sheet_rows = ([line.member.full_name, line.expected.amount,
                   str(labels.STATUS_LABELS.get(line.expected.status, "")),
                   line.payment.amount if line.payment else None,
                   line.payment.paid_on.strftime("%d/%m/%Y") if line.payment else "",
                   str(labels.METHOD_LABELS[line.payment.method]) if line.payment else "",
                   line.payment.reference or "" if line.payment else ""] for line in current.lines)
    kept, sent = remittance(collected)
    paid_rows = [[p.member.full_name, rules.format_month(p.month), p.amount, p.paid_on.strftime("%d/%m/%Y"),
                  str(labels.METHOD_LABELS[p.method]), p.reference or ""] for p in payments]
    paid_rows += [[], [_("Tổng thu trong tháng"), "", collected],
                  [_("Chi bộ được trích giữ lại (%(p)d %%)", p=keeps_percent()), "", kept],
                  [_("Nộp lên cấp trên"), "", sent]]
    return workbooks.workbook([
        Sheet(_("Bảng thu tháng %(m)s", m=month),
              [_("Đảng viên"), _("Phải đóng"), _("Ghi chú"), _("Đã nộp"), _("Ngày nộp"), _("Hình thức"),
               _("Mã giao dịch")], sheet_rows, preface=[_("BẢNG THU ĐẢNG PHÍ"), current.cell.name, month]),
        Sheet(_("Bảng kê nộp đảng phí"),
              [_("Đảng viên"), _("Tháng đóng"), _("Số tiền"), _("Ngày nộp"), _("Hình thức"), _("Mã giao dịch")],
              paid_rows, preface=[_("BẢNG KÊ NỘP ĐẢNG PHÍ"), current.cell.name, month]),
    ])
