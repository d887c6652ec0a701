"""Browsing the organisation tree within one's scope."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from handbook.caller import current_access
from handbook.core.web import require
from handbook.extensions import db
from handbook.members.labels import STATUS_LABELS
from handbook.members.models import ACTIVE_STATUSES
from handbook.members.service import cell_directory
from handbook.org.access import can_manage_org, can_see_org
from handbook.org.models import Organisation, OrgKind
from handbook.org.service import KIND_LABELS, ancestors, children, count_members_by_org

bp = Blueprint("org", __name__, url_prefix="/org")


@bp.get("/")
@login_required
def index():
    """The top organisations the user may see: their positions' units, or their own cell."""
    access = current_access()
    ids = {g.organisation_id for g in access.grants} or ({access.cell_id} if access.cell_id else set())
    if access.is_admin:
        roots = db.session.scalars(select(Organisation).where(Organisation.parent_id.is_(None))).all()
    else:
        roots = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))).all() if ids else []
    roots = sorted(roots, key=lambda o: (o.depth, o.name))
    counts = count_members_by_org([o.id for o in roots])
    return render_template("org/index.html", roots=roots, counts=counts, kind_labels=KIND_LABELS)


@bp.get("/<int:org_id>")
@login_required
def show(org_id: int):
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
        "org/show.html",
        org=org,
        path=[a for a in ancestors(org) if can_see_org(access, a)],
        children=subs,
        counts=counts,
        members=[e for e in entries if e.member.status in ACTIVE_STATUSES],
        former=[e for e in entries if e.member.status not in ACTIVE_STATUSES] if manages else [],
        manages=manages,
        lists_members=org.is_cell or org.kind is OrgKind.TO_DANG,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
    )
