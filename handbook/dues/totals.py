"""The committee's dues totals over its subtree: per organisation directly below it, for a month and for the year
up to that month — what was expected, what was paid, how many members owed, paid, were exempt or reduced.

Everything is added up by the database: one GROUP BY over members (by cell, category, age band, relief and
50-year flag; the amounts of members with a base amount are rounded and summed in SQL with the same arithmetic as
`dues.rules`), one over payments; Python then multiplies the flat amounts (students, the regional-minimum share)
by each group's count and adds cells up to the organisation below `org` they are in. No loop over members.

The year to date is by default only what the payments alone add up to — paid for the year's months, collected in
the year: one GROUP BY over payments by cell each, on the covering indexes (month, cell, amount) and (paid on,
cell, amount). Its expected amount and unpaid count run the members' query once per month of the 2026 rule in the
year (seconds for a city, benchmarks/dues.py): computed only when asked (`full_year`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    BigInteger,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
)

from handbook.dues import rules
from handbook.dues.models import BASED, Category, DuesPayment, DuesProfile, DuesRegion, DuesRelief
from handbook.extensions import db
from handbook.members.models import ACTIVE_STATUSES, Gender, Member
from handbook.members.retirement import birth_cutoff
from handbook.org.access import in_subtree
from handbook.org.models import CELL_KINDS, Organisation
from handbook.org.scope import Below


@dataclass
class Figures:
    expected: int = 0
    paid: int = 0
    members: int = 0      #: members expected to pay that month (exempt included)
    paid_count: int = 0   #: of them, with the month recorded
    unpaid_count: int = 0  #: owing and not recorded
    exempt: int = 0
    reduced: int = 0
    unknown: int = 0      #: no amount computed (no profile, or no region above the cell)
    collected: int = 0    #: paid during the month (any month paid for): the remittance sheet's figure

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def share(self) -> float | None:
        """The collected share: paid over expected (None when nothing is expected)."""
        return self.paid / self.expected if self.expected else None


@dataclass
class Line:
    org_id: int | None  #: None: `org`'s own cells (when it is a cell, itself)
    name: str
    month: Figures = field(default_factory=Figures)
    year: Figures = field(default_factory=Figures)


@dataclass
class Totals:
    org: Organisation
    month: date
    lines: list[Line]
    total: Line
    no_region_cells: int = 0
    full_year: bool = False  #: the year to date's expected amount and counts computed (else only paid, collected)


def _month_end(month: date) -> date:
    return rules.next_month(month) - relativedelta(days=1)


def regions_by_cell(org: Organisation) -> dict[int, int | None]:
    """Each cell of `org`'s subtree → the region of its nearest ancestor with one (itself included)."""
    settings = {org_id: (path, region) for org_id, path, region in db.session.execute(
        select(DuesRegion.organisation_id, Organisation.path, DuesRegion.region)
        .join(Organisation, Organisation.id == DuesRegion.organisation_id))}
    by_path = sorted(((path, region) for path, region in settings.values()), key=lambda pair: len(pair[0]))
    cells = db.session.execute(select(Organisation.id, Organisation.path).where(
        in_subtree(Organisation.path, org.path), Organisation.kind.in_(CELL_KINDS)))
    found = {}
    for cell_id, path in cells:
        region = None
        for prefix, value in by_path:  # a handful of settings: longest matching prefix wins
            if path.startswith(prefix):
                region = value
        found[cell_id] = region
    return found


def _retired(month: date):
    end = _month_end(month)
    return case((and_(Member.gender == Gender.NAM, Member.birth_date <= birth_cutoff(Gender.NAM, end)), 1),
                (and_(Member.gender == Gender.NU, Member.birth_date <= birth_cutoff(Gender.NU, end)), 1), else_=0)


def _cells_below(org: Organisation):
    """The organisations of `org`'s subtree, as a list for `Member.cell_id IN (…)`."""
    return select(Organisation.id).where(in_subtree(Organisation.path, org.path))


def _member_groups(org: Organisation, month: date):
    """(cell id, cell path, category, retired, relief %, fifty, paid, count, summed based amount) rows. The profile,
    relief and payment of each member are read through correlated lookups on their (member, month) indexes — once
    each per member: the latest profile's id, its category and base amount then joined by id (the city's month read
    the profile four times over, the category being written out in the amount too: the ?ytd=1 rows of
    benchmarks/dues.py, the city's 20 → 12 s cold and the ward's 376 → 204 ms). Joined as grouped subqueries
    ("latest from_month per member"), SQLite scanned them once per member (minutes on the 140,000-member demo)."""
    profile_id = (select(DuesProfile.id).where(DuesProfile.member_id == Member.id, DuesProfile.from_month <= month)
                  .order_by(DuesProfile.from_month.desc()).limit(1).scalar_subquery())
    percent = func.coalesce(
        select(func.max(DuesRelief.percent)).where(
            DuesRelief.member_id == Member.id, DuesRelief.from_month <= month,
            or_(DuesRelief.to_month.is_(None), DuesRelief.to_month >= month)).scalar_subquery(), 0)
    is_paid = case((exists().where(DuesPayment.member_id == Member.id, DuesPayment.month == month), 1), else_=0)
    fifty_before = rules.next_month(month) - relativedelta(years=rules.FIFTY_YEARS)
    fifty = case((Member.admission_date < fifty_before, 1), else_=0)
    inner = (select(Member.cell_id.label("cell_id"), Organisation.path.label("path"),
                    profile_id.label("profile_id"), _retired(month).label("retired"), percent.label("percent"),
                    fifty.label("fifty"), is_paid.label("paid"))
             .select_from(Member).join(Organisation, Organisation.id == Member.cell_id)
             .where(Member.cell_id.in_(_cells_below(org)),
                    # `|| ''`: no index on the status, so SQLite reads the subtree's members by their cell's index
                    # rather than every active member of the tree by status (a ward's month 100 → ~10 ms)
                    type_coerce(Member.status, String).op("||")(literal_column("''")).in_(
                        [status.value for status in ACTIVE_STATUSES]),
                    or_(Member.admission_date.is_(None), Member.admission_date <= _month_end(month)))
             .subquery())
    profile = select(DuesProfile.id, DuesProfile.category, DuesProfile.base_amount).subquery()
    category = profile.c.category
    rate = case((category == Category.PENSION.value, rules.BASE_RATES[Category.PENSION]),
                else_=rules.BASE_RATES[Category.WAGE])
    full = (cast(profile.c.base_amount, BigInteger) * rate + 5000) // 10000  # integer division, as in rules
    amount = case((category.in_([c.value for c in BASED]), (full * (100 - inner.c.percent) + 50) // 100),
                  else_=literal(0))
    keys = (inner.c.cell_id, inner.c.path, category, inner.c.retired, inner.c.percent, inner.c.fifty,
            inner.c.paid)
    return db.session.execute(
        select(*keys, func.count(), func.sum(amount))
        .select_from(inner.outerjoin(profile, profile.c.id == inner.c.profile_id)).group_by(*keys))


def _payments_by_cell(org: Organisation, found: dict[int | None, Figures], below: Below, paths: dict[int, str],
                      first: date, last: date) -> None:
    """Adds to `found` what was paid for the months `first`..`last` and collected (paid on) from `first` to the end
    of `last`: two GROUP BYs over payments by cell, each read from a covering index — (month, cell, amount) and
    (paid on, cell, amount) — over the range."""
    for cell_id, summed in db.session.execute(
            select(DuesPayment.cell_id, func.sum(DuesPayment.amount))
            .where(DuesPayment.cell_id.in_(_cells_below(org)), DuesPayment.month >= first,
                   DuesPayment.month <= last)
            .group_by(DuesPayment.cell_id)):
        figures = found.setdefault(below.child_id(paths[cell_id]), Figures())
        figures.paid += int(summed or 0)
    for cell_id, summed in db.session.execute(
            select(DuesPayment.cell_id, func.sum(DuesPayment.amount))
            .where(DuesPayment.cell_id.in_(_cells_below(org)), DuesPayment.paid_on >= first,
                   DuesPayment.paid_on <= _month_end(last))
            .group_by(DuesPayment.cell_id)):
        found.setdefault(below.child_id(paths[cell_id]), Figures()).collected += int(summed or 0)


def month_figures(org: Organisation, month: date, below: Below, regions: dict[int, int | None],
                  paths: dict[int, str] | None = None, *, payments: bool = True) -> dict[int | None, Figures]:
    """The month's figures per organisation directly below `org` (None: `org`'s own cells); without `payments`,
    only what the members' query gives (not the amounts paid and collected)."""
    found: dict[int | None, Figures] = {}
    if month >= rules.RULE_START:
        for cell_id, path, category, retired, percent, fifty, is_paid, count, summed in _member_groups(org, month):
            figures = found.setdefault(below.child_id(path), Figures())
            figures.members += count
            figures.paid_count += count if is_paid else 0
            if fifty or percent >= rules.EXEMPT:
                figures.exempt += count
                continue
            if percent:
                figures.reduced += count
            category = Category(category) if category else None
            if category is None:
                amount = None
            elif category in BASED:
                amount = int(summed or 0)
            else:
                each = rules.full_amount(category, None, month, region=regions.get(cell_id), retired=bool(retired))
                amount = rules.reduced(each, percent) * count if each is not None else None
            if amount is None:
                figures.unknown += count
            else:
                figures.expected += amount
            if not is_paid:
                figures.unpaid_count += count
    if payments:
        paths = paths or dict(db.session.execute(select(Organisation.id, Organisation.path)
                                                 .where(in_subtree(Organisation.path, org.path))).all())
        _payments_by_cell(org, found, below, paths, month, month)
    return found


def dues_totals(org: Organisation, month: date, *, full_year: bool = False) -> Totals:
    """The month's figures of `org`'s subtree, per organisation directly below it, and the year to date's amounts
    paid and collected; with `full_year`, the year to date's expected amount and counts too (the month's members'
    query again for each earlier month of the year)."""
    month = rules.month_start(month)
    below = Below(org)
    regions = regions_by_cell(org)
    lines = {child_id: Line(child_id, name) for child_id, name in below.children}
    own = Line(None, org.name)
    paths = dict(db.session.execute(select(Organisation.id, Organisation.path)
                                    .where(in_subtree(Organisation.path, org.path))).all())

    def line_of(child_id: int | None) -> Line:
        return lines.get(child_id, own) if child_id is not None else own

    for child_id, figures in month_figures(org, month, below, regions, paths).items():
        line_of(child_id).month.add(figures)
        if full_year:  # the month's own members' figures, its payments being added over the year below
            line_of(child_id).year.add(replace(figures, paid=0, collected=0))
    if full_year:
        for m in rules.month_range(date(month.year, 1, 1), month)[:-1]:
            for child_id, figures in month_figures(org, m, below, regions, paths, payments=False).items():
                line_of(child_id).year.add(figures)
    year_paid: dict[int | None, Figures] = {}
    _payments_by_cell(org, year_paid, below, paths, date(month.year, 1, 1), month)
    for child_id, figures in year_paid.items():
        line_of(child_id).year.add(figures)
    total = Line(org.id, org.name)
    for line in [*lines.values(), own]:
        total.month.add(line.month)
        total.year.add(line.year)
    shown = list(lines.values())
    if own.month.members or own.year.paid:
        shown.insert(0, own)
    return Totals(org, month, shown, total,
                  no_region_cells=sum(1 for region in regions.values() if region is None), full_year=full_year)


def keeps_percent() -> int:
    from flask import current_app

    return max(0, min(100, int(current_app.config.get("DUES_CELL_KEEPS_PERCENT", 30))))


def remittance(collected: int) -> tuple[int, int]:
    """(kept by the cell, sent up) of what a cell collected in a month, the cell keeping DUES_CELL_KEEPS_PERCENT %
    rounded down to the đồng — the rest goes up."""
    kept = collected * keeps_percent() // 100
    return kept, collected - kept
