"""regulations: drop the author's class and id attributes from HTML rendered before the sanitiser refused them

Only the renderer's own Khoản/Điểm blocks keep theirs (`<div class="khoan" id="k2">`, `<div class="diem"
id="k2-b">`); anything else (e.g. `<span class="flash flash-error">`, a fake system notice) loses them. Self-
contained on purpose: the same nh3 rules as handbook/regulations/render.py at this revision.

Revision ID: 0013_regulation_html_attributes
Revises: 0012_import_previews
Create Date: 2026-12-06 07:00:00

"""
import re

import nh3
import sqlalchemy as sa
from alembic import op

revision = "0013_regulation_html_attributes"
down_revision = "0012_import_previews"
branch_labels = None
depends_on = None

TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "div", "span", "mark",
    "sub", "sup",
}
ATTRIBUTES = {"a": {"href", "title"}, "div": {"class", "id"}, "span": {"class"}, "th": {"align"},
              "td": {"align"}, "ol": {"start"}}
OWN_ID = re.compile(r"k\d{1,3}(-[a-zđ])?")


def _keep(tag: str, name: str, value: str):
    if name == "class":
        return value if tag == "div" and value in ("khoan", "diem") else None
    if name == "id":
        return value if tag == "div" and OWN_ID.fullmatch(value) else None
    return value


def clean(html: str | None) -> str | None:
    if not html or ("class=" not in html and "id=" not in html):
        return html
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_keep,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def _rewrite(table: str, column: str) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()
    for row_id, html in rows:
        cleaned = clean(html)
        if cleaned != html:
            conn.execute(sa.text(f"UPDATE {table} SET {column} = :html WHERE id = :id"), {"html": cleaned, "id": row_id})


def upgrade():
    _rewrite("regulation_articles", "body_html")
    _rewrite("regulation_documents", "preamble_html")


def downgrade():
    pass  # the attributes dropped were the author's, never needed
