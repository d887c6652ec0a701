"""Markdown → safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises whatever the author typed."""
from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import escape

from handbook.regulations.structure import split_clauses

_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "div", "span", "mark",
    "sub", "sup",
}
# No `class` or `id` from the author: with the site's classes a regulation could draw what looks like a system
# notice (`<span class="flash flash-error">`), and ids could take over the anchors. The renderer adds its own
# (the Khoản/Điểm blocks and their anchors) around fragments that are already clean.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
_MARKER = re.compile(r"^(\s*)(\d{1,3})\.(\s)")


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def markdown_to_html(text: str) -> str:
    """Any Markdown (HTML in it included) to sanitised HTML."""
    return sanitize(_md.render(text or ""))


def _paragraphs(text: str) -> str:
    # "1. …" at the start of a Khoản is its number, not a Markdown list: escape the dot.
    return _md.render(_MARKER.sub(r"\1\2\\.\3", text))


def render_article(body: str) -> str:
    """An article's text with each Khoản and Điểm in its own block, anchored (#k2, #k2-b) for links. The author's
    text is sanitised piece by piece; only the blocks around the pieces carry a class and an id."""
    out = []
    for clause in split_clauses(body):
        text = _md.render(clause.text) if clause.number is None else _paragraphs(f"{clause.number}. {clause.text}")
        inner = sanitize(text)
        for point in clause.points:
            anchor = f' id="k{escape(clause.number)}-{escape(point.letter)}"' if clause.number else ""
            inner += f'<div class="diem"{anchor}>{sanitize(_md.render(f"{point.letter}) {point.text}"))}</div>'
        if clause.number is None:
            out.append(inner)
        else:
            out.append(f'<div class="khoan" id="k{escape(clause.number)}">{inner}</div>')
    return "".join(out)
