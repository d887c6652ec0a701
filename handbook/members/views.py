"""Members' pages: the directory of the organisations one may see, a member's record, and the contact details and
photo a member keeps up themself."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from sqlalchemy import select

from handbook.caller import current_access, current_actor
from handbook.core.i18n import gettext as _
from handbook.core.storage import StorageError
from handbook.core.web import require
from handbook.extensions import db
from handbook.members import photos
from handbook.members.blueprints import member_bp
from handbook.members.forms import ContactForm, PhotoForm
from handbook.members.labels import STATUS_LABELS
from handbook.members.models import ACTIVE_STATUSES
from handbook.members.pages import edit_record, record_values, render_record, visible_member
from handbook.members.service import cell_directory, count_members_by_org
from handbook.org.access import can_edit_member_contact, can_keep_directory, can_manage_org, can_see_org
from handbook.org.models import Organisation, OrgKind
from handbook.org.service import KIND_LABELS, ancestors, children


@member_bp.get("/org/")
@login_required
def directory():
    """The top organisations the user may see: their positions' units, or their own cell."""
    access = current_access()
    ids = {g.organisation_id for g in access.grants} or ({access.cell_id} if access.cell_id else set())
    if access.is_admin:
        roots = db.session.scalars(select(Organisation).where(Organisation.parent_id.is_(None))).all()
    else:
        roots = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))).all() if ids else []
    roots = sorted(roots, key=lambda o: (o.depth, o.name))
    counts = count_members_by_org([o.id for o in roots])
    return render_template("members/directory.html", roots=roots, counts=counts, kind_labels=KIND_LABELS)


@member_bp.get("/org/<int:org_id>")
@login_required
def organisation(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    access = current_access()
    require(can_see_org(access, org))
    subs = children(org)
    counts = count_members_by_org([o.id for o in subs])
    manages = can_manage_org(access, org)
    if org.is_cell:
        entries = cell_directory(org)
    elif org.kind is OrgKind.TO_DANG:  # a tổ đảng lists its members: those of its cell whose group it is
        entries = [e for e in cell_directory(org.parent) if e.member.group_id == org.id]
    else:
        entries = []
    return render_template(
        "members/organisation.html",
        org=org,
        path=[a for a in ancestors(org) if can_see_org(access, a)],
        children=subs,
        counts=counts,
        keeps_directory=not org.is_cell and can_keep_directory(access, org),
        members=[e for e in entries if e.member.status in ACTIVE_STATUSES],
        former=[e for e in entries if e.member.status not in ACTIVE_STATUSES] if manages else [],
        manages=manages,
        lists_members=org.is_cell or org.kind is OrgKind.TO_DANG,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
    )


@member_bp.get("/members/<int:member_id>")
@login_required
def show(member_id: int):
    return render_record(visible_member(member_id))


@member_bp.route("/members/<int:member_id>/contact", methods=["GET", "POST"])
@login_required
def contact(member_id: int):
    """Phone, e-mail, residence and photo: the member themself (or a manager)."""
    member = visible_member(member_id)
    require(can_edit_member_contact(current_access(), member), 403)
    form = ContactForm(data=record_values(member) if request.method == "GET" else None)
    return edit_record(member, form, ContactForm.FIELD_NAMES, "members/contact.html")


@member_bp.post("/members/<int:member_id>/photo")
@login_required
def upload_photo(member_id: int):
    member = visible_member(member_id)
    require(can_edit_member_contact(current_access(), member), 403)
    form = PhotoForm()
    error, status = None, 400
    if not form.validate_on_submit():
        abort(400)
    upload = form.photo.data
    if upload is None or not getattr(upload, "filename", ""):
        error = _("Hãy chọn một tệp ảnh.")
    else:
        try:
            photos.save_photo(member, upload.read(photos.MAX_PHOTO_BYTES + 1), current_actor())
        except photos.PhotoError as exc:
            error = str(exc)
        except StorageError as exc:  # a full disk: the form says so, nothing was kept
            error, status = str(exc), exc.status
    if error:
        contact_form = ContactForm(data=record_values(member))
        form.photo.errors = [error]
        return render_template("members/contact.html", member=member, form=contact_form, photo_form=form), status
    flash(_("Đã cập nhật ảnh."), "success")
    return redirect(url_for("members.contact", member_id=member.id))


@member_bp.get("/members/<int:member_id>/photo")
@login_required
def photo(member_id: int):
    member = visible_member(member_id)
    path = photos.photo_path(member)
    require(path is not None)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
