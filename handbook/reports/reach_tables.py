"""The reach report as tables — the page and the Excel workbook read the same rows, in the current language."""
from __future__ import annotations

from flask_babel import force_locale

from handbook.core import workbooks
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import format_date
from handbook.core.workbooks import Sheet
from handbook.reports.reach import STEPS, Line, Report

STEP_LABELS = {
    "members": _l("Đảng viên"),
    "account": _l("Có tài khoản"),
    "activated": _l("Đã kích hoạt"),
    "signed_90": _l("Đăng nhập trong 90 ngày"),
    "signed_30": _l("Đăng nhập trong 30 ngày"),
    "reminders": _l("Bật nhắc lịch"),
    "installed": _l("Cài ứng dụng"),
}


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",") + "\u00a0%"  # no break before the sign


def _with_share(line: Line, step: str) -> str:
    share = line.share(step)
    return str(line.counts[step]) if share is None else f"{line.counts[step]} ({percent(share)})"


def _read(line: Line) -> str:
    if not line.expected_reads:
        return ""
    return f"{line.read_before}/{line.expected_reads} ({percent(line.read_share)})"


def summary_headings() -> list[str]:
    return [_("Tổ chức đảng"), *(str(STEP_LABELS[step]) for step in STEPS), _("Đọc tài liệu trước buổi họp")]


def tables(report: Report, cells: int | None = None) -> list[tuple[str, list[str], list[list[object]]]]:
    """Every table of the report as (title, headings, rows): the organisations below (and the total), then the
    cells, the lowest reach first (the first `cells` of them; all without it)."""
    total_name = _("Toàn %(name)s", name=report.org.name)

    def name(line: Line) -> str:
        return total_name if line is report.total else line.name

    summary = [[name(line), line.counts["members"], *(_with_share(line, step) for step in STEPS[1:]), _read(line)]
               for line in report.lines]
    cells = [[i, cell.name, cell.under, cell.counts["members"], percent(cell.score), _with_share(cell, "activated"),
              _with_share(cell, "reminders"), _with_share(cell, "installed"), _read(cell)]
             for i, cell in enumerate(report.cells[:cells], start=1)]
    return [
        (_("Mức độ tiếp cận theo tổ chức trực thuộc"), summary_headings(), summary),
        (_("Chi bộ, mức tiếp cận thấp nhất trước"),
         [_("STT"), _("Chi bộ"), _("Trực thuộc"), _("Đảng viên"), _("Mức tiếp cận (đăng nhập trong 90 ngày)"),
          str(STEP_LABELS["activated"]), str(STEP_LABELS["reminders"]), str(STEP_LABELS["installed"]),
          _("Đọc tài liệu trước buổi họp")], cells),
    ]


def workbook(report: Report) -> bytes:
    """Every table of the report, one sheet each (write-only: memory stays flat whatever the number of cells)."""
    with force_locale("vi"):
        heading = _("BÁO CÁO MỨC ĐỘ TIẾP CẬN ỨNG DỤNG — %(name)s (số liệu đến ngày %(day)s)",
                    name=report.org.name, day=format_date(report.today))
        return workbooks.workbook(Sheet(title, headings, rows, preface=[heading, title])
                                  for title, headings, rows in tables(report))


def funnel_chart(report: Report) -> str:
    """The shares of the members at each step (members → account → activated → signed in → reminders → installed),
    as an SVG 360 px wide (`core.charts`)."""
    import pygal

    from handbook.core.charts import config, render

    line = report.total
    steps = list(reversed(STEPS))  # pygal draws the first bar at the bottom
    title = _("Tỷ lệ đảng viên được ứng dụng tiếp cận")
    chart = pygal.HorizontalBar(**config(title, len(steps), 1, 100) | {"show_legend": False})
    chart.x_labels = [str(STEP_LABELS[step]) for step in steps]
    chart.value_formatter = percent
    chart.add(_("Tỷ lệ"), [line.share(step) if line.counts["members"] else None for step in steps])
    return render(chart)
