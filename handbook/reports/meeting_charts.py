"""The meeting reports' charts (`core.charts` draws them)."""
from __future__ import annotations

import pygal

from handbook.core.charts import MAX_BARS, config, render, short
from handbook.core.i18n import gettext as _
from handbook.meetings import quality
from handbook.reports import attendance, compliance
from handbook.reports.meeting_tables import month_label


def _percent_chart(title: str, labels: list[str], values: list[float | None], series: str) -> str:
    labels, values = list(reversed(labels)), list(reversed(values))  # pygal draws the first at the bottom
    chart = pygal.HorizontalBar(**config(title, len(labels), 1, 100) | {"show_legend": False})
    chart.x_labels = labels
    chart.add(series, values, formatter=lambda v: "" if v is None else f"{v:.1f}".replace(".", ",") + " %")
    return render(chart)


def compliance_chart(report: compliance.Report) -> str:
    """The share of cells that held the regular meeting with minutes and attendance, per organisation below."""
    lines = report.children[:MAX_BARS] or [report.total]
    return _percent_chart(_("Tỷ lệ chi bộ sinh hoạt thường kỳ đủ hồ sơ, tháng %(month)s",
                            month=month_label(report.month)),
                          [short(line.name) for line in lines], [line.share for line in lines], _("Tỷ lệ đạt"))


def trend_chart(report: compliance.Report) -> str:
    """The same share over the last months, oldest at the top."""
    return _percent_chart(_("Tỷ lệ đạt %(n)d tháng gần nhất", n=len(report.trend)),
                          [month_label(m) for m, _held, _live in report.trend],
                          [quality.percent(held, live) for _m, held, live in report.trend], _("Tỷ lệ đạt"))


def attendance_chart(report: attendance.Report) -> str:
    """The attendance rate per organisation directly below (or the organisation itself, for a cell)."""
    lines = report.children[:MAX_BARS] or [report.total]
    return _percent_chart(_("Tỷ lệ có mặt khi sinh hoạt"), [short(line.name) for line in lines],
                          [line.rate for line in lines], _("Tỷ lệ có mặt"))
