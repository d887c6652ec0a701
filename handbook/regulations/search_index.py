"""The full-text index behind search: an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL.

Both are created by migration 0003_regulations, outside the models' metadata. On SQLite the service keeps
the FTS5 table in step with regulation_articles (rowid = article id) through `index_articles` /
`unindex_articles`; on PostgreSQL `search_vector` is a stored generated column of the folded text columns
(to_tsvector('simple', …), weighted A/B/C), so it follows the table by itself.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text

from handbook.extensions import db

FTS_TABLE = "regulation_fts"
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


def index_articles(articles: Iterable) -> None:
    """Write (or rewrite) the FTS rows of these articles; call within the same transaction as their changes."""
    if dialect() != "sqlite":
        return
    rows = [
        {"id": a.id, "title": a.search_title, "heading": a.search_heading, "body": a.search_body,
         "document_id": a.document_id}
        for a in articles
    ]
    if not rows:
        return
    # Ids can be reused after deletes on SQLite: always replace, never merely add — rows left behind
    # under these article ids or these documents' ids (by a delete that bypassed the service) go too.
    db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), [{"id": r["id"]} for r in rows])
    db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE document_id = :d"),
                       [{"d": d} for d in {r["document_id"] for r in rows}])
    db.session.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, title, heading, body, document_id) "
             "VALUES (:id, :title, :heading, :body, :document_id)"),
        rows,
    )


def unindex_articles(article_ids: Iterable[int]) -> None:
    ids = [{"id": i} for i in article_ids]
    if ids and dialect() == "sqlite":
        db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), ids)
