"""Changing the tree from its pages: a new organisation under this one, rename, move, merge into this one, split,
dissolve, and moving members between cells. Each form carries the decision (number, signer, day); the service
decides, a refusal shows on the form (400) and writes nothing."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from handbook.caller import current_access, current_actor
from handbook.core.forms import select_choices, submit
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today, parse_day
from handbook.core.web import require
from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.models import LEFT_STATUSES, Member
from handbook.members.placements import MoveError, move_members
from handbook.org.access import can_manage_org, can_place_under, can_restructure, in_subtree, managed_orgs_clause
from handbook.org.changes import (
    OrgError,
    create_organisation,
    dissolve_organisation,
    move_organisation,
    rename_organisation,
    set_unit_type,
)
from handbook.org.history import Decision
from handbook.org.kinds import ALLOWED_PARENTS, MEMBER_KINDS, child_kinds
from handbook.org.models import Organisation, OrgKind, UnitType
from handbook.org.service import KIND_LABELS, UNIT_TYPE_LABELS
from handbook.structure import forms, pages
from handbook.structure.blueprints import tree_bp
from handbook.structure.services import StructureError, merge_organisations, split_organisation

ERRORS = (OrgError, MoveError, StructureError)
CHOICES = 300  # organisations offered in a select; beyond that, search the tree and start from the other end


def _decision(form: forms.DecisionForm) -> tuple[Decision, date]:
    raw = (form.on.data or "").strip()
    on = parse_day(raw) if raw else local_today()
    if on is None:
        raise OrgError(str(pages.BAD_DATE))
    return Decision(form.decision_number.data, form.signer.data), on


def _page(org: Organisation, form, title: str, template: str = "structure/change.html", status: int = 200, **more):
    return render_template(template, org=org, form=form, title=title, kind_labels=KIND_LABELS, **more), status


def _done(org: Organisation, message: str):
    flash(message, "success")
    return redirect(url_for("structure.organisation", org_id=org.id))


def unit_type_choices():
    """Blank (not stated) first, then every unit type."""
    return select_choices([("", str(_("Chưa xác định")))] + [(t.value, str(UNIT_TYPE_LABELS[t])) for t in UnitType])


def _unit_type(form) -> UnitType | None:
    return UnitType(form.unit_type.data) if form.unit_type.data else None


def _live(query):
    return db.session.scalars(query.where(Organisation.dissolved_on.is_(None), managed_orgs_clause(current_access()))
                              .order_by(Organisation.name).limit(CHOICES)).all()


@tree_bp.route("/<int:org_id>/new", methods=["GET", "POST"])
@login_required
def create(org_id: int):
    parent = pages.org_in_tree(org_id)
    require(can_place_under(current_access(), parent), 403)
    form = forms.CreateForm()
    form.kind.choices = select_choices((kind.value, str(KIND_LABELS[kind])) for kind in child_kinds(parent.kind,
                                                                                                local_today()))
    form.unit_type.choices = unit_type_choices()

    def action():
        decision, on = _decision(form)
        org = create_organisation(form.name.data, OrgKind(form.kind.data), parent, code=form.code.data,
                                  decision=decision, on=on, actor=current_actor(), access=current_access(),
                                  unit_type=_unit_type(form))
        db.session.commit()
        return org

    result = submit(form, action, *ERRORS)
    if result.done:
        return _done(result.value, _("Đã thành lập %(name)s.", name=result.value.name))
    return _page(parent, form, _("Thành lập tổ chức trực thuộc"), status=result.status)


@tree_bp.route("/<int:org_id>/rename", methods=["GET", "POST"])
@login_required
def rename(org_id: int):
    org = pages.org_in_tree(org_id, restructure=True)
    form = forms.RenameForm()

    def action():
        decision, on = _decision(form)
        return rename_organisation(org, form.name.data, decision=decision, on=on, actor=current_actor(),
                                   access=current_access())

    result = submit(form, action, *ERRORS)
    if result.done:
        return _done(org, _("Đã đổi tên tổ chức."))
    return _page(org, form, _("Đổi tên tổ chức"), status=result.status)


@tree_bp.route("/<int:org_id>/unit-type", methods=["GET", "POST"])
@login_required
def unit_type(org_id: int):
    """Where the organisation's members work or live: not a dated change, no decision."""
    org = pages.org_in_tree(org_id, restructure=True)
    form = forms.UnitTypeForm(data={"unit_type": org.unit_type.value if org.unit_type else ""}
                              if request.method == "GET" else None)
    form.unit_type.choices = unit_type_choices()

    result = submit(form, lambda: set_unit_type(org, _unit_type(form), actor=current_actor(),
                                                access=current_access()), *ERRORS)
    if result.done:
        return _done(org, _("Đã ghi loại hình tổ chức."))
    return _page(org, form, _("Loại hình tổ chức"), template="structure/unit_type.html", status=result.status)


@tree_bp.route("/<int:org_id>/move", methods=["GET", "POST"])
@login_required
def move(org_id: int):
    org = pages.org_in_tree(org_id, restructure=True)
    access = current_access()
    form = forms.MoveForm()
    parents = [p for p in _live(select(Organisation).where(
        Organisation.kind.in_(sorted(ALLOWED_PARENTS.get(org.kind, ()))), ~in_subtree(Organisation.path, org.path),
        Organisation.id != org.parent_id)) if can_place_under(access, p)]
    form.parent.choices = select_choices((p.id, p.name) for p in parents)

    def action():
        decision, on = _decision(form)
        parent = next(p for p in parents if p.id == form.parent.data)
        return move_organisation(org, parent, decision=decision, on=on, actor=current_actor(), access=access)

    result = submit(form, action, *ERRORS)
    if result.done:
        return _done(org, _("Đã chuyển tổ chức sang cấp trên mới."))
    return _page(org, form, _("Chuyển sang tổ chức cấp trên khác"), status=result.status)


@tree_bp.route("/<int:org_id>/dissolve", methods=["GET", "POST"])
@login_required
def dissolve(org_id: int):
    org = pages.org_in_tree(org_id, restructure=True)
    form = forms.DecisionForm()

    def action():
        decision, on = _decision(form)
        return dissolve_organisation(org, decision=decision, on=on, actor=current_actor(), access=current_access())

    result = submit(form, action, *ERRORS)
    if result.done:
        return _done(org, _("Đã giải thể tổ chức."))
    return _page(org, form, _("Giải thể tổ chức"), status=result.status)


@tree_bp.route("/<int:org_id>/merge", methods=["GET", "POST"])
@login_required
def merge(org_id: int):
    """Merge organisations of the same kind under the same parent into this one."""
    org = pages.org_in_tree(org_id, restructure=True)
    access = current_access()
    form = forms.MergeForm()
    siblings = [o for o in _live(select(Organisation).where(
        Organisation.parent_id == org.parent_id, Organisation.kind == org.kind, Organisation.id != org.id))
        if can_restructure(access, o)]
    form.sources.choices = select_choices((o.id, o.name) for o in siblings)

    def action():
        decision, on = _decision(form)
        chosen = [o for o in siblings if o.id in set(form.sources.data or [])]
        return merge_organisations(chosen, org, decision=decision, on=on, actor=current_actor(), access=access)

    result = submit(form, action, *ERRORS)
    if result.done:
        return _done(org, _("Đã hợp nhất; %(n)d đảng viên chuyển về tổ chức này.", n=result.value))
    return _page(org, form, _("Hợp nhất các tổ chức vào %(name)s", name=org.name), status=result.status,
                 checkboxes=form.sources)


def _cell_members(cell: Organisation) -> list[Member]:
    members = db.session.scalars(select(Member).where(Member.cell_id == cell.id,
                                                      Member.status.not_in(LEFT_STATUSES))).all()
    return sorted(members, key=lambda m: name_sort_key(m.full_name))


@tree_bp.route("/<int:org_id>/split", methods=["GET", "POST"])
@login_required
def split(org_id: int):
    org = pages.org_in_tree(org_id, restructure=True)
    form = forms.SplitForm()
    members = _cell_members(org) if org.kind in MEMBER_KINDS else []

    def action():
        decision, on = _decision(form)
        names = [form.name_1.data, form.name_2.data, form.name_3.data]
        parts = []
        for index, name in enumerate(names, start=1):
            chosen = [m for m in members if request.form.get(f"part_{m.id}") == str(index)]
            if (name or "").strip() or chosen:
                parts.append((name, chosen))
        return split_organisation(org, parts, decision=decision, on=on, actor=current_actor(),
                                  access=current_access())

    result = submit(form, action, *ERRORS)
    if result.done:
        return _done(org, _("Đã chia tách: %(names)s.", names=", ".join(c.name for c in result.value)))
    return _page(org, form, _("Chia tách chi bộ"), "structure/split.html", status=result.status, members=members,
                 chosen={key: value for key, value in request.form.items() if key.startswith("part_")})


@tree_bp.route("/<int:org_id>/members/move", methods=["GET", "POST"])
@login_required
def move_cell_members(org_id: int):
    """Move one member or several from this cell to another, by a decision."""
    org = pages.org_in_tree(org_id)
    access = current_access()
    form = forms.MoveMembersForm()
    members = _cell_members(org) if org.kind in MEMBER_KINDS else []
    form.members.choices = select_choices((m.id, m.full_name) for m in members)
    cells = [c for c in _live(select(Organisation).where(Organisation.kind.in_(sorted(MEMBER_KINDS)),
                                                         Organisation.id != org.id)) if can_manage_org(access, c)]
    form.cell.choices = select_choices((c.id, c.name) for c in cells)

    def action():
        decision, on = _decision(form)
        target = next(c for c in cells if c.id == form.cell.data)
        chosen = [m for m in members if m.id in set(form.members.data or [])]
        return move_members(chosen, target, on=on, decision_number=decision.number, reason=form.reason.data,
                            actor=current_actor(), access=access)

    result = submit(form, action, *ERRORS)
    if result.done:
        return _done(org, _("Đã chuyển %(n)d đảng viên.", n=result.value))
    return _page(org, form, _("Chuyển đảng viên sang chi bộ khác"), status=result.status, checkboxes=form.members)
