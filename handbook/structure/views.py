"""Reading the tree: where it starts (or a search), one organisation with its children, counts and history, and
the children of a node for the lazy expand (a fragment; without JavaScript each node links to its own page)."""
from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from handbook.caller import current_access
from handbook.core.forms import EmptyForm
from handbook.org.access import can_place_under, can_restructure
from handbook.org.history import changes_of, count_changes
from handbook.org.service import KIND_LABELS, UNIT_TYPE_LABELS, ancestors
from handbook.structure import pages
from handbook.structure.blueprints import tree_bp
from handbook.structure.labels import CHANGE_LABELS, describe

HISTORY = 50


@tree_bp.get("")
@login_required
def index():
    pages.tree_reader()
    query = (request.args.get("q") or "").strip()[:100]
    page = pages.page_number()
    context = {"query": query, "kind_labels": KIND_LABELS, "page": page, "per_page": pages.PER_PAGE}
    try:
        day, asked = pages.as_of_day()
    except pages.BadDate as exc:
        return pages.render_bad_date("structure/tree.html", str(exc), nodes=[], total=0, day=None, asked=True,
                                     **context)
    if query:
        orgs, total = pages.search(query, page)
    else:
        orgs = pages.tops()
        total = len(orgs)
    return render_template("structure/tree.html", nodes=pages.nodes(orgs, day, asked), total=total, day=day,
                           asked=asked,
                           **context)


@tree_bp.get("/<int:org_id>")
@login_required
def organisation(org_id: int):
    org = pages.org_in_tree(org_id)
    page = pages.page_number()
    access = current_access()
    context = {"org": org, "path": ancestors(org), "kind_labels": KIND_LABELS, "unit_type_labels": UNIT_TYPE_LABELS,
               "page": page,
               "per_page": pages.PER_PAGE, "changes": changes_of(org.id, HISTORY),
               "change_count": count_changes(org.id),
               "change_labels": CHANGE_LABELS, "describe": describe, "restructure": can_restructure(access, org),
               "place_under": can_place_under(access, org), "form": EmptyForm()}
    try:
        day, asked = pages.as_of_day()
    except pages.BadDate as exc:
        return pages.render_bad_date("structure/organisation.html", str(exc), nodes=[], total=0, day=None,
                                     asked=True, own_count=None, **context)
    children, total = pages.children_page(org, page, day=day if asked else None)
    own = pages.nodes([org], day)[0].count
    return render_template("structure/organisation.html", nodes=pages.nodes(children, day, asked), total=total,
                           day=day, asked=asked, own_count=own, **context)


@tree_bp.get("/<int:org_id>/children")
@login_required
def children(org_id: int):
    """The children of a node as list items (the tree page's lazy expand), one page at a time."""
    org = pages.org_in_tree(org_id)
    page = pages.page_number()
    try:
        day, asked = pages.as_of_day()
    except pages.BadDate as exc:
        return exc.args[0], 400
    orgs, total = pages.children_page(org, page, day=day if asked else None)
    return render_template("structure/_nodes.html", nodes=pages.nodes(orgs, day, asked), kind_labels=KIND_LABELS,
                           parent=org, page=page, more=page * pages.PER_PAGE < total, day=day, asked=asked)
