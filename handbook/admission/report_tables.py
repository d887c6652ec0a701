"""The admissions report as tables — the page and the Excel workbook read the same rows, in the current language."""
from __future__ import annotations

from flask_babel import force_locale

from handbook.admission.report import GROUP_LABELS, GROUPS, Line, Report
from handbook.core import workbooks
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date
from handbook.core.workbooks import Sheet


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",") + "\u00a0%"  # no break before the sign


def tables(report: Report) -> list[tuple[str, list[str], list[list[object]]]]:
    """Every table of the report as (title, headings, rows) in the current language: the page and the workbook."""
    lines = report.lines
    total_name = _("Toàn %(name)s", name=report.org.name)

    def name(line: Line) -> str:
        return total_name if line is report.total else line.name

    target_rows = [[name(line), line.admitted, line.target if line.target is not None else "",
                    _percent(line.percent)] for line in lines]
    group_rows = [[name(line), line.admitted, *(line.groups[key] for key in GROUPS), line.university_or_more]
                  for line in lines]
    term_rows = [[name(line), line.term, line.previous_term, _percent(line.term_percent)] for line in lines]
    before = _("Trước %(day)s", day=format_date(report.since))
    idle_rows = [[i, cell.name, cell.under, format_date(cell.last_admission) or before]
                 for i, cell in enumerate(report.idle_cells, start=1)]
    empty_rows = [[i, cell.name, cell.under] for i, cell in enumerate(report.empty_cells, start=1)]
    return [
        (_("Kết nạp so với chỉ tiêu năm %(year)d", year=report.year),
         [_("Tổ chức đảng"), _("Đã kết nạp"), _("Chỉ tiêu"), _("Đạt (%)")], target_rows),
        (_("Kết nạp năm %(year)d theo đối tượng", year=report.year),
         [_("Tổ chức đảng"), _("Tổng số"), *(str(GROUP_LABELS[key]) for key in GROUPS), _("Đại học trở lên")],
         group_rows),
        (_("Nhiệm kỳ này so với cùng kỳ nhiệm kỳ trước"),
         [_("Tổ chức đảng"),
          _("Từ %(start)s đến %(end)s", start=format_date(report.term_start), end=format_date(report.today)),
          _("Từ %(start)s đến %(end)s", start=format_date(report.previous_start),
            end=format_date(report.previous_end)),
          _("So với cùng kỳ (%)")], term_rows),
        (_("Chi bộ %(n)d năm chưa kết nạp đảng viên", n=report.idle_years),
         [_("STT"), _("Chi bộ"), _("Trực thuộc"), _("Lần kết nạp gần nhất")], idle_rows),
        (_("Chi bộ chưa có đảng viên"), [_("STT"), _("Chi bộ"), _("Trực thuộc")], empty_rows),
    ]


def workbook(report: Report) -> bytes:
    """Every table of the report, one sheet each (write-only: memory stays flat whatever the number of cells)."""
    with force_locale("vi"):
        heading = _("BÁO CÁO KẾT NẠP ĐẢNG VIÊN NĂM %(year)d — %(name)s (số liệu đến ngày %(day)s)",
                    year=report.year, name=report.org.name, day=format_date(report.today))
        return workbooks.workbook(Sheet(title, headings, rows, preface=[heading, title])
                                  for title, headings, rows in tables(report))
