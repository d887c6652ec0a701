"""Publishing and reading documents. Plain functions: no `request`; access comes in as an `Access`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.org.access import (
    Access,
    can_manage_document,
    can_publish_for,
    can_read_audience,
    document_owner,
    managed_orgs_clause,
    readable_audience_clause,
)
from handbook.org.models import Organisation
from handbook.regulations import files
from handbook.regulations.models import Article, Document, DocumentKind, DocumentPart, DocumentStatus
from handbook.regulations.render import markdown_to_html, render_article
from handbook.regulations.search_index import index_articles
from handbook.regulations.structure import parse_structure
from handbook.regulations.textfold import search_text

KIND_LABELS = {
    DocumentKind.DIEU_LE: _l("Điều lệ"),
    DocumentKind.QUY_DINH: _l("Quy định"),
    DocumentKind.HUONG_DAN: _l("Hướng dẫn"),
    DocumentKind.CHI_THI: _l("Chỉ thị"),
    DocumentKind.NGHI_QUYET: _l("Nghị quyết"),
    DocumentKind.KET_LUAN: _l("Kết luận"),
    DocumentKind.QUYET_DINH: _l("Quyết định"),
    DocumentKind.KE_HOACH: _l("Kế hoạch"),
    DocumentKind.THONG_BAO: _l("Thông báo"),
    DocumentKind.KHAC: _l("Văn bản khác"),
}
STATUS_LABELS = {
    DocumentStatus.IN_FORCE: _l("Còn hiệu lực"),
    DocumentStatus.AMENDED: _l("Đã được sửa đổi, bổ sung"),
    DocumentStatus.SUPERSEDED: _l("Hết hiệu lực (đã được thay thế)"),
}
SAMPLE_NOTICE = _l("Văn bản mẫu để trình diễn — không phải văn bản chính thức")


class RegulationError(ValueError):
    """Refused input, with a Vietnamese message for the user."""


@dataclass
class DocumentInput:
    kind: DocumentKind
    number: str
    title: str
    issuer: str
    issue_date: date
    effective_date: date | None = None
    audience_org_id: int | None = None
    body: str = ""
    is_sample: bool = False
    status: DocumentStatus = DocumentStatus.IN_FORCE


@dataclass
class Draft:
    document: Document
    warnings: list[str] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------

def readable_documents(access: Access) -> Select:
    """Published documents addressed to the caller's organisations (or to everyone)."""
    return select(Document).where(
        Document.published_at.is_not(None), readable_audience_clause(access, Document.audience_org_id)
    )


def can_read(access: Access, document: Document) -> bool:
    if not document.is_published:
        return can_manage(access, document)  # a draft: those who may publish it only
    return can_read_audience(access, document.audience)


def can_manage(access: Access, document: Document) -> bool:
    """Publish, change the status of, discard: those who manage the organisation owning the document."""
    return can_manage_document(access, document.owner)


def _actor(access: Access, actor: Actor | None) -> Actor:
    return actor if actor is not None else Actor(user_id=access.user_id)


def get_document(access: Access, document_id: int) -> Document | None:
    document = db.session.get(Document, document_id)
    return document if document is not None and can_read(access, document) else None


# the reader's article with its document and part (the access check and the breadcrumb): one query, built once
# (benchmarks/load.py)
_ARTICLE = select(Article).options(joinedload(Article.document), joinedload(Article.part)).where(
    Article.id == bindparam("article_id"))


def get_article(access: Access, article_id: int) -> Article | None:
    article = db.session.scalar(_ARTICLE, {"article_id": article_id})
    return article if article is not None and can_read(access, article.document) else None


def publishable_orgs(access: Access) -> list[Organisation]:
    """Organisations the caller may address a document to, top of the tree first."""
    return list(
        db.session.scalars(
            select(Organisation).where(managed_orgs_clause(access)).order_by(Organisation.depth, Organisation.name)
        )
    )


def replaceable_documents(access: Access, exclude_id: int | None = None) -> list[Document]:
    """Published documents still in force that the caller manages (so may declare replaced)."""
    query = readable_documents(access).where(Document.status != DocumentStatus.SUPERSEDED)
    if exclude_id:
        query = query.where(Document.id != exclude_id)
    docs = db.session.scalars(query.order_by(Document.issue_date.desc()).limit(200))
    return [d for d in docs if can_manage(access, d)]


# --- writing ---------------------------------------------------------------------------------

def _validate(access: Access, data: DocumentInput) -> Organisation | None:
    audience = db.session.get(Organisation, data.audience_org_id) if data.audience_org_id else None
    if data.audience_org_id and audience is None:
        raise RegulationError(_("Tổ chức nhận văn bản không tồn tại."))
    if not can_publish_for(access, audience):
        raise PermissionError(_("Đồng chí không có quyền ban hành văn bản cho tổ chức này."))
    if data.effective_date and data.effective_date < data.issue_date:
        raise RegulationError(_("Ngày có hiệu lực không được trước ngày ban hành."))
    if not data.body.strip():
        raise RegulationError(_("Văn bản chưa có nội dung: hãy soạn nội dung hoặc chọn tệp để nhập."))
    return audience


def build_document(data: DocumentInput, created_by_id: int | None = None) -> Draft:
    """A new Document with its parts and articles from `data.body` (added to the session, not committed).
    It belongs to its audience unless the caller says otherwise (`create_draft` does)."""
    parsed = parse_structure(data.body)
    document = Document(
        kind=data.kind, number=data.number.strip(), title=data.title.strip(), issuer=data.issuer.strip(),
        issue_date=data.issue_date, effective_date=data.effective_date, status=data.status,
        audience_org_id=data.audience_org_id, owner_org_id=data.audience_org_id, source_markdown=data.body,
        is_sample=data.is_sample,
        preamble_html=markdown_to_html(parsed.preamble), created_by_id=created_by_id,
    )
    parts = [DocumentPart(level=p.level, label=p.label[:60], title=p.title[:300], position=p.position)
             for p in parsed.parts]
    document.parts.extend(parts)
    for a in parsed.articles:
        article = Article(position=a.position, number=a.number, label=a.label[:60], heading=a.heading[:300],
                          body_markdown=a.body, body_html=render_article(a.body))
        article.part = parts[a.part] if a.part is not None else None
        document.articles.append(article)
    db.session.add(document)
    db.session.flush()
    for part, parsed_part in zip(parts, parsed.parts, strict=True):
        if parsed_part.parent is not None:
            part.parent_id = parts[parsed_part.parent].id
    refresh_search_text(document)
    return Draft(document, list(parsed.warnings))


def refresh_search_text(document: Document) -> None:
    """Recompute the folded search columns of every article and rewrite the index rows."""
    title = search_text(f"{KIND_LABELS[document.kind]} {document.number} {document.title} {document.issuer}")
    for article in document.articles:
        article.search_title = title
        article.search_heading = search_text(f"{article.label} {article.heading}")
        article.search_body = search_text(article.body_markdown)
    db.session.flush()
    index_articles(document.articles)


def create_draft(access: Access, user_id: int | None, data: DocumentInput, *,
                 source: files.Upload | None = None, attachment: files.Upload | None = None,
                 actor: Actor | None = None) -> Draft:
    """Save a draft to preview (one transaction). A source file's text replaces `data.body`. The draft belongs
    to the highest organisation where the author holds a position over its audience (`document_owner`)."""
    stored: list = []
    try:
        if source is not None:
            data.body = files.source_text(source)
        audience = _validate(access, data)
        draft = build_document(data, created_by_id=user_id)
        draft.document.owner_org_id = document_owner(access, audience)
        if source is not None and source.extension == ".docx":
            stored.append(files.add_attachment(draft.document, source))
        if attachment is not None:
            stored.append(files.add_attachment(draft.document, attachment))
        audit.record("regulation.create", _actor(access, actor), target_type="regulation", target_id=draft.document.id,
                     organisation_id=draft.document.owner_org_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        for written in stored:  # no file stays without its row (e.g. the second one hit a full disk)
            files.remove_stored(written)
        raise
    return draft


def _status_changed(actor: Actor, document: Document, old: DocumentStatus, new: DocumentStatus, **details) -> None:
    audit.record("regulation.status", actor, target_type="regulation", target_id=document.id,
                 organisation_id=document.owner_org_id, old_status=old.value, new_status=new.value, **details)


def publish(access: Access, document: Document, replaces: Document | None = None,
            actor: Actor | None = None) -> Document:
    """Publish a draft (one transaction, audited), mark what it replaces, then announce it to its audience."""
    actor = _actor(access, actor)
    if not can_manage(access, document):
        raise PermissionError(_("Đồng chí không có quyền ban hành văn bản cho tổ chức này."))
    if document.is_published:
        raise RegulationError(_("Văn bản này đã được ban hành."))
    if replaces is not None:
        allowed = replaces.is_published and can_manage(access, replaces)
        if replaces.id == document.id or not allowed:
            raise RegulationError(_("Không thể đánh dấu văn bản này là bị thay thế."))
        if replaces.status is not DocumentStatus.SUPERSEDED:
            _status_changed(actor, replaces, replaces.status, DocumentStatus.SUPERSEDED, other_id=document.id)
        replaces.status = DocumentStatus.SUPERSEDED
        replaces.replaced_by_id = document.id
        replaces.updated_at = utcnow()
    document.published_at = document.updated_at = utcnow()
    replaced = {"other_id": replaces.id} if replaces is not None else {}
    audit.record("regulation.publish", actor, target_type="regulation", target_id=document.id,
                 organisation_id=document.owner_org_id, **replaced)
    db.session.commit()
    announce_publication(document)
    return document


def set_status(access: Access, document: Document, status: DocumentStatus, replaced_by: Document | None,
               actor: Actor | None = None) -> None:
    """Change a published document's status (one transaction, audited from → to)."""
    if not can_manage(access, document):
        raise PermissionError(_("Đồng chí không có quyền sửa văn bản này."))
    if status is DocumentStatus.SUPERSEDED and replaced_by is None:
        raise RegulationError(_("Hãy chọn văn bản thay thế."))
    if replaced_by is not None and replaced_by.id == document.id:
        raise RegulationError(_("Văn bản không thể thay thế chính nó."))
    old, old_replacement = document.status, document.replaced_by_id
    document.status = status
    document.replaced_by_id = replaced_by.id if status is DocumentStatus.SUPERSEDED else None
    document.updated_at = utcnow()
    if (old, old_replacement) != (status, document.replaced_by_id):
        replacement = {"other_id": document.replaced_by_id} if document.replaced_by_id else {}
        _status_changed(_actor(access, actor), document, old, status, **replacement)
    db.session.commit()


def discard_draft(access: Access, document: Document, actor: Actor | None = None) -> None:
    from handbook.regulations.search_index import unindex_document

    if document.is_published or not can_manage(access, document):
        raise PermissionError(_("Không thể xoá văn bản này."))
    audit.record("regulation.discard", _actor(access, actor), target_type="regulation", target_id=document.id,
                 organisation_id=document.owner_org_id)
    unindex_document(document.id)
    db.session.delete(document)
    db.session.commit()


def announce_publication(document: Document) -> None:
    """HOOK for the notification outbox (a later issue): tell the audience a document was published.

    Called once, after the publishing transaction commits. The outbox should put one in-app notice per
    member of `document.audience_org_id`'s subtree (everyone when None), keyed by ("regulation", id) so
    that calling this twice makes one notice; title = kind + number, url = /regulations/<id>.
    Until then it only logs.
    """
    current_app.logger.info(
        "Regulation %s (%s) published for audience %s", document.id, document.number, document.audience_org_id
    )
