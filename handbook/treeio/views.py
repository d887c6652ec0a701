"""The tree import and export pages (admins, and committee staff within their scope): upload → preview with every
bad row → confirm, like the member import; the template; the export."""
from __future__ import annotations

import hashlib
import io
import os
import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_login import login_required

from handbook.audit import service as audit
from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import require
from handbook.extensions import db
from handbook.members.sheets import ImportFileError
from handbook.org.access import can_restructure_any
from handbook.treeio.apply import TreeImportError, import_tree
from handbook.treeio.export import MissingCodes, template_workbook, tree_workbook
from handbook.treeio.validate import validate_tree

bp = Blueprint("treeio", __name__)
MAX_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN_CHARS = set("0123456789abcdef")


def _allowed() -> None:
    require(can_restructure_any(current_access()), 403)


def _upload_path(token: str) -> Path:
    """Where an upload waits for its confirmation: named by the token's digest and the uploader (so only they
    confirm it); outside the member import's folder, whose files are purged by its own previews."""
    folder = Path(current_app.instance_path) / "tree_imports"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(token.encode()).hexdigest()
    return folder / f"{digest}-{current_access().user_id}.xlsx"


def _form(error: str | None = None, status: int = 200):
    return render_template("treeio/import.html", form=EmptyForm(), error=error,
                           max_mb=MAX_BYTES // (1024 * 1024)), status


@bp.get("/org/tree/import")
@login_required
def import_form():
    _allowed()
    return _form()


@bp.get("/org/tree/template.xlsx")
@login_required
def template():
    _allowed()
    return send_file(io.BytesIO(template_workbook()), mimetype=XLSX, as_attachment=True,
                     download_name="mau-cay-to-chuc.xlsx")


@bp.post("/org/tree/import")
@login_required
def preview():
    _allowed()
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _form(_("Hãy chọn tệp Excel (.xlsx) cần nhập."), 400)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _form(_("Tệp quá lớn: tối đa %(n)d MB. Hãy chia tệp thành nhiều phần.", n=MAX_BYTES // 1048576), 413)
    try:
        report = validate_tree(io.BytesIO(data), current_access())
    except ImportFileError as exc:
        return _form(str(exc), 400)
    token = secrets.token_hex(16)
    if report.ok and report.changes:
        _upload_path(token).write_bytes(data)
    return render_template("treeio/preview.html", report=report, token=token, form=EmptyForm()), \
        200 if report.ok else 400


@bp.post("/org/tree/import/<token>")
@login_required
def confirm(token: str):
    _allowed()
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if len(token) != 32 or not set(token) <= TOKEN_CHARS:
        abort(404)
    path = _upload_path(token)
    claimed = path.with_suffix(".claimed.xlsx")  # openpyxl reads only files named .xlsx
    try:
        os.replace(path, claimed)  # once only: a second confirmation finds nothing to claim
    except FileNotFoundError:
        return _form(_("Tệp này đã được nhập hoặc đã hết hạn: lần này không nhập thêm gì."), 409)
    try:
        report = validate_tree(str(claimed), current_access())  # again: the tree may have changed meanwhile
        if not report.ok:
            return render_template("treeio/preview.html", report=report, token=None, form=form), 400
        result = import_tree(report, current_actor())
    except (ImportFileError, TreeImportError) as exc:
        return _form(str(exc), 400)
    finally:
        claimed.unlink(missing_ok=True)
    return render_template("treeio/done.html", result=result, report=report)


@bp.get("/org/tree/export.xlsx")
@login_required
def export():
    _allowed()
    try:
        data, count = tree_workbook(current_access())
    except MissingCodes as exc:
        return _form(str(exc), 409)
    audit.record("org.export", current_actor(), target_type="organisation", count=count, format="xlsx")
    db.session.commit()
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name="cay-to-chuc.xlsx")
