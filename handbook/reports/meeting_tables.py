"""The meeting compliance and attendance reports as tables — the page and the Excel workbook read the same rows, in
the current language. A report holds at most a row per cell (~5,000 for a province), read by its few grouped
statements; the workbook's rows are generators over them, written one by one (write-only)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import force_locale

from handbook.core import workbooks
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import format_date, format_datetime
from handbook.core.workbooks import Sheet
from handbook.meetings import quality
from handbook.meetings.labels import COMMITTEE_LABELS
from handbook.reports import attendance, compliance

STATUS_LABELS = {**COMMITTEE_LABELS, "scheduled": _l("Có lịch nhưng chưa họp")}
THEMATIC_LABELS = {"planned": _l("Đã lên lịch trong quý"), "none": _l("Chưa có")}

Table = tuple[str, list[str], Iterable[list[object]]]


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",") + "\u00a0%"  # no break before the sign


def score(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",") + "/5"


def month_label(month) -> str:
    return f"{month.month:02d}/{month.year}"


# --- compliance ----------------------------------------------------------------------------------------------

def compliance_tables(report: compliance.Report, *, rows=list) -> list[Table]:
    """Every table of the compliance report as (title, headings, rows); `rows=list` for a page, `rows=iter` for a
    workbook (generators)."""
    total_name = _("Toàn %(name)s", name=report.org.name)
    lines = report.lines

    def name(line) -> str:
        return total_name if line is report.total else line.name

    month = month_label(report.month)
    quarter = _("quý %(q)d/%(year)d", q=report.month.quarter, year=report.month.year)
    compliance_rows = ([name(line), line.cells, line.held, line.counts["held_incomplete"], line.counts["scheduled"],
                        line.counts["missing"], percent(line.share), line.thematic, percent(line.thematic_share)]
                       for line in lines)
    quality_rows = ([name(line), line.meetings, score(line.average_score),
                     *(percent(line.met_share(key)) for key in quality.KEYS)] for line in lines)

    def not_held() -> Iterator[list[object]]:
        for i, note in enumerate(report.not_held, start=1):
            yield [i, note.name, note.under, str(STATUS_LABELS[note.status]),
                   format_datetime(note.starts_at) if note.starts_at else ""]

    def without_thematic() -> Iterator[list[object]]:
        for i, note in enumerate(report.without_thematic, start=1):
            yield [i, note.name, note.under, str(THEMATIC_LABELS[note.status])]

    trend_rows = ([month_label(m), held, live, percent(quality.percent(held, live))] for m, held, live in report.trend)
    return [
        (_("Sinh hoạt thường kỳ tháng %(month)s", month=month),
         [_("Tổ chức đảng"), _("Chi bộ"), _("Đã họp, đủ biên bản và điểm danh"), _("Đã họp, thiếu hồ sơ"),
          _("Có lịch nhưng chưa họp"), _("Chưa có lịch"), _("Tỷ lệ đạt"),
          _("Có sinh hoạt chuyên đề trong %(quarter)s", quarter=quarter), _("Tỷ lệ chuyên đề")],
         rows(compliance_rows)),
        (_("Chất lượng các buổi sinh hoạt tháng %(month)s", month=month),
         [_("Tổ chức đảng"), _("Số buổi đã họp"), _("Điểm trung bình"),
          *(str(quality.LABELS[key]) for key in quality.KEYS)],
         rows(quality_rows)),
        (_("Chi bộ chưa sinh hoạt thường kỳ đủ hồ sơ tháng %(month)s", month=month),
         [_("STT"), _("Chi bộ"), _("Trực thuộc"), _("Tình trạng"), _("Lịch họp")], rows(not_held())),
        (_("Chi bộ chưa sinh hoạt chuyên đề trong %(quarter)s", quarter=quarter),
         [_("STT"), _("Chi bộ"), _("Trực thuộc"), _("Sinh hoạt chuyên đề")], rows(without_thematic())),
        (_("Tỷ lệ chi bộ sinh hoạt thường kỳ đủ hồ sơ, %(n)d tháng gần nhất", n=len(report.trend)),
         [_("Tháng"), _("Đạt"), _("Chi bộ"), _("Tỷ lệ đạt")], rows(trend_rows)),
    ]


def compliance_workbook(report: compliance.Report) -> bytes:
    with force_locale("vi"):
        heading = _("BÁO CÁO SINH HOẠT CHI BỘ THÁNG %(month)s — %(name)s", month=month_label(report.month),
                    name=report.org.name)
        return workbooks.workbook(Sheet(title, headings, rows, preface=[heading, title])
                                  for title, headings, rows in compliance_tables(report, rows=iter))


# --- attendance ----------------------------------------------------------------------------------------------

def attendance_tables(report: attendance.Report, *, rows=list) -> list[Table]:
    total_name = _("Toàn %(name)s", name=report.org.name)
    counts = [_("Có mặt"), _("Vắng có lý do"), _("Vắng không lý do"), _("Phải dự"), _("Tỷ lệ có mặt")]

    def figures(line) -> list[object]:
        return [line.present, line.excused, line.unexcused, line.expected, percent(line.rate)]

    child_rows = ([total_name if line is report.total else line.name, *figures(line)] for line in report.lines)
    cell_rows = ([i, line.name, line.under, line.meetings, *figures(line)]
                 for i, line in enumerate(report.cells, start=1))
    flagged_rows = ([i, f.name, f.cell, f.under, ", ".join(f"{m:02d}/{report.year}" for m in f.months)]
                    for i, f in enumerate(report.flagged, start=1))
    tables: list[Table] = [
        (_("Tỷ lệ dự sinh hoạt theo tổ chức trực thuộc"), [_("Tổ chức đảng"), *counts], rows(child_rows)),
        (_("Tỷ lệ dự sinh hoạt từng chi bộ (thấp nhất trước)"),
         [_("STT"), _("Chi bộ"), _("Trực thuộc"), _("Số buổi"), *counts], rows(cell_rows)),
    ]
    if report.is_cell:
        member_rows = ([i, line.name, *figures(line)] for i, line in enumerate(report.members, start=1))
        tables.append((_("Tỷ lệ dự sinh hoạt từng đảng viên"), [_("STT"), _("Họ và tên"), *counts],
                       rows(member_rows)))
    tables.append((_("Đảng viên vắng sinh hoạt không lý do 3 tháng trong năm %(year)d", year=report.year),
                   [_("STT"), _("Họ và tên"), _("Chi bộ"), _("Trực thuộc"), _("Các tháng vắng không lý do")],
                   rows(flagged_rows)))
    return tables


def period_label(report: attendance.Report) -> str:
    return _("từ %(start)s đến %(end)s", start=format_date(report.start), end=format_date(report.end))


def attendance_workbook(report: attendance.Report) -> bytes:
    with force_locale("vi"):
        heading = _("BÁO CÁO DỰ SINH HOẠT ĐẢNG — %(name)s, %(period)s", name=report.org.name,
                    period=period_label(report))
        return workbooks.workbook(Sheet(title, headings, rows, preface=[heading, title])
                                  for title, headings, rows in attendance_tables(report, rows=iter))
