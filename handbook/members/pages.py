"""Pieces the members' pages share, for both audiences: loading a record the caller may see or manage (404/403
otherwise), the record page, and the edit form's round trip."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from handbook.audit import service as audit
from handbook.auth.identifiers import display_phone
from handbook.auth.models import User
from handbook.auth.service import format_code
from handbook.caller import current_access, current_actor, grants_of
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import require
from handbook.extensions import db
from handbook.members import records, service
from handbook.members.forms import PhotoForm, StatusForm, attach_problems, raw_values
from handbook.members.labels import (
    CHANGE_FIELD_LABELS,
    GENDER_LABELS,
    OCCUPATION_GROUP_LABELS,
    STATUS_LABELS,
    change_value,
)
from handbook.members.moves import KIND_LABELS, STATE_LABELS, moves_of
from handbook.members.placements import placements_of
from handbook.members.validation import RECORD_FIELDS, shown
from handbook.org.access import can_edit_member_contact, can_manage_account, can_manage_member, can_view_member
from handbook.org.service import ancestors


def visible_member(member_id: int):
    member = service.get_member(member_id)
    if member is None:
        abort(404)
    require(can_view_member(current_access(), member))
    return member


def managed_member(member_id: int):
    member = visible_member(member_id)
    require(can_manage_member(current_access(), member), 403)
    return member


def managed_account_member(member_id: int):
    """The member record of someone whose login (activation code) or membership (status) the caller may change:
    they manage the record, and every position the member's account holds (403 otherwise, saying who may)."""
    member = managed_member(member_id)
    if member.user_id is not None:
        account = db.session.get(User, member.user_id)
        if not can_manage_account(current_access(), account.is_admin, grants_of(account.id)):
            abort(403, _("Đồng chí này giữ chức vụ ở cấp ủy cấp trên; việc cấp mã kích hoạt hoặc ghi nhận trạng "
                         "thái do cấp ủy đó thực hiện."))
    return member


def render_record(member, code=None, error=None, status=200, status_form=None):
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
        placements=placements_of(member.id) if can_manage else [],
        moves=moves_of(member.id) if can_manage else [], move_kinds=KIND_LABELS, move_states=STATE_LABELS,
        changes=records.change_history(member.id) if can_manage else [],
        field_labels=CHANGE_FIELD_LABELS,
        change_value=change_value,
        code=format_code(code) if code else None,
        error=error,
        status_labels=STATUS_LABELS,
        gender_labels=GENDER_LABELS,
        occupation_group_labels=OCCUPATION_GROUP_LABELS,
    ), status


def record_values(member) -> dict[str, str]:
    values = {}
    for name in RECORD_FIELDS:
        value = getattr(member, name)
        values[name] = shown(value) if name.endswith("_date") else (getattr(value, "value", value) or "")
    return values


def edit_record(member, form, allowed, template):
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
            except records.TooManyRefusals as exc:
                form.form_errors.append(exc.message)
                status = 429
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
