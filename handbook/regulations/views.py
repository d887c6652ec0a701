"""Readers' pages of the regulations library: search, documents, articles, bookmarks, text size."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from handbook.caller import current_access
from handbook.core.i18n import gettext as _
from handbook.core.web import require
from handbook.extensions import db
from handbook.org.access import can_publish_any
from handbook.regulations import files, reading, service
from handbook.regulations.blueprints import reader_bp
from handbook.regulations.forms import BookmarkForm, PublishForm, StatusForm, TextSizeForm
from handbook.regulations.models import Attachment, DocumentKind, DocumentStatus
from handbook.regulations.pages import replacement_choices
from handbook.regulations.search import EmptyQuery, Filters, search, years


def _enum(enum_cls, value):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def _filters() -> Filters:
    year = request.args.get("year", "")
    return Filters(
        kind=_enum(DocumentKind, request.args.get("kind")),
        status=_enum(DocumentStatus, request.args.get("status")),
        year=int(year) if year.isdigit() and 1900 < int(year) < 2200 else None,
    )


def _cacheable(html: str):
    """Stable URLs, revalidated each time: the service worker keeps its own copy (cache regulations-v1)."""
    response = make_response(html)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


@reader_bp.get("")
@login_required
def index():
    """Browse (newest first) or, with ?q=, search; filters by kind, year and status."""
    access = current_access()
    query, filters = request.args.get("q"), _filters()
    query = query[:200] if query is not None else None  # the field allows 200 characters
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    error = None
    try:
        results = search(access, query, filters, page=page)
    except EmptyQuery as exc:
        error, query = str(exc), None
        results = search(access, None, filters, page=page)
    return render_template(
        "regulations/index.html", results=results, query=query, error=error, filters=filters,
        years=years(access), kind_labels=service.KIND_LABELS, status_labels=service.STATUS_LABELS,
        can_publish=can_publish_any(access),
    )


@reader_bp.get("/<int:document_id>")
@login_required
def document(document_id: int):
    access = current_access()
    doc = service.get_document(access, document_id)
    require(doc is not None)
    publisher = service.can_manage(access, doc)
    publish_form = status_form = None
    if publisher:
        publish_form = PublishForm()
        publish_form.replaces.choices = replacement_choices(doc)
        status_form = StatusForm(status=doc.status.value, replaced_by=doc.replaced_by_id or 0)
        status_form.replaced_by.choices = replacement_choices(doc)
    html = render_template(
        "regulations/document.html", doc=doc, contents=reading.table_of_contents(doc), publisher=publisher,
        publish_form=publish_form, status_form=status_form, kind_labels=service.KIND_LABELS,
        status_labels=service.STATUS_LABELS, sample_notice=service.SAMPLE_NOTICE,
    )
    return _cacheable(html)


@reader_bp.get("/articles/<int:article_id>")
@login_required
def article(article_id: int):
    access = current_access()
    item = service.get_article(access, article_id)
    require(item is not None)
    previous, following = reading.neighbours(item)
    state = reading.reader_state(current_user.id, item.id)
    html = render_template(
        "regulations/article.html", article=item, doc=item.document, previous=previous, following=following,
        saved=state.saved, text_size=reading.text_size(request.cookies.get(
            reading.TEXT_SIZE_COOKIE)), kind_labels=service.KIND_LABELS, status_labels=service.STATUS_LABELS,
        sample_notice=service.SAMPLE_NOTICE,
    )
    if item.document.is_published:  # once the page is rendered: the commit expires what the page used
        reading.record_read(current_user.id, item.id, state)
    return _cacheable(html)


@reader_bp.post("/articles/<int:article_id>/bookmark")
@login_required
def bookmark(article_id: int):
    item = service.get_article(current_access(), article_id)
    require(item is not None and item.document.is_published)
    form = BookmarkForm()
    require(form.validate_on_submit(), 400)
    saved = form.saved.data != "0"
    reading.set_bookmark(current_user.id, item, saved)
    flash(_("Đã lưu %(label)s.", label=item.label) if saved else _("Đã bỏ lưu %(label)s.", label=item.label),
          "success")
    return redirect(url_for(".article", article_id=item.id))


@reader_bp.get("/saved")
@login_required
def saved():
    access = current_access()
    return render_template(
        "regulations/saved.html", bookmarks=reading.bookmarks(access, current_user.id),
        recent=reading.recently_read(access, current_user.id),
    )


@reader_bp.post("/text-size")
@login_required
def text_size():
    form = TextSizeForm()
    require(form.validate_on_submit(), 400)
    target = form.next.data or ""
    if not target.startswith("/regulations") or target.startswith("//"):
        target = url_for(".index")
    response = redirect(target)
    response.set_cookie(reading.TEXT_SIZE_COOKIE, reading.text_size(request.form.get("size")),
                        max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@reader_bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    item = db.session.get(Attachment, attachment_id)
    require(item is not None and service.can_read(current_access(), item.document))
    return send_file(files.attachment_path(item), mimetype=item.content_type, as_attachment=True,
                     download_name=item.filename, max_age=0)
