"""Import from Excel (preview, then confirm), the template, the rejected rows, export and the printable list."""
from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handbook.audit import service as audit
from handbook.auth import throttle
from handbook.caller import current_access, current_actor, organisation_in_scope
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_datetime
from handbook.core.web import error_response, require
from handbook.extensions import db
from handbook.members import export, import_previews, importer, sheets
from handbook.members.blueprints import manage_bp
from handbook.members.labels import GENDER_LABELS, STATUS_LABELS
from handbook.org.access import managed_orgs_clause
from handbook.org.models import CELL_KINDS, Organisation

IMPORT_MAX_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN_CHARS = set("0123456789abcdef")


def _managed_org(org_id: int | None, *, cell: bool = False) -> Organisation:
    org = organisation_in_scope(org_id, manage=True)
    if cell and org.kind not in CELL_KINDS:
        abort(400, _("Chỉ nhập được vào một chi bộ."))
    return org


def _cells_to_choose() -> list[Organisation]:
    access = current_access()
    if not access.is_leader:
        return []
    return list(db.session.scalars(
        select(Organisation).where(managed_orgs_clause(access), Organisation.kind.in_(CELL_KINDS))
        .order_by(Organisation.name).limit(500)
    ))


def _file(token: str, suffix: str = "") -> Path:
    """Where a preview's upload (or its rejected rows) is kept: named by the token's digest, as the preview is."""
    return import_previews.upload_path(token, suffix)


def _preview(token: str):
    """The preview of this token, only for the user who made it."""
    if len(token) != 32 or not set(token) <= TOKEN_CHARS:
        abort(404)
    preview = import_previews.find_preview(token, current_access().user_id)
    require(preview is not None)
    return preview


def _upload(token: str) -> Path:
    """The stored upload of a preview that is still waiting."""
    data_path = _file(token)
    if not data_path.is_file():
        abort(404, _("Tệp tải lên đã hết hạn; hãy tải lên lại."))
    return data_path


@manage_bp.get("/members/import")
@login_required
def import_form():
    require(current_access().is_leader, 403)
    chosen = request.args.get("org", "")
    return render_template("members/import.html", cells=_cells_to_choose(), chosen=int(chosen) if chosen.isdigit()
                           else None, form=EmptyForm(), max_mb=IMPORT_MAX_BYTES // (1024 * 1024))


@manage_bp.get("/members/import/template.xlsx")
@login_required
def import_template():
    require(current_access().is_leader, 403)
    return send_file(io.BytesIO(importer.template_workbook()), mimetype=XLSX, as_attachment=True,
                     download_name="mau-nhap-dang-vien.xlsx")


@manage_bp.record_once
def _refuse_big_uploads_first(state) -> None:
    """Before anything reads the body (the CSRF check parses forms), refuse an import upload that is too big."""
    def check():
        if (request.endpoint == "members_manage.import_preview" and request.content_length is not None
                and request.content_length > IMPORT_MAX_BYTES + 64 * 1024):
            return _too_big()
        return None

    state.app.before_request_funcs.setdefault(None, []).insert(0, check)


def _too_big():
    return error_response(413, _("Tệp quá lớn: tối đa %(n)d MB. Hãy chia tệp thành nhiều phần.",
                                 n=IMPORT_MAX_BYTES // (1024 * 1024)))


@manage_bp.post("/members/import")
@login_required
def import_preview():
    require(current_access().is_leader, 403)
    # Refuse a big upload before reading the body.
    if request.content_length is not None and request.content_length > IMPORT_MAX_BYTES + 64 * 1024:
        return _too_big()
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    org_id = request.form.get("org", "")
    if not org_id.isdigit():
        return _form_error(_("Hãy chọn chi bộ nhận các đảng viên."), None)
    cell = _managed_org(int(org_id), cell=True)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _form_error(_("Hãy chọn tệp Excel (.xlsx) cần nhập."), cell)
    data = upload.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        return _too_big()
    # Each preview looks every row up among all records: bounded per user, and audited.
    per_hour = current_app.config["IMPORT_PREVIEWS_PER_HOUR"]
    blocked_until = throttle.hit(f"{per_hour} per hour", "import-preview", str(current_access().user_id))
    if blocked_until is not None:
        return _form_error(_("Đồng chí đã xem trước quá %(n)d tệp trong một giờ. Vui lòng thử lại sau %(when)s.",
                             n=per_hour, when=throttle.local_time(blocked_until)), cell, status=429)
    try:
        report = _validate(io.BytesIO(data))
    except sheets.ImportFileError as exc:
        return _form_error(str(exc), cell)
    report.close()  # the preview only shows; the confirmation checks the stored file again
    audit.record("members.import_preview", current_actor(), target_type="organisation", target_id=cell.id,
                 rows=report.total, count=report.matches, outside=report.outside)
    db.session.commit()
    token = secrets.token_hex(16)
    preview = import_previews.register_preview(token, current_access().user_id, cell, data)
    import_previews.forget_stale_uploads()  # uploads of previews past their day (the worker also does it daily)
    _file(token).write_bytes(data)
    return render_template("members/import_preview.html", report=report, cell=cell, token=token, form=EmptyForm(),
                           earlier=import_previews.earlier_import(preview))


def _validate(source):
    """The file checked for the signed-in user: records outside their scope unnamed, rows capped."""
    return importer.validate_file(source, scope=current_access(),
                                  max_rows=current_app.config["IMPORT_PREVIEW_MAX_ROWS"])


def _form_error(message: str, cell: Organisation | None, status: int = 400):
    return render_template("members/import.html", cells=_cells_to_choose(), chosen=cell.id if cell else None,
                           form=EmptyForm(), error=message, max_mb=IMPORT_MAX_BYTES // (1024 * 1024)), status


def _already_imported(confirmed_at, cell: Organisation):
    return _form_error(_("Tệp này đã được nhập lúc %(when)s (bấm xác nhận hai lần, hoặc ở một cửa sổ khác): lần này "
                         "không nhập thêm gì. Hãy xem danh sách chi bộ.", when=format_datetime(confirmed_at)),
                       cell, 409)


@manage_bp.post("/members/import/<token>")
@login_required
def import_confirm(token: str):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    preview = _preview(token)
    cell = _managed_org(preview.organisation_id, cell=True)
    if preview.confirmed_at is not None:
        return _already_imported(preview.confirmed_at, cell)
    data_path = _upload(token)
    try:
        report = _validate(str(data_path))  # again: the database may have changed meanwhile
    except sheets.ImportFileError as exc:
        return _form_error(str(exc), cell)
    valid_only = request.form.get("mode") == "valid_only"
    if not report.ok and not valid_only:
        report.close()
        return render_template("members/import_preview.html", report=report, cell=cell, token=token, form=form,
                               error=_("Tệp còn dòng lỗi: chưa nhập gì. Hãy sửa tệp, hoặc chọn chỉ nhập các dòng "
                                       "hợp lệ.")), 400
    try:
        inserted = importer.import_valid(report, cell, current_actor(), preview=preview)
    except importer.AlreadyImported as exc:  # another confirmation of the same preview got there first
        return _already_imported(exc.confirmed_at, cell)
    except IntegrityError:
        return render_template("members/import_preview.html", report=report, cell=cell, token=token, form=form,
                               error=_("Dữ liệu vừa thay đổi trong lúc nhập (trùng CCCD hoặc số thẻ): chưa nhập gì. "
                                       "Hãy thử lại.")), 409
    data_path.unlink(missing_ok=True)
    if report.rejected:
        _file(token, "-rejected").write_bytes(importer.rejected_workbook(report))
    return render_template("members/import_done.html", cell=cell, inserted=inserted, rejected=report.bad_rows,
                           token=token, cells=len({key or cell.id for key in report.by_cell}))


@manage_bp.get("/members/import/<token>/rejected.xlsx")
@login_required
def import_rejected(token: str):
    _preview(token)
    path = _file(token, "-rejected")
    require(path.is_file())
    return send_file(path, mimetype=XLSX, as_attachment=True, download_name="dong-bi-tu-choi.xlsx")


@manage_bp.get("/org/<int:org_id>/members.xlsx")
@login_required
def export_xlsx(org_id: int):
    org = _managed_org(org_id)
    rows = export.member_rows(org, current_access())
    audit.record("members.export", current_actor(), target_type="organisation", target_id=org.id,
                 count=len(rows), format="xlsx")
    db.session.commit()
    return send_file(io.BytesIO(export.workbook(org, rows)), mimetype=XLSX, as_attachment=True,
                     download_name=f"danh-sach-dang-vien-{org.id}.xlsx")


@manage_bp.get("/org/<int:org_id>/members/print")
@login_required
def print_list(org_id: int):
    org = _managed_org(org_id)
    rows = export.member_rows(org, current_access())
    audit.record("members.print", current_actor(), target_type="organisation", target_id=org.id,
                 count=len(rows), format="html")
    db.session.commit()
    return render_template("members/print.html", org=org, rows=rows, status_labels=STATUS_LABELS,
                           gender_labels=GENDER_LABELS)


@manage_bp.post("/members/import/<token>/cancel")
@login_required
def import_cancel(token: str):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    _preview(token)
    _file(token).unlink(missing_ok=True)
    flash(_("Đã hủy, không nhập gì."), "success")
    return redirect(url_for("members_manage.import_form"))
