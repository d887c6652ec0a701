"""Charts as SVG drawn on the server with pygal: no chart JavaScript on phones.

The SVG carries its own <style> (pygal's), which the app's Content-Security-Policy (style-src 'self') would refuse
inside the page; a page shows each chart as an image from a data: URL instead (img-src allows data:), where the
styles belong to the image's own document. A chart is 360 px wide (a phone's width) and grows with the number of
bars; labels are cut to fit, the legend sits below."""
from __future__ import annotations

import base64
from xml.sax.saxutils import escape

from pygal.style import Style

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


def short(label: str) -> str:
    """A label without its kind ("Chi bộ Công an phường" → "Công an phường"), cut to fit with an ellipsis."""
    for words in KIND_WORDS:
        if label.startswith(words) and len(label) > len(words):
            label = label[len(words):]
            break
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def axis_ticks(top: int) -> list[int]:
    """Whole-number marks on the value axis, at most five."""
    top = max(1, top)
    step = max(1, -(-top // 4))
    return list(range(0, top + step, step))


def config(title: str, bars: int, series: int, top: int) -> dict:
    """pygal options for a horizontal bar chart of `bars` bars with `series` series each, values up to `top`."""
    ticks = axis_ticks(top)
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
        "truncate_label": -1,  # labels are cut here (short), with an ellipsis
        "truncate_legend": 30,
        "print_values": True,
        "show_y_guides": False,
        "margin": 8,
        "spacing": 8,
        "no_data_text": _("Chưa có số liệu"),
    }


SVG_NS = "http://www.w3.org/2000/svg"


def render(chart) -> str:
    """The SVG without any <script>: pygal writes its config as a script even when given no JavaScript."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}script", "script"):
                parent.remove(child)
    return tostring(root)


def tostring(root) -> str:
    try:
        from lxml import etree
    except ImportError:  # pygal draws with the standard library's ElementTree without lxml
        from xml.etree import ElementTree as etree
    return etree.tostring(root, encoding="unicode")


def data_url(svg: str) -> str:
    """The SVG as an <img> source."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def alt_text(title: str) -> str:
    return escape(title)
