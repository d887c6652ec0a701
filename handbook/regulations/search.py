"""One search over documents: SQLite FTS5 (bm25) or PostgreSQL full text (ts_rank), same results.

Query words and indexed text are folded the same way (textfold), so "dang phi" finds "đảng phí". Ranking
weighs the document's title (kind, number, title) over the article's heading over its body; each document
appears once, with its best-matching article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy import and_, column, func, literal_column, select, table
from sqlalchemy.orm import defer
from sqlalchemy.sql.elements import ColumnElement

from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.org.access import Access, readable_audience_clause
from handbook.regulations.models import Article, Document, DocumentKind, DocumentStatus
from handbook.regulations.search_index import FTS_TABLE, KEY_SPAN, PG_TABLE, dialect
from handbook.regulations.service import RegulationError
from handbook.regulations.textfold import highlight, query_terms

_MARKUP_NOISE = re.compile(r"<[^>]*>|[*_#>`|]+")
_fts = table(FTS_TABLE, column("rowid"))
_pg = table(PG_TABLE, column("document_id"), column("position"), column("search_vector"))
# bm25 weights per FTS5 column: title, heading, body.
BM25 = (10.0, 4.0, 1.0)


# Large columns a result line never shows (the rendered article, the document's source and preamble).
_NOT_FOR_HITS = (defer(Article.body_html), defer(Article.search_title), defer(Article.search_heading),
                 defer(Article.search_body), defer(Document.source_markdown), defer(Document.preamble_html))


class EmptyQuery(RegulationError):
    pass


@dataclass
class Filters:
    kind: DocumentKind | None = None
    year: int | None = None
    status: DocumentStatus | None = None


@dataclass
class Hit:
    document: Document
    article: Article | None = None
    title_html: Markup = Markup("")
    heading_html: Markup = Markup("")
    snippet_html: Markup = Markup("")


@dataclass
class Results:
    items: list[Hit] = field(default_factory=list)
    page: int = 1
    per_page: int = 20
    total: int = 0
    terms: list[str] = field(default_factory=list)


def _filter_clauses(access: Access, filters: Filters) -> list[ColumnElement[bool]]:
    clauses = [Document.published_at.is_not(None), readable_audience_clause(access, Document.audience_org_id)]
    if filters.kind:
        clauses.append(Document.kind == filters.kind)
    if filters.status:
        clauses.append(Document.status == filters.status)
    if filters.year:
        clauses.append(and_(Document.issue_date >= date(filters.year, 1, 1),
                            Document.issue_date <= date(filters.year, 12, 31)))
    return clauses


def _scored_articles(terms: list[str]):
    """(document id, article position, score — lower is better) of the articles matching every term.

    Query words are [a-z0-9]+ only (textfold), so they can be quoted into FTS5 / tsquery syntax safely;
    the last word also matches as a prefix (typing "dang ph" already finds "đảng phí").
    """
    if dialect() == "postgresql":
        tsquery = func.to_tsquery("simple", " & ".join(terms[:-1] + [terms[-1] + ":*"]))
        return select(_pg.c.document_id, _pg.c.position, (-func.ts_rank(_pg.c.search_vector, tsquery)).label("score")
                      ).where(_pg.c.search_vector.op("@@")(tsquery))
    fts_query = " ".join([f'"{t}"' for t in terms[:-1]] + [f'"{terms[-1]}"*'])
    # The FTS5 table alone: document and position come out of the rowid (search_index.fts_rowid).
    return select(literal_column(f"{FTS_TABLE}.rowid / {KEY_SPAN}").label("document_id"),
                  literal_column(f"{FTS_TABLE}.rowid % {KEY_SPAN}").label("position"),
                  func.bm25(literal_column(FTS_TABLE), *BM25).label("score")).select_from(_fts).where(
        literal_column(FTS_TABLE).op("MATCH")(fts_query))


def _best_article_per_document(scored):
    """Each matching document once, with its best article. The scored rows are materialised first: FTS5's
    bm25() cannot run inside an aggregate, and ranking every match once is the expensive part."""
    if dialect() == "postgresql":
        from sqlalchemy.dialects.postgresql import distinct_on

        return select(scored.c.document_id, scored.c.position, scored.c.score).ext(
            distinct_on(scored.c.document_id)).order_by(scored.c.document_id, scored.c.score, scored.c.position
                                                        ).subquery()
    # SQLite: a bare column beside min() comes from the row holding the minimum (its documented behaviour).
    return select(scored.c.document_id, scored.c.position, func.min(scored.c.score).label("score")).group_by(
        scored.c.document_id).subquery()


def search(access: Access, query: str | None, filters: Filters | None = None, *, page: int = 1,
           per_page: int = 20) -> Results:
    """`query` None: browse (newest first). A query with no words raises EmptyQuery."""
    filters = filters or Filters()
    page = max(1, page)
    clauses = _filter_clauses(access, filters)
    if query is None:
        total = db.session.scalar(select(func.count(Document.id)).where(*clauses)) or 0
        docs = db.session.scalars(
            select(Document).where(*clauses).order_by(Document.issue_date.desc(), Document.id.desc())
            .limit(per_page).offset((page - 1) * per_page)
        )
        return Results([Hit(d, title_html=Markup.escape(d.title)) for d in docs], page, per_page, total)

    terms = query_terms(query)
    if not terms:
        raise EmptyQuery(_("Vui lòng nhập từ khoá tìm kiếm (ví dụ: “đảng phí” hoặc “quy định 339”)."))
    best = _best_article_per_document(_scored_articles(terms).cte("scored").prefix_with("MATERIALIZED"))
    matching = (
        select(best.c.document_id, best.c.score, Article.id.label("article_id"))
        .join(Document, Document.id == best.c.document_id)
        .join(Article, and_(Article.document_id == best.c.document_id, Article.position == best.c.position))
        .where(*clauses)
    )
    rows = db.session.execute(
        matching.add_columns(func.count().over().label("total"))
        .order_by(best.c.score, best.c.document_id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    if not rows:
        total = 0 if page == 1 else db.session.scalar(select(func.count()).select_from(matching.subquery())) or 0
        return Results([], page, per_page, total, terms)
    total = rows[0].total
    ids = [row.article_id for row in rows]
    loaded = {article.id: (article, document) for article, document in db.session.execute(
        select(Article, Document).join(Document, Document.id == Article.document_id).where(Article.id.in_(ids))
        .options(*_NOT_FOR_HITS))}
    # An index row outliving its article (deleted behind the service's back) is skipped, never a 500.
    items = [_hit(loaded[i][1], loaded[i][0], terms) for i in ids if i in loaded]
    return Results(items, page, per_page, total, terms)


def _hit(document: Document, article: Article, terms: list[str]) -> Hit:
    body = _MARKUP_NOISE.sub(" ", article.body_markdown)
    heading = f"{article.label}. {article.heading}" if article.heading else article.label
    return Hit(
        document,
        article,
        title_html=highlight(document.title, terms, width=300),
        heading_html=highlight(heading, terms, width=300),
        snippet_html=highlight(body, terms),
    )


def years(access: Access) -> list[int]:
    """Years in which readable documents were issued, newest first (for the filter)."""
    dates = db.session.scalars(
        select(Document.issue_date).where(*_filter_clauses(access, Filters())).distinct()
    )
    return sorted({d.year for d in dates}, reverse=True)
