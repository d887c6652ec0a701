"""The full-text index behind search: an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL.

Both are created by migration 0004_regulations, outside the models' metadata. On SQLite the service keeps
the FTS5 table in step with regulation_articles (rowid = document id × KEY_SPAN + position) through
`index_articles` / `unindex_document`; on PostgreSQL `search_vector` is a stored generated column of the
folded text columns (to_tsvector('simple', …), weighted A/B/C), so it follows the table by itself.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text

from handbook.extensions import db

FTS_TABLE = "regulation_fts"
KEY_SPAN = 1_000_000  # positions within a document stay below this
PG_INDEX = "ix_regulation_articles_fts"
PG_COLUMN = "search_vector"
# The expression of the generated column regulation_articles.search_vector (see the migration).
PG_VECTOR = (
    "setweight(to_tsvector('simple', search_title), 'A') || "
    "setweight(to_tsvector('simple', search_heading), 'B') || "
    "setweight(to_tsvector('simple', search_body), 'C')"
)


def is_search_index_table(name: str) -> bool:
    """The FTS5 table and its shadow tables: not in the models' metadata, owned by the migration."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: autogenerate and the migration test leave the FTS5 tables and the PostgreSQL
    search column and its index alone."""
    if type_ == "table" and is_search_index_table(name):
        return False
    if type_ == "column" and name == PG_COLUMN and getattr(obj.table, "name", None) == "regulation_articles":
        return False
    return not (type_ == "index" and name == PG_INDEX)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def fts_rowid(document_id: int, position: int) -> int:
    """The FTS5 row of an article: its document and position packed into the rowid, so search reads both
    from the index alone (no lookup per matching row) and a document's rows are one rowid range."""
    return document_id * KEY_SPAN + position


def _drop_document_rows(document_ids: Iterable[int]) -> None:
    db.session.execute(
        text(f"DELETE FROM {FTS_TABLE} WHERE rowid >= :low AND rowid < :high"),
        [{"low": fts_rowid(d, 0), "high": fts_rowid(d + 1, 0)} for d in set(document_ids)],
    )


def index_articles(articles: Iterable) -> None:
    """Rewrite the FTS rows of these articles' documents (all of each document's articles must be given);
    call within the same transaction as their changes."""
    if dialect() != "sqlite":
        return
    rows = [
        {"id": fts_rowid(a.document_id, a.position), "title": a.search_title, "heading": a.search_heading,
         "body": a.search_body}
        for a in articles
    ]
    if not rows:
        return
    # Always replace the documents' whole range: nothing from an earlier version (or from a deleted
    # document whose id SQLite has since reused) can linger.
    _drop_document_rows({a.document_id for a in articles})
    db.session.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, title, heading, body) VALUES (:id, :title, :heading, :body)"), rows
    )


def unindex_document(document_id: int) -> None:
    if dialect() == "sqlite":
        _drop_document_rows([document_id])
