"""What the pages show: a cell's sheet for a month (every member expected, with what they owe and what they paid,
and the month's totals), a member's months of a year, and the members with 3 or more unpaid months in a year.
One cell at a time: its members' profiles, reliefs and payments are read in one query each."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from handbook.dues import rules, service
from handbook.dues.models import DuesPayment
from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.models import ACTIVE_STATUSES, Member
from handbook.org.models import Organisation

#: unpaid months in a calendar year from which the committee considers the member (xóa tên)
UNPAID_REVIEW = 3


@dataclass
class Line:
    member: Member
    expected: rules.Expected
    payment: DuesPayment | None


@dataclass
class Sheet:
    cell: Organisation
    month: date
    region: int | None
    lines: list[Line]
    expected: int = 0     #: the sum of what is expected (known amounts only)
    paid: int = 0
    members: int = 0      #: members on the sheet
    paid_count: int = 0
    unpaid_count: int = 0  #: owing something and nothing recorded
    exempt: int = 0
    reduced: int = 0
    unknown: int = 0      #: no amount computed (no profile, no region)
    unpaid_review: list[tuple[Member, int]] = field(default_factory=list)


def _month_end(month: date) -> date:
    return date.fromordinal(rules.next_month(month).toordinal() - 1)


def cell_members(cell: Organisation, month: date) -> list[Member]:
    """Members on the cell's sheet for `month`: those placed in the cell, in the Party by the month's end, plus
    anyone whose payment for the month the cell recorded."""
    paid_here = select(DuesPayment.member_id).where(DuesPayment.cell_id == cell.id, DuesPayment.month == month)
    placed = (Member.cell_id == cell.id) & Member.status.in_(ACTIVE_STATUSES) & or_(
        Member.admission_date.is_(None), Member.admission_date <= _month_end(month))
    members = list(db.session.scalars(select(Member).where(or_(placed, Member.id.in_(paid_here)))))
    return sorted(members, key=lambda m: (name_sort_key(m.full_name), m.id))


def cell_sheet(cell: Organisation, month: date, *, today: date) -> Sheet:
    month = rules.month_start(month)
    members = cell_members(cell, month)
    ids = [m.id for m in members]
    profiles, reliefs = service.profiles_of(ids), service.reliefs_of(ids)
    payments = {p.member_id: p for p in db.session.scalars(
        select(DuesPayment).where(DuesPayment.month == month, DuesPayment.member_id.in_(ids)))} if ids else {}
    region = service.region_of(cell)
    sheet = Sheet(cell, month, region, [])
    for member in members:
        owed = service.expected_for(member, month, region=region, profiles=profiles[member.id],
                                    reliefs=reliefs[member.id])
        payment = payments.get(member.id)
        sheet.lines.append(Line(member, owed, payment))
        sheet.members += 1
        sheet.expected += owed.amount or 0
        if payment is not None:
            sheet.paid += payment.amount
            sheet.paid_count += 1
        elif owed.is_due or owed.amount is None and owed.status != rules.Status.BEFORE_RULE:
            sheet.unpaid_count += 1
        if owed.status in (rules.Status.EXEMPT, rules.Status.FIFTY_YEARS):
            sheet.exempt += 1
        elif owed.percent:
            sheet.reduced += 1
        if owed.amount is None and owed.status != rules.Status.BEFORE_RULE:
            sheet.unknown += 1
    sheet.unpaid_review = unpaid_in_year(cell, month.year, today=today, members=members)
    return sheet


@dataclass
class MonthLine:
    month: date
    expected: rules.Expected | None  #: None: not a member that month
    payment: DuesPayment | None
    is_past: bool

    @property
    def unpaid(self) -> bool:
        return (self.expected is not None and self.payment is None and self.is_past
                and self.expected.status not in (rules.Status.EXEMPT, rules.Status.FIFTY_YEARS))


def member_year(member: Member, year: int, *, today: date) -> list[MonthLine]:
    """The member's twelve months of `year`: what they owed and what they paid (months outside their membership
    have no expected amount)."""
    months = [date(year, m, 1) for m in range(1, 13)]
    payments = {p.month: p for p in db.session.scalars(
        select(DuesPayment).where(DuesPayment.member_id == member.id, DuesPayment.month >= months[0],
                                  DuesPayment.month <= months[-1]))}
    profiles, reliefs = service.profiles_of([member.id])[member.id], service.reliefs_of([member.id])[member.id]
    region = service.region_of(member.cell)
    gone = service.left_month(member)
    current = rules.month_start(today)
    lines = []
    for month in months:
        inside = ((member.admission_date is None or rules.month_start(member.admission_date) <= month)
                  and (gone is None or month <= gone))
        owed = service.expected_for(member, month, region=region, profiles=profiles, reliefs=reliefs) \
            if inside else None
        lines.append(MonthLine(month, owed, payments.get(month), month < current))
    return lines


def unpaid_months(member: Member, year: int, *, today: date, region: int | None, profiles, reliefs,
                  paid: set[date]) -> int:
    """Months of `year` that are over, in the member's membership, not exempt, and with nothing recorded."""
    current = rules.month_start(today)
    count = 0
    for month in rules.month_range(date(year, 1, 1), date(year, 12, 1)):
        if month >= current or month in paid:
            continue
        if member.admission_date is not None and month < rules.month_start(member.admission_date):
            continue
        owed = service.expected_for(member, month, region=region, profiles=profiles, reliefs=reliefs)
        if owed.status in (rules.Status.EXEMPT, rules.Status.FIFTY_YEARS):
            continue
        count += 1
    return count


def unpaid_in_year(cell: Organisation, year: int, *, today: date, members: list[Member] | None = None
                   ) -> list[tuple[Member, int]]:
    """The cell's members with UNPAID_REVIEW or more unpaid months in `year` (months over and due), most first."""
    members = members if members is not None else cell_members(cell, rules.month_start(today))
    members = [m for m in members if m.cell_id == cell.id and m.status in ACTIVE_STATUSES]
    ids = [m.id for m in members]
    if not ids:
        return []
    paid: dict[int, set[date]] = {member_id: set() for member_id in ids}
    for member_id, month in db.session.execute(
            select(DuesPayment.member_id, DuesPayment.month).where(
                DuesPayment.member_id.in_(ids), DuesPayment.month >= date(year, 1, 1),
                DuesPayment.month <= date(year, 12, 1))):
        paid[member_id].add(month)
    profiles, reliefs = service.profiles_of(ids), service.reliefs_of(ids)
    region = service.region_of(cell)
    found = []
    for member in members:
        count = unpaid_months(member, year, today=today, region=region, profiles=profiles[member.id],
                              reliefs=reliefs[member.id], paid=paid[member.id])
        if count >= UNPAID_REVIEW:
            found.append((member, count))
    return sorted(found, key=lambda pair: (-pair[1], name_sort_key(pair[0].full_name), pair[0].id))


def paid_of_due(members: list[Member], year: int, *, today: date) -> dict[int, tuple[int, int]]:
    """For each member: (months paid, months due) of `year` — the months over, inside their membership and not
    exempt, and how many of those have a payment recorded (the evaluation shows it beside a self-assessment). Four
    statements however many members: payments, profiles, reliefs, and each cell's region once."""
    ids = [m.id for m in members]
    if not ids:
        return {}
    paid: dict[int, set[date]] = {member_id: set() for member_id in ids}
    for member_id, month in db.session.execute(
            select(DuesPayment.member_id, DuesPayment.month).where(
                DuesPayment.member_id.in_(ids), DuesPayment.month >= date(year, 1, 1),
                DuesPayment.month <= date(year, 12, 1))):
        paid[member_id].add(month)
    profiles, reliefs = service.profiles_of(ids), service.reliefs_of(ids)
    regions = {cell.id: service.region_of(cell) for cell in {m.cell for m in members}}
    current = rules.month_start(today)
    result = {}
    for member in members:
        gone = service.left_month(member)
        joined = rules.month_start(member.admission_date) if member.admission_date else None
        due = [month for month in rules.month_range(date(year, 1, 1), date(year, 12, 1))
               if month < current and (joined is None or joined <= month) and (gone is None or month <= gone)
               and service.expected_for(member, month, region=regions[member.cell_id], profiles=profiles[member.id],
                                        reliefs=reliefs[member.id]).status
               not in (rules.Status.EXEMPT, rules.Status.FIFTY_YEARS)]
        result[member.id] = (sum(1 for month in due if month in paid[member.id]), len(due))
    return result


def received(cell: Organisation, month: date) -> list[DuesPayment]:
    """Payments the cell received during `month` (any month paid for), by day: the remittance sheet's lines."""
    return list(db.session.scalars(
        select(DuesPayment).where(DuesPayment.cell_id == cell.id, DuesPayment.paid_on >= month,
                                  DuesPayment.paid_on <= _month_end(month))
        .order_by(DuesPayment.paid_on, DuesPayment.id)))
