"""The full-text index behind search: an FTS5 table on SQLite, a narrow tsvector table on PostgreSQL.

Both live outside the models' metadata (migrations 0004_regulations and 0008_search_table) and hold one
row per article, which the service keeps in step with regulation_articles through `index_articles` /
`unindex_document` in the same transaction. SQLite: rowid = document id × KEY_SPAN + position. PostgreSQL:
(document_id, position, search_vector) with a GIN index, the vector weighted A/B/C from the folded
title/heading/body (to_tsvector('simple', …)); narrow rows keep ranking a broad query cheap.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text

from handbook.extensions import db

FTS_TABLE = "regulation_fts"
KEY_SPAN = 1_000_000  # positions within a document stay below this
PG_TABLE = "regulation_search"
# The vector of an article, computed from regulation_articles' folded columns (see migration 0008).
PG_VECTOR = (
    "setweight(to_tsvector('simple', search_title), 'A') || "
    "setweight(to_tsvector('simple', search_heading), 'B') || "
    "setweight(to_tsvector('simple', search_body), 'C')"
)


def is_search_index_table(name: str) -> bool:
    """The FTS5 table with its shadow tables, and the PostgreSQL vector table: owned by the migrations."""
    return name in (FTS_TABLE, PG_TABLE) or name.startswith(FTS_TABLE + "_")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: autogenerate and the migration test leave the search index tables alone."""
    if type_ == "table" and is_search_index_table(name):
        return False
    return not (type_ == "index" and getattr(getattr(obj, "table", None), "name", None) in (FTS_TABLE, PG_TABLE))


def dialect() -> str:
    return db.session.get_bind().dialect.name


def fts_rowid(document_id: int, position: int) -> int:
    """The FTS5 row of an article: its document and position packed into the rowid, so search reads both
    from the index alone (no lookup per matching row) and a document's rows are one rowid range."""
    return document_id * KEY_SPAN + position


def _drop_document_rows(document_ids: Iterable[int]) -> None:
    if dialect() == "postgresql":
        db.session.execute(text(f"DELETE FROM {PG_TABLE} WHERE document_id = ANY(:ids)"),
                           {"ids": sorted(set(document_ids))})
        return
    db.session.execute(
        text(f"DELETE FROM {FTS_TABLE} WHERE rowid >= :low AND rowid < :high"),
        [{"low": fts_rowid(d, 0), "high": fts_rowid(d + 1, 0)} for d in set(document_ids)],
    )


def index_articles(articles: Iterable) -> None:
    """Rewrite the FTS rows of these articles' documents (all of each document's articles must be given);
    call within the same transaction as their changes."""
    articles = list(articles)
    if not articles:
        return
    if dialect() == "postgresql":
        ids = sorted({a.document_id for a in articles})
        _drop_document_rows(ids)
        db.session.execute(text(
            f"INSERT INTO {PG_TABLE} (document_id, position, search_vector) "
            f"SELECT document_id, position, {PG_VECTOR} FROM regulation_articles WHERE document_id = ANY(:ids)"
        ), {"ids": ids})
        return
    rows = [  # SQLite: the folded text itself goes into the FTS5 table
        {"id": fts_rowid(a.document_id, a.position), "title": a.search_title, "heading": a.search_heading,
         "body": a.search_body}
        for a in articles
    ]
    # Always replace the documents' whole range: nothing from an earlier version (or from a deleted
    # document whose id SQLite has since reused) can linger.
    _drop_document_rows({a.document_id for a in articles})
    db.session.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, title, heading, body) VALUES (:id, :title, :heading, :body)"), rows
    )


def unindex_document(document_id: int) -> None:
    _drop_document_rows([document_id])
