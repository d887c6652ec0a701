"""Committee staff's pages: write or import a document, preview it as a draft, publish, change its status."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.storage import StorageError
from handbook.core.web import require
from handbook.org.access import can_publish_any
from handbook.regulations import files, service
from handbook.regulations.blueprints import manage_bp
from handbook.regulations.forms import DocumentForm, PublishForm, StatusForm
from handbook.regulations.models import Document, DocumentKind, DocumentStatus
from handbook.regulations.pages import replacement_choices


def _audience_choices(access):
    choices = [(0, _("Toàn hệ thống"))] if access.is_admin else []
    return choices + [(o.id, o.name) for o in service.publishable_orgs(access)]


@manage_bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    access = current_access()
    require(can_publish_any(access), 403)
    form = DocumentForm(audience_choices=_audience_choices(access))
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                source = files.read_upload(form.source.data.filename if form.source.data else None,
                                           form.source.data.stream if form.source.data else None)
                attachment = files.read_upload(form.attachment.data.filename if form.attachment.data else None,
                                               form.attachment.data.stream if form.attachment.data else None)
                if attachment is not None:
                    files.check_attachment(attachment)
                data = service.DocumentInput(
                    kind=DocumentKind(form.kind.data), number=form.number.data, title=form.title.data,
                    issuer=form.issuer.data, issue_date=form.issue_date.data,
                    effective_date=form.effective_date.data, audience_org_id=form.audience.data or None,
                    body=form.body.data or "",
                )
                draft = service.create_draft(access, current_user.id, data, source=source, attachment=attachment,
                                             actor=current_actor())
            except PermissionError as exc:
                form.form_errors.append(str(exc))
                status = 403
            except (files.UploadError, service.RegulationError) as exc:
                form.form_errors.append(str(exc))
                status = 400
            except StorageError as exc:  # a full disk: the form says so, nothing was kept
                form.form_errors.append(str(exc))
                status = exc.status
            else:
                for warning in draft.warnings:
                    flash(warning, "error")
                flash(_("Đã lưu bản nháp. Kiểm tra bản xem trước rồi bấm “Ban hành”."), "success")
                return redirect(url_for("regulations.document", document_id=draft.document.id))
        else:
            status = 400
    return render_template("regulations/new.html", form=form), status


def _draft_or_404(document_id: int) -> Document:
    """The document if the caller may read it (404 otherwise) and manage it: those who manage its owner (403)."""
    doc = service.get_document(current_access(), document_id)
    require(doc is not None)
    require(service.can_manage(current_access(), doc), 403)
    return doc


def _other(document_id: int) -> Document | None:
    return service.get_document(current_access(), document_id) if document_id else None


@manage_bp.post("/<int:document_id>/publish")
@login_required
def publish(document_id: int):
    doc = _draft_or_404(document_id)
    form = PublishForm()
    form.replaces.choices = replacement_choices(doc)
    if not form.validate_on_submit():
        flash(_("Không ban hành được: lựa chọn văn bản bị thay thế không hợp lệ."), "error")
        return redirect(url_for("regulations.document", document_id=doc.id))
    try:
        service.publish(current_access(), doc, replaces=_other(form.replaces.data), actor=current_actor())
    except service.RegulationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã ban hành văn bản %(number)s.", number=doc.number), "success")
    return redirect(url_for("regulations.document", document_id=doc.id))


@manage_bp.post("/<int:document_id>/status")
@login_required
def change_status(document_id: int):
    doc = _draft_or_404(document_id)
    form = StatusForm()
    form.replaced_by.choices = replacement_choices(doc)
    if not form.validate_on_submit():
        flash(_("Tình trạng hoặc văn bản thay thế không hợp lệ."), "error")
        return redirect(url_for("regulations.document", document_id=doc.id))
    try:
        service.set_status(current_access(), doc, DocumentStatus(form.status.data), _other(form.replaced_by.data),
                           actor=current_actor())
    except service.RegulationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Đã cập nhật tình trạng văn bản."), "success")
    return redirect(url_for("regulations.document", document_id=doc.id))


@manage_bp.post("/<int:document_id>/discard")
@login_required
def discard(document_id: int):
    doc = _draft_or_404(document_id)
    require(not doc.is_published, 400)
    require(EmptyForm().validate_on_submit(), 400)
    service.discard_draft(current_access(), doc, actor=current_actor())
    flash(_("Đã xoá bản nháp."), "success")
    return redirect(url_for("regulations.index"))
