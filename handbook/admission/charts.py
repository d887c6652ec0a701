"""The admissions report's charts (`core.charts` draws them)."""
from __future__ import annotations

import pygal

from handbook.admission.report import GROUP_LABELS, GROUPS, Report
from handbook.core.charts import MAX_BARS, alt_text, config, data_url, render, short  # noqa: F401 (pages use them)
from handbook.core.i18n import gettext as _


def targets_chart(report: Report) -> str:
    """Admitted against the target, per organisation directly below (or the organisation itself, for a cell)."""
    lines = list(reversed(report.children[:MAX_BARS] or [report.total]))  # pygal draws the first at the bottom
    title = _("Kết nạp năm %(year)d so với chỉ tiêu", year=report.year)
    top = max([line.admitted for line in lines] + [line.target or 0 for line in lines])
    chart = pygal.HorizontalBar(**config(title, len(lines), 2, top))
    chart.x_labels = [short(line.name) for line in lines]
    chart.add(_("Đã kết nạp"), [line.admitted for line in lines])
    chart.add(_("Chỉ tiêu"), [line.target for line in lines])
    return render(chart)


def groups_chart(report: Report) -> str:
    """The year's admissions of `report.org` by group."""
    counts = report.total.groups
    title = _("Kết nạp năm %(year)d theo đối tượng", year=report.year)
    keys = list(reversed(GROUPS))
    chart = pygal.HorizontalBar(**config(title, len(keys), 1, max(counts.values())) | {"show_legend": False})
    chart.x_labels = [short(str(GROUP_LABELS[key])) for key in keys]
    chart.add(_("Số người"), [counts[key] for key in keys])
    return render(chart)
