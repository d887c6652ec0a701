"""Reading helpers: table of contents, previous/next article, bookmarks ("Lưu") and recently read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from handbook.core.rows import column_rows
from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.org.access import Access
from handbook.regulations.models import Article, Bookmark, Document, DocumentPart, ReadMark
from handbook.regulations.service import readable_documents

RECENT_LIMIT = 10
TEXT_SIZES = ("s", "m", "l", "xl")  # the reader's text-size setting, kept in a cookie
TEXT_SIZE_COOKIE = "reg_text"
READ_TOUCH_EVERY = timedelta(minutes=1)  # re-opening the article read last moves its time at most this often


@dataclass
class TocNode:
    part: DocumentPart | None = None
    article: Article | None = None
    children: list[TocNode] = field(default_factory=list)


def table_of_contents(document: Document) -> list[TocNode]:
    """Parts nested by parent, articles under their innermost part, all in document order."""
    nodes = {p.id: TocNode(part=p) for p in document.parts}
    roots: list[TocNode] = []
    for part in document.parts:
        (nodes[part.parent_id].children if part.parent_id in nodes else roots).append(nodes[part.id])
    for article in document.articles:
        (nodes[article.part_id].children if article.part_id in nodes else roots).append(TocNode(article=article))
    for node in nodes.values():
        node.children.sort(key=_position)
    return sorted(roots, key=_position)


def _position(node: TocNode) -> int:
    return node.part.position if node.part else node.article.position


class ArticleLink(NamedTuple):
    id: int
    label: str


# the reader's ← and → links: the nearest article on each side, in one query (loading the whole document's
# articles, bodies and all, for them cost more than the rest of the page); built once, a request binds the values
# (benchmarks/load.py, as the two lookups below)
_DOC, _POS = bindparam("document_id"), bindparam("position")
_NEIGHBOURS = select(Article.id, Article.label, Article.position).where(
    Article.document_id == _DOC,
    Article.position.in_([
        select(func.max(Article.position)).where(Article.document_id == _DOC, Article.position < _POS)
        .scalar_subquery(),
        select(func.min(Article.position)).where(Article.document_id == _DOC, Article.position > _POS)
        .scalar_subquery(),
    ]))


def neighbours(article: Article) -> tuple[ArticleLink | None, ArticleLink | None]:
    """The articles before and after this one in its document."""
    rows = column_rows(_NEIGHBOURS, {"document_id": article.document_id, "position": article.position}).all()
    before = next((ArticleLink(r.id, r.label) for r in rows if r.position < article.position), None)
    after = next((ArticleLink(r.id, r.label) for r in rows if r.position > article.position), None)
    return before, after


_BOOKMARK = select(Bookmark.id).where(Bookmark.user_id == bindparam("user_id"),
                                     Bookmark.article_id == bindparam("article_id"))


def is_bookmarked(user_id: int, article_id: int) -> bool:
    return column_rows(_BOOKMARK, {"user_id": user_id, "article_id": article_id}).first() is not None


def set_bookmark(user_id: int, article: Article, saved: bool) -> None:
    """Save or unsave (idempotent, one transaction)."""
    if saved and not is_bookmarked(user_id, article.id):
        db.session.add(Bookmark(user_id=user_id, article_id=article.id))
    elif not saved:
        db.session.execute(delete(Bookmark).where(Bookmark.user_id == user_id, Bookmark.article_id == article.id))
    db.session.commit()


def _readable_articles(access: Access):
    return select(Article.id).join(Document).where(
        Document.id.in_(readable_documents(access).with_only_columns(Document.id))
    )


def bookmarks(access: Access, user_id: int) -> list[Bookmark]:
    """The user's saved articles still readable to them (an audience may have changed), newest first."""
    return list(db.session.scalars(
        select(Bookmark).where(Bookmark.user_id == user_id, Bookmark.article_id.in_(_readable_articles(access)))
        .order_by(Bookmark.created_at.desc(), Bookmark.id.desc())
    ))


class ReaderState(NamedTuple):
    """What the reader needs to know of the member and the article before showing it (one lookup)."""

    saved: bool
    read_at: datetime | None  # when the member last opened this article
    latest: datetime | None  # when they last opened any article


_READER_STATE = select(
    _BOOKMARK.exists().label("saved"),
    select(ReadMark.read_at).where(ReadMark.user_id == bindparam("user_id"),
                                   ReadMark.article_id == bindparam("article_id")).scalar_subquery().label("read_at"),
    select(func.max(ReadMark.read_at)).where(ReadMark.user_id == bindparam("user_id"))
    .scalar_subquery().label("latest"),
)


def reader_state(user_id: int, article_id: int) -> ReaderState:
    row = column_rows(_READER_STATE, {"user_id": user_id, "article_id": article_id}).one()
    return ReaderState(bool(row.saved), row.read_at, row.latest)


def record_read(user_id: int, article_id: int, state: ReaderState | None = None, now: datetime | None = None) -> None:
    """Remember when the user last opened the article: one UPDATE, an INSERT the first time. Given the reader's
    `state`, nothing is written when the article already heads their recently-read list and was opened within
    READ_TOUCH_EVERY (going back and forth in one article; the list shows minutes)."""
    now = now or utcnow()
    if (state is not None and state.read_at is not None and state.read_at == state.latest
            and as_utc(state.read_at) + READ_TOUCH_EVERY > now):
        return
    done = db.session.execute(
        update(ReadMark).where(ReadMark.user_id == user_id, ReadMark.article_id == article_id)
        .values(read_at=now).execution_options(synchronize_session=False)).rowcount
    if not done:
        db.session.add(ReadMark(user_id=user_id, article_id=article_id, read_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # the same member's other tab recorded its first read at this very moment
        db.session.rollback()


def recently_read(access: Access, user_id: int, limit: int = RECENT_LIMIT) -> list[ReadMark]:
    return list(db.session.scalars(
        select(ReadMark).where(ReadMark.user_id == user_id, ReadMark.article_id.in_(_readable_articles(access)))
        .order_by(ReadMark.read_at.desc(), ReadMark.id.desc()).limit(limit)
    ))


def text_size(value: str | None) -> str:
    return value if value in TEXT_SIZES else "m"
