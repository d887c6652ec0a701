"""The directory of receiving organisations as a committee keeps it: its entries, adding, editing, removing."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from handbook.caller import current_access, current_actor, organisation_in_scope
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import require
from handbook.members import directory
from handbook.members.blueprints import manage_bp
from handbook.members.move_forms import DirectoryForm
from handbook.members.move_models import ReceivingOrganisation
from handbook.org.access import can_keep_directory
from handbook.org.models import Organisation


def _keeper(org_id: int) -> Organisation:
    """An organisation whose directory the caller keeps: 404 out of sight, 403 for those who see but do not keep."""
    org = organisation_in_scope(org_id)
    require(can_keep_directory(current_access(), org), 403)
    return org


def _kept(entry_id: int) -> ReceivingOrganisation:
    try:
        return directory.kept_entry(entry_id, current_access())
    except LookupError:
        abort(404)


def _values(form: DirectoryForm) -> dict:
    return {name: getattr(form, name).data for name in ("name", "address", "phone", "hours", "code")}


def _page(org: Organisation, form: DirectoryForm, status: int = 200, entry: ReceivingOrganisation | None = None):
    return render_template("members/move_directory.html", org=org, form=form, entry=entry,
                           entries=directory.entries_of(org), action_form=EmptyForm(formdata=None)), status


@manage_bp.route("/org/<int:org_id>/move-directory", methods=["GET", "POST"])
@login_required
def move_directory(org_id: int):
    org = _keeper(org_id)
    form = DirectoryForm()
    if not form.is_submitted():
        return _page(org, form)
    if not form.validate():
        return _page(org, form, 400)
    try:
        directory.add(org, _values(form), current_actor())
    except directory.DirectoryError as exc:
        form.form_errors.append(str(exc))
        return _page(org, form, 400)
    flash(_("Đã thêm vào danh bạ nơi tiếp nhận."), "success")
    return redirect(url_for(".move_directory", org_id=org.id))


@manage_bp.route("/move-directory/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_directory_entry(entry_id: int):
    entry = _kept(entry_id)
    form = DirectoryForm()
    if not form.is_submitted():
        form.name.data, form.address.data, form.phone.data, form.hours.data = (
            entry.name, entry.address, entry.phone, entry.hours)
        form.code.data = entry.organisation.code if entry.organisation is not None else ""
        return _page(entry.owner, form, entry=entry)
    if not form.validate():
        return _page(entry.owner, form, 400, entry)
    try:
        directory.update(entry, _values(form), current_actor())
    except directory.DirectoryError as exc:
        form.form_errors.append(str(exc))
        return _page(entry.owner, form, 400, entry)
    flash(_("Đã lưu."), "success")
    return redirect(url_for(".move_directory", org_id=entry.owner_id))


@manage_bp.post("/move-directory/<int:entry_id>/delete")
@login_required
def delete_directory_entry(entry_id: int):
    entry = _kept(entry_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    owner_id = entry.owner_id
    directory.remove(entry, current_actor())
    flash(_("Đã xóa khỏi danh bạ."), "success")
    return redirect(url_for(".move_directory", org_id=owner_id))
