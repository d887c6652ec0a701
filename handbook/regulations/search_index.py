"""The full-text index behind search: an FTS5 table on SQLite, a GIN expression index on PostgreSQL.

Both are created by migration 0003_regulations. On SQLite the service keeps the FTS5 table in step with
regulation_articles (rowid = article id) through `index_articles` / `unindex_articles`; on PostgreSQL the
index follows the table by itself.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text

from handbook.extensions import db

FTS_TABLE = "regulation_fts"
PG_INDEX = "ix_regulation_articles_fts"
# Must stay the exact expression of ix_regulation_articles_fts, or PostgreSQL will not use the index.
PG_VECTOR = (
    "setweight(to_tsvector('simple', search_title), 'A') || "
    "setweight(to_tsvector('simple', search_heading), 'B') || "
    "setweight(to_tsvector('simple', search_body), 'C')"
)


def is_search_index_table(name: str) -> bool:
    """The FTS5 table and its shadow tables: not in the models' metadata, owned by the migration."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: autogenerate and the migration test leave the FTS5 tables and the GIN index alone."""
    if type_ == "table" and is_search_index_table(name):
        return False
    return not (type_ == "index" and name == PG_INDEX)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def index_articles(articles: Iterable) -> None:
    """Write (or rewrite) the FTS rows of these articles; call within the same transaction as their changes."""
    if dialect() != "sqlite":
        return
    rows = [
        {"id": a.id, "title": a.search_title, "heading": a.search_heading, "body": a.search_body} for a in articles
    ]
    if not rows:
        return
    # Ids can be reused after deletes on SQLite: always replace, never merely add.
    db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), [{"id": r["id"]} for r in rows])
    db.session.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, title, heading, body) VALUES (:id, :title, :heading, :body)"), rows
    )


def unindex_articles(article_ids: Iterable[int]) -> None:
    ids = [{"id": i} for i in article_ids]
    if ids and dialect() == "sqlite":
        db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), ids)
