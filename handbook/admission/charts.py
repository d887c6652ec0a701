"""The report's charts as SVG drawn on the server with pygal: no chart JavaScript on phones.

The SVG carries its own <style> (pygal's), which the app's Content-Security-Policy (style-src 'self') would refuse
inside the page; the page shows each chart as an image from a data: URL instead (img-src allows data:), where the
styles belong to the image's own document. A chart is 360 px wide (a phone's width) and grows with the number of
bars; labels are cut to fit, the legend sits below."""
from __future__ import annotations

import base64
from xml.sax.saxutils import escape

import pygal
from pygal.style import Style

from handbook.admission.report import GROUP_LABELS, GROUPS, Report
from handbook.core.i18n import gettext as _

WIDTH = 360
LABEL_CHARS = 18  # a label longer than this is cut (the full name is in the table below the chart)
MAX_BARS = 30  # a province has ~90 wards: the chart shows the first 30, the table all of them

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f1f1f",
    foreground_strong="#1f1f1f",
    foreground_subtle="#6b6b6b",
    opacity=".9",
    opacity_hover="1",
    colors=("#b3261e", "#9e9e9e", "#1565c0"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=11,
    tooltip_font_size=12,
)


#: words that start most organisations' names and tell the bars apart by nothing
KIND_WORDS = ("Đảng bộ bộ phận ", "Đảng bộ cơ sở ", "Chi bộ cơ sở ", "Đảng bộ ", "Chi bộ ")


def _short(label: str) -> str:
    """A label without its kind ("Chi bộ Công an phường" → "Công an phường"), cut to fit with an ellipsis."""
    for words in KIND_WORDS:
        if label.startswith(words) and len(label) > len(words):
            label = label[len(words):]
            break
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _ticks(top: int) -> list[int]:
    """Whole-number marks on the value axis, at most five."""
    top = max(1, top)
    step = max(1, -(-top // 4))
    return list(range(0, top + step, step))


def _config(title: str, bars: int, series: int, top: int) -> dict:
    ticks = _ticks(top)
    return {
        "range": (0, ticks[-1]),
        "y_labels": ticks,
        "title": title,
        "style": STYLE,
        "js": [],  # no script: pygal's tooltips need JavaScript
        "disable_xml_declaration": True,
        "width": WIDTH,
        "height": max(200, 110 + bars * (14 * series + 12)),
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 1,
        "truncate_label": -1,  # labels are cut here (_short), with an ellipsis
        "truncate_legend": 30,
        "print_values": True,
        "show_y_guides": False,
        "margin": 8,
        "spacing": 8,
        "no_data_text": _("Chưa có số liệu"),
    }


SVG_NS = "http://www.w3.org/2000/svg"


def _render(chart) -> str:
    """The SVG without any <script>: pygal writes its config as a script even when given no JavaScript."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}script", "script"):
                parent.remove(child)
    return _tostring(root)


def _tostring(root) -> str:
    try:
        from lxml import etree
    except ImportError:  # pygal draws with the standard library's ElementTree without lxml
        from xml.etree import ElementTree as etree
    return etree.tostring(root, encoding="unicode")


def targets_chart(report: Report) -> str:
    """Admitted against the target, per organisation directly below (or the organisation itself, for a cell)."""
    lines = list(reversed(report.children[:MAX_BARS] or [report.total]))  # pygal draws the first at the bottom
    title = _("Kết nạp năm %(year)d so với chỉ tiêu", year=report.year)
    top = max([line.admitted for line in lines] + [line.target or 0 for line in lines])
    chart = pygal.HorizontalBar(**_config(title, len(lines), 2, top))
    chart.x_labels = [_short(line.name) for line in lines]
    chart.add(_("Đã kết nạp"), [line.admitted for line in lines])
    chart.add(_("Chỉ tiêu"), [line.target for line in lines])
    return _render(chart)


def groups_chart(report: Report) -> str:
    """The year's admissions of `report.org` by group."""
    counts = report.total.groups
    title = _("Kết nạp năm %(year)d theo đối tượng", year=report.year)
    keys = list(reversed(GROUPS))
    chart = pygal.HorizontalBar(**_config(title, len(keys), 1, max(counts.values())) | {"show_legend": False})
    chart.x_labels = [_short(str(GROUP_LABELS[key])) for key in keys]
    chart.add(_("Số người"), [counts[key] for key in keys])
    return _render(chart)


def data_url(svg: str) -> str:
    """The SVG as an <img> source."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def alt_text(title: str) -> str:
    return escape(title)
