"""The duplicate finder for committee staff: suspected pairs within their scope, merge or not-a-duplicate."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.web import require
from handbook.extensions import db
from handbook.members import duplicates, service
from handbook.members.blueprints import manage_bp
from handbook.members.labels import STATUS_LABELS
from handbook.org.access import can_manage_member, can_manage_org, can_see_org, can_view_member, managed_orgs_clause
from handbook.org.models import Organisation


def _scope() -> Organisation:
    """The organisation to search: ?org=, or the caller's highest managed organisation."""
    access = current_access()
    require(access.is_leader, 403)
    org_id = request.values.get("org", "")
    if org_id.isdigit():
        org = db.session.get(Organisation, int(org_id))
        require(org is not None and can_see_org(access, org))
        require(can_manage_org(access, org), 403)
        return org
    org = db.session.scalar(select(Organisation).where(managed_orgs_clause(access))
                            .order_by(Organisation.depth, Organisation.id).limit(1))
    require(org is not None)
    return org


def _pair() -> tuple:
    """The two records named in the form, both managed by the caller."""
    access = current_access()
    require(access.is_leader, 403)
    ids = [request.form.get(name, "") for name in ("a", "b")]
    if not all(i.isdigit() for i in ids) or ids[0] == ids[1]:
        abort(400, _("Hãy chọn hai hồ sơ khác nhau."))
    members = [service.get_member(int(i)) for i in ids]
    for member in members:
        require(member is not None and can_view_member(access, member))
        require(can_manage_member(access, member), 403)
    return members[0], members[1]


@manage_bp.get("/members/duplicates/")
@login_required
def duplicates_page():
    org = _scope()
    return render_template("members/duplicates.html", org=org,
                           suspects=duplicates.find_suspects(org, scope=current_access()),
                           form=EmptyForm(), status_labels=STATUS_LABELS)


@manage_bp.post("/members/duplicates/merge")
@login_required
def merge_duplicates():
    if not EmptyForm().validate_on_submit():
        abort(400)
    keep, drop = _pair()
    duplicates.merge(keep, drop, current_actor())
    flash(_("Đã gộp hai hồ sơ; giữ lại hồ sơ của %(name)s.", name=keep.full_name), "success")
    return redirect(url_for("members_manage.duplicates_page", org=request.form.get("org") or None))


@manage_bp.post("/members/duplicates/dismiss")
@login_required
def dismiss_duplicate():
    if not EmptyForm().validate_on_submit():
        abort(400)
    a, b = _pair()
    duplicates.dismiss(a, b, current_actor())
    flash(_("Đã ghi nhận: hai hồ sơ là hai người khác nhau."), "success")
    return redirect(url_for("members_manage.duplicates_page", org=request.form.get("org") or None))
