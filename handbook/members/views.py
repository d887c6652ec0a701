"""A member's record as leaders see it, and issuing activation codes."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from handbook.auth.forms import EmptyForm
from handbook.auth.service import AuthError, format_code
from handbook.core.web import current_access, require
from handbook.members import service
from handbook.members.labels import GENDER_LABELS, STATUS_LABELS
from handbook.org import access as acl
from handbook.org.service import ancestors

bp = Blueprint("members", __name__, url_prefix="/members")


def _visible_member(member_id: int):
    member = service.get_member(member_id)
    if member is None:
        abort(404)
    require(acl.can_view_member(current_access(), member))
    return member


def _render(member, code=None, error=None, status=200):
    access = current_access()
    return render_template(
        "members/show.html",
        member=member,
        titles=service.titles_for_user(member.user_id),
        path=ancestors(member.cell),
        can_manage=acl.can_manage_member(access, member),
        form=EmptyForm(),
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
    member = _visible_member(member_id)
    require(acl.can_manage_member(current_access(), member), 403)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        code = service.issue_member_activation(member, current_user)
    except AuthError as exc:
        return _render(member, error=str(exc), status=400)
    return _render(member, code=code)
