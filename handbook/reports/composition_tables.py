"""The composition as tables — the page, the printable page and the Excel workbook read the same rows."""
from __future__ import annotations

from flask_babel import force_locale

from handbook.core import workbooks
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date
from handbook.core.workbooks import Sheet
from handbook.reports.composition import Composition, organisation_rows
from handbook.reports.composition_days import INDEX, LABELS, MAIN


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",") + "\u00a0%"  # no break before the sign


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def tables(report: Composition) -> list[tuple[str, list[str], list[list[object]]]]:
    """Every table as (title, headings, rows) in the current language: one per dimension, the badges, the change
    over the last four quarters, the organisations directly below."""
    out = []
    for dimension in [*report.dimensions[:5], *report.texts, *report.dimensions[5:]]:
        out.append((dimension.title, [_("Nhóm"), _("Số đảng viên"), _("Tỷ lệ")],
                    [[row.label, row.count, percent(row.share)] for row in dimension.rows]))
    out.append((_("Đảng viên đủ tuổi Đảng nhận huy hiệu trong năm %(year)d", year=report.day.year),
                [_("Huy hiệu"), _("Số đảng viên")], [[row.label, row.count] for row in report.milestones]))
    out.append((_("Thay đổi qua bốn quý"),
                [_("Chỉ tiêu"), *(format_date(day) for day in report.quarter_days), _("Tăng (+), giảm (−)")],
                [[change.label, *change.values, _signed(change.change)] for change in report.changes]))
    if report.children:
        out.append((_("Các tổ chức trực thuộc"), [_("Tổ chức đảng"), _("Số đảng viên"), _("Tỷ lệ")],
                    [[child.name, child.total, percent(round(child.total * 100 / report.total, 1)
                                                       if report.total else None)] for child in report.children]))
    return out


def _every_organisation(report: Composition):
    """One row per organisation of the subtree, in tree order: its own members and its subtree's, main figures."""
    for depth, name, own, total in organisation_rows(report.org, report.day):
        yield ["  " * depth + name, own[0], *(total[INDEX[key]] for key in MAIN)]


def workbook(report: Composition) -> bytes:
    """The tables, one sheet each, and a sheet of every organisation of the subtree (written row by row from the
    day's kept figures: memory stays flat whatever the number of organisations)."""
    with force_locale("vi"):
        heading = _("BÁO CÁO CƠ CẤU ĐẢNG VIÊN — %(name)s (số liệu đến ngày %(day)s)", name=report.org.name,
                    day=format_date(report.day))
        sheets = [Sheet(title, headings, rows, preface=[heading, title])
                  for title, headings, rows in tables(report)]
        every = _("Từng tổ chức trong đảng bộ")
        sheets.append(Sheet(every, [_("Tổ chức đảng"), _("Đảng viên sinh hoạt tại tổ chức"),
                                    *(_("%(figure)s (cả các tổ chức trực thuộc)", figure=str(LABELS[key]))
                                      if key == "total" else str(LABELS[key]) for key in MAIN)],
                            _every_organisation(report), preface=[heading, every]))
        return workbooks.workbook(sheets)
