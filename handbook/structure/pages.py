"""What the tree's views share: the guards (404 outside the caller's scope, 403 for those who see but may not
restructure), the day a page counts as of, and the paged lists of organisations with their counts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, render_template, request
from sqlalchemy import func, select

from handbook.caller import current_access
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today, parse_day
from handbook.core.web import MAX_PAGE, require
from handbook.extensions import db
from handbook.members.counts import counts_on
from handbook.org.access import can_browse_tree, can_manage_org, can_restructure, managed_orgs_clause
from handbook.org.history import known_on, valid_on
from handbook.org.models import Organisation, OrgVersion, name_key

PER_PAGE = 50
BAD_DATE = _l("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2025.")
FUTURE_DATE = _l("Không thể xem số liệu của một ngày trong tương lai.")


@dataclass
class Node:
    org: Organisation
    count: int
    has_children: bool
    name: str  #: the organisation's name on the day the page is read as of


def tree_reader() -> None:
    """The tree's pages are for committee staff, their leaders and admins (403 for anyone else)."""
    require(can_browse_tree(current_access()), 403)


def org_in_tree(org_id: int, *, restructure: bool = False) -> Organisation:
    """The organisation if the caller manages it (404 otherwise), and with `restructure` may change it (403)."""
    tree_reader()
    org = db.session.get(Organisation, org_id)
    access = current_access()
    require(org is not None and can_manage_org(access, org))
    if restructure:
        require(can_restructure(access, org), 403)
    return org


class BadDate(Exception):
    """?as_of= is not a day (or a future one); the message is for the page (400)."""


def as_of_day() -> tuple[date, bool]:
    """The day the page counts as of (?as_of=dd/mm/yyyy, default today) and whether it was asked for."""
    raw = (request.args.get("as_of") or "").strip()
    today = local_today()
    if not raw:
        return today, False
    day = parse_day(raw)
    if day is None:
        raise BadDate(str(BAD_DATE))
    if day > today:
        raise BadDate(str(FUTURE_DATE))
    return day, True


def page_number() -> int:
    """`?page=`: 1 to MAX_PAGE (a larger one would overflow the database's integer offset), else 400."""
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400)
    if page > MAX_PAGE:
        abort(400)
    return page


def nodes(orgs: list[Organisation], day: date, past: bool = False) -> list[Node]:
    """Organisations with their member count on `day` and whether they have organisations under them; for a
    `past` day, the tree and the names as they were then (two or three queries for the page, whatever its
    length)."""
    ids = [org.id for org in orgs]
    if not ids:
        return []
    counts = counts_on(ids, day)
    if past:
        parents = set(db.session.scalars(select(OrgVersion.parent_id).where(
            OrgVersion.parent_id.in_(ids), valid_on(OrgVersion, day)).distinct()))
        names = dict(db.session.execute(select(OrgVersion.organisation_id, OrgVersion.name).where(
            OrgVersion.organisation_id.in_(ids), known_on(OrgVersion, day))).all())
    else:
        parents = set(db.session.scalars(select(Organisation.parent_id).where(
            Organisation.parent_id.in_(ids), Organisation.dissolved_on.is_(None)).distinct()))
        names = {}
    return [Node(org, counts.get(org.id, 0), org.id in parents, names.get(org.id, org.name)) for org in orgs]


def children_page(org: Organisation, page: int, per_page: int = PER_PAGE,
                  day: date | None = None) -> tuple[list[Organisation], int]:
    """One page of the organisations directly under `org`, by name, and how many there are: the live ones, or
    with `day` those under it on that day (a cell merged away since, not one moved in since)."""
    if day is None:
        query = select(Organisation).where(Organisation.parent_id == org.id, Organisation.dissolved_on.is_(None))
    else:
        query = select(Organisation).join(OrgVersion, OrgVersion.organisation_id == Organisation.id).where(
            OrgVersion.parent_id == org.id, valid_on(OrgVersion, day))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(Organisation.name, Organisation.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total


def tops() -> list[Organisation]:
    """Where the caller's tree starts: the roots for admins, else the committees of their positions."""
    access = current_access()
    if access.is_admin:
        query = select(Organisation).where(Organisation.parent_id.is_(None))
    else:
        ids = {g.organisation_id for g in access.grants}
        query = select(Organisation).where(Organisation.id.in_(sorted(ids)), managed_orgs_clause(access))
    return list(db.session.scalars(query.where(Organisation.dissolved_on.is_(None)).order_by(Organisation.name)))


def search(text: str, page: int) -> tuple[list[Organisation], int]:
    """Live organisations in the caller's scope whose name contains `text`, diacritics, case and spacing ignored
    ("phuong hai chau" finds "Phường Hải Châu"), by name: a LIKE on the stored folded name (Organisation.name_key),
    a count and one page. Reading and folding every name in Python instead cost 167 ms p50 on the 9,060
    organisations of benchmarks/tree_pages.py (SQLite); see benchmarks/README.md for the figure with this."""
    wanted = name_key(text)
    if not wanted:
        return [], 0
    where = (Organisation.name_key.like(f"%{wanted}%"), managed_orgs_clause(current_access()),
             Organisation.dissolved_on.is_(None))
    total = db.session.scalar(select(func.count(Organisation.id)).where(*where)) or 0
    rows = db.session.scalars(select(Organisation).where(*where).order_by(Organisation.name, Organisation.id)
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return list(rows), total


def render_bad_date(template: str, message: str, **context):
    return render_template(template, date_error=message, **context), 400
