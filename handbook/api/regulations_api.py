"""Regulations: list and search documents, read one with its structure — within the caller's scope."""
from __future__ import annotations

from flask import url_for
from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields, validate

from handbook.api.fields import FIELD_ERRORS, InputSchema, OutputSchema, page_field, per_page_field
from handbook.caller import current_access
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.web import json_error, require
from handbook.regulations import reading, service
from handbook.regulations.models import Document, DocumentKind, DocumentStatus
from handbook.regulations.search import EmptyQuery, Filters, search
from handbook.regulations.structure import split_clauses

blp = Blueprint("api_regulations", __name__, url_prefix="/api/v1", description="Văn bản, quy định")


class RegulationQuery(InputSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=200, error=_l("Tối đa {max} ký tự.")),
                      metadata={"description": "Từ khoá, có dấu hoặc không dấu (\"dang phi\")"})
    kind = fields.String(load_default=None, validate=validate.OneOf([k.value for k in DocumentKind],
                                                                    error=_l("Loại văn bản không hợp lệ.")))
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in DocumentStatus],
                                                                      error=_l("Tình trạng không hợp lệ.")))
    year = fields.Integer(load_default=None, validate=validate.Range(1900, 2200, error=_l("Năm không hợp lệ.")),
                          error_messages=FIELD_ERRORS)
    page = page_field()
    per_page = per_page_field(20, 100)


class RegulationBrief(OutputSchema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    number = fields.String()
    title = fields.String()
    issuer = fields.String()
    issue_date = fields.Date()
    effective_date = fields.Date(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    replaced_by_id = fields.Integer(allow_none=True)
    audience_org_id = fields.Integer(allow_none=True, metadata={"description": "null: toàn hệ thống"})
    is_sample = fields.Boolean()
    url = fields.String()


class RegulationMatch(OutputSchema):
    article_id = fields.Integer()
    label = fields.String()
    heading = fields.String()
    url = fields.String()
    snippet_html = fields.String(metadata={"description": "HTML đã thoát ký tự; chỉ có thẻ <mark>"})


class RegulationItem(RegulationBrief):
    match = fields.Nested(RegulationMatch, allow_none=True)


class RegulationPage(OutputSchema):
    items = fields.List(fields.Nested(RegulationItem))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class RegulationPoint(OutputSchema):
    letter = fields.String()
    text = fields.String()


class RegulationClause(OutputSchema):
    number = fields.String(allow_none=True, metadata={"description": "Số khoản; null: đoạn mở đầu của Điều"})
    text = fields.String()
    points = fields.List(fields.Nested(RegulationPoint))


class RegulationArticle(OutputSchema):
    id = fields.Integer()
    number = fields.Integer(allow_none=True)
    label = fields.String()
    heading = fields.String()
    url = fields.String()
    html = fields.String()
    clauses = fields.List(fields.Nested(RegulationClause))


class RegulationSection(OutputSchema):
    level = fields.String(metadata={"description": "phan, chuong, muc hoặc dieu"})
    label = fields.String()
    title = fields.String()
    article_id = fields.Integer(allow_none=True)
    children = fields.List(fields.Nested(lambda: RegulationSection()))


class RegulationAttachment(OutputSchema):
    id = fields.Integer()
    filename = fields.String()
    size = fields.Integer()
    url = fields.String()


class RegulationOut(RegulationBrief):
    preamble_html = fields.String()
    attachments = fields.List(fields.Nested(RegulationAttachment))
    structure = fields.List(fields.Nested(RegulationSection))
    articles = fields.List(fields.Nested(RegulationArticle))


def _brief(doc: Document) -> dict:
    return {
        "id": doc.id, "kind": doc.kind.value, "kind_label": str(service.KIND_LABELS[doc.kind]), "number": doc.number,
        "title": doc.title, "issuer": doc.issuer, "issue_date": doc.issue_date, "effective_date": doc.effective_date,
        "status": doc.status.value, "status_label": str(service.STATUS_LABELS[doc.status]),
        "replaced_by_id": doc.replaced_by_id, "audience_org_id": doc.audience_org_id, "is_sample": doc.is_sample,
        "url": url_for("regulations.document", document_id=doc.id),
    }


def _section(node) -> dict:
    if node.part is not None:
        return {"level": node.part.level.value, "label": node.part.label, "title": node.part.title,
                "article_id": None, "children": [_section(c) for c in node.children]}
    return {"level": "dieu", "label": node.article.label, "title": node.article.heading,
            "article_id": node.article.id, "children": []}


@blp.route("/regulations")
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(RegulationQuery, location="query")
@blp.response(200, RegulationPage)
@blp.alt_response(400, description="Từ khoá rỗng")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
def list_regulations(args):
    """Danh sách văn bản (mới nhất trước) hoặc kết quả tìm kiếm khi có `q`, trong phạm vi của người gọi."""
    filters = Filters(kind=DocumentKind(args["kind"]) if args["kind"] else None,
                      status=DocumentStatus(args["status"]) if args["status"] else None, year=args["year"])
    try:
        results = search(current_access(), args["q"], filters, page=args["page"], per_page=args["per_page"])
    except EmptyQuery as exc:
        return json_error(400, str(exc), code="empty_query")
    items = []
    for hit in results.items:
        match = None
        if hit.article is not None:
            match = {"article_id": hit.article.id, "label": hit.article.label, "heading": hit.article.heading,
                     "url": url_for("regulations.article", article_id=hit.article.id),
                     "snippet_html": str(hit.snippet_html)}
        items.append({**_brief(hit.document), "match": match})
    return {"items": items, "page": results.page, "per_page": results.per_page, "total": results.total}


@blp.route("/regulations/<int:document_id>")
@blp.response(200, RegulationOut)
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
@login_required
def get_regulation(document_id: int):
    """Một văn bản với cấu trúc (Phần/Chương/Mục/Điều), nội dung từng Điều (Khoản, Điểm) và tệp đính kèm."""
    doc = service.get_document(current_access(), document_id)
    require(doc is not None and doc.is_published)
    return {
        **_brief(doc),
        "preamble_html": doc.preamble_html,
        "attachments": [{"id": a.id, "filename": a.filename, "size": a.size,
                         "url": url_for("regulations.attachment", attachment_id=a.id)} for a in doc.attachments],
        "structure": [_section(n) for n in reading.table_of_contents(doc)],
        "articles": [
            {"id": a.id, "number": a.number, "label": a.label, "heading": a.heading, "html": a.body_html,
             "url": url_for("regulations.article", article_id=a.id),
             "clauses": [{"number": c.number, "text": c.text,
                          "points": [{"letter": p.letter, "text": p.text} for p in c.points]}
                         for c in split_clauses(a.body_markdown)]}
            for a in doc.articles
        ],
    }
