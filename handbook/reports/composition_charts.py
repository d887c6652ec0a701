"""The composition's charts (`core.charts` draws them): status, age bands, occupation groups."""
from __future__ import annotations

import pygal

from handbook.core.charts import config, data_url, render, short
from handbook.core.i18n import gettext as _
from handbook.reports.composition import Composition, Dimension


def _chart(dimension: Dimension) -> str:
    rows = list(reversed(dimension.rows))  # pygal draws the first at the bottom
    top = max([row.count for row in rows] + [0])
    chart = pygal.HorizontalBar(**config(dimension.title, len(rows), 1, top) | {"show_legend": False})
    chart.x_labels = [short(row.label) for row in rows]
    chart.add(_("Số đảng viên"), [row.count for row in rows])
    return render(chart)


def images(report: Composition) -> list[tuple[str, str]]:
    """(data URL, alternative text) of each chart."""
    shown = {"status", "age", "occupation"}
    return [(data_url(_chart(dimension)), _("Biểu đồ: %(title)s", title=dimension.title))
            for dimension in report.dimensions if dimension.key in shown]
