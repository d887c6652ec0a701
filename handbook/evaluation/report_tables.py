"""The evaluation figures as tables — the committee's page, its printable page and its workbook read the same rows,
and an organisation's collective report reads its own line."""
from __future__ import annotations

from flask_babel import force_locale

from handbook.core import workbooks
from handbook.core.i18n import gettext as _
from handbook.core.workbooks import Sheet
from handbook.evaluation import rules
from handbook.evaluation.labels import LEVEL_LABELS
from handbook.evaluation.models import Level
from handbook.evaluation.summary import CommitteeSummary, Figures


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",") + "\u00a0%"


def _count(figures: Figures, level: Level) -> str:
    share = figures.share(level)
    return str(figures.levels[level]) if share is None else f"{figures.levels[level]} ({percent(share)})"


def headings() -> list[str]:
    return [_("Tổ chức đảng"), _("Đảng viên"), _("Không đánh giá (miễn công tác, sinh hoạt)"), _("Phải đánh giá"),
            _("Đã nộp bản tự kiểm điểm"), *(str(LEVEL_LABELS[level]) for level in Level), _("Chưa xếp loại"),
            _("Vượt tỷ lệ xuất sắc")]


def row(figures: Figures, name: str | None = None) -> list[object]:
    return [name or figures.name, figures.members, figures.exempt, figures.to_rate, figures.submitted,
            *(_count(figures, level) for level in Level), figures.not_yet,
            _("Có") if figures.over_cap else ""]


def table(report: CommitteeSummary) -> tuple[str, list[str], list[list[object]]]:
    rows = [row(line) for line in report.lines]
    rows.append(row(report.total, _("Toàn %(name)s", name=report.org.name)))
    return (_("Kết quả xếp loại đảng viên năm %(year)d", year=report.year), headings(), rows)


def workbook(report: CommitteeSummary) -> bytes:
    with force_locale("vi"):
        title, heads, rows = table(report)
        heading = _("BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN NĂM %(year)d — %(name)s", year=report.year,
                    name=report.org.name)
        note = _("Vượt tỷ lệ xuất sắc: số “Hoàn thành xuất sắc nhiệm vụ” quá %(cap)d %% tổng số “Hoàn thành tốt nhiệm "
                 "vụ”.", cap=rules.EXCELLENT_CAP)
        return workbooks.workbook([Sheet(title, heads, rows, preface=[heading, title, note])])
