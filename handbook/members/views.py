"""A member's record: viewing (audited), editing, statuses, photo, activation codes."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from handbook.audit import service as audit
from handbook.auth.forms import EmptyForm
from handbook.auth.identifiers import display_phone
from handbook.auth.service import AuthError, format_code
from handbook.caller import current_access
from handbook.core.i18n import gettext as _
from handbook.core.storage import StorageError
from handbook.core.web import current_actor, require
from handbook.extensions import db
from handbook.members import photos, records, service
from handbook.members.forms import ContactForm, PhotoForm, RecordForm, StatusForm, attach_problems, raw_values
from handbook.members.labels import CHANGE_FIELD_LABELS, GENDER_LABELS, STATUS_LABELS, change_value
from handbook.members.models import MemberStatus
from handbook.members.validation import FIELDS, RECORD_FIELDS, parse_date, shown
from handbook.org.access import can_edit_member_contact, can_manage_member, can_view_member
from handbook.org.service import ancestors

bp = Blueprint("members", __name__, url_prefix="/members")


def _visible_member(member_id: int):
    member = service.get_member(member_id)
    if member is None:
        abort(404)
    require(can_view_member(current_access(), member))
    return member


def _managed_member(member_id: int):
    member = _visible_member(member_id)
    require(can_manage_member(current_access(), member), 403)
    return member


def _render(member, code=None, error=None, status=200, status_form=None):
    access = current_access()
    can_manage = can_manage_member(access, member)
    if access.member_id != member.id:
        audit.record("member.view", current_actor(), target_type="member", target_id=member.id)
        db.session.commit()
    return render_template(
        "members/show.html",
        member=member,
        titles=service.titles_for_user(member.user_id),
        path=ancestors(member.cell),
        can_manage=can_manage,
        can_edit_contact=can_edit_member_contact(access, member),
        form=EmptyForm(),
        status_form=status_form or StatusForm(),
        statuses=records.status_history(member.id) if can_manage else [],
        changes=records.change_history(member.id) if can_manage else [],
        field_labels=CHANGE_FIELD_LABELS,
        change_value=change_value,
        code=format_code(code) if code else None,
        error=error,
        status_labels=STATUS_LABELS,
        gender_labels=GENDER_LABELS,
    ), status


@bp.get("/<int:member_id>")
@login_required
def show(member_id: int):
    return _render(_visible_member(member_id))


@bp.post("/<int:member_id>/activation-code")
@login_required
def activation_code(member_id: int):
    member = _managed_member(member_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        code = service.issue_member_activation(member, current_user)
    except AuthError as exc:
        return _render(member, error=str(exc), status=400)
    return _render(member, code=code)


def _record_values(member) -> dict[str, str]:
    values = {}
    for name in RECORD_FIELDS:
        value = getattr(member, name)
        values[name] = shown(value) if name.endswith("_date") else (getattr(value, "value", value) or "")
    return values


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def edit(member_id: int):
    """Every field, for those who manage the member's cell."""
    member = _managed_member(member_id)
    form = RecordForm(data=_record_values(member) if request.method == "GET" else None)
    return _edit(member, form, tuple(FIELDS), "members/edit.html")


@bp.route("/<int:member_id>/contact", methods=["GET", "POST"])
@login_required
def contact(member_id: int):
    """Phone, e-mail, residence and photo: the member themself (or a manager)."""
    member = _visible_member(member_id)
    require(can_edit_member_contact(current_access(), member), 403)
    form = ContactForm(data=_record_values(member) if request.method == "GET" else None)
    return _edit(member, form, ContactForm.FIELD_NAMES, "members/contact.html")


def _edit(member, form, allowed, template):
    status = 200
    if form.is_submitted():
        if not form.validate():
            status = 400
        else:
            try:
                changed = records.update_record(member, raw_values(form), current_actor(), allowed=allowed,
                                                 scope=current_access())
            except records.RecordError as exc:
                attach_problems(form, exc.problems)
                status = 400
            else:
                flash(_("Đã lưu %(n)d thay đổi.", n=len(changed)) if changed else _("Không có gì thay đổi."),
                      "success")
                own = current_access().member_id == member.id
                if "phone" in changed and member.user_id is not None and member.phone:
                    flash(_("Từ nay đồng chí đăng nhập bằng số điện thoại mới %(phone)s.", phone=display_phone(
                        member.phone)) if own else _("Từ nay đảng viên này đăng nhập bằng số điện thoại mới %(phone)s.",
                                                     phone=display_phone(member.phone)), "info")
                if own and template == "members/contact.html":
                    return redirect(url_for("home.profile"))
                return redirect(url_for("members.show", member_id=member.id))
    return render_template(template, member=member, form=form, photo_form=PhotoForm()), status


@bp.post("/<int:member_id>/status")
@login_required
def change_status(member_id: int):
    member = _managed_member(member_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            from_date = parse_date(form.from_date.data)
        except ValueError:
            from_date = None
        if from_date is None:
            form.from_date.errors = [_("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 19/05/1990.")]
        else:
            try:
                records.record_status(member, MemberStatus(form.status.data), from_date, form.reason.data,
                                      current_actor())
            except records.RecordError as exc:
                form.from_date.errors = [p.message for p in exc.problems]
            else:
                flash(_("Đã ghi nhận trạng thái mới."), "success")
                return redirect(url_for("members.show", member_id=member.id))
    return _render(member, status=400, status_form=form)


@bp.post("/<int:member_id>/photo")
@login_required
def upload_photo(member_id: int):
    member = _visible_member(member_id)
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
        contact_form = ContactForm(data=_record_values(member))
        form.photo.errors = [error]
        return render_template("members/contact.html", member=member, form=contact_form, photo_form=form), status
    flash(_("Đã cập nhật ảnh."), "success")
    return redirect(url_for("members.contact", member_id=member.id))


@bp.get("/<int:member_id>/photo")
@login_required
def photo(member_id: int):
    member = _visible_member(member_id)
    path = photos.photo_path(member)
    require(path is not None)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
