"""Demo dues, useful on any day of the year: every root of the tree in region I; the demo cell's last twelve months
recorded through the services (a pensioner, a student, a wage earner, a member 50 years in the Party, a reduction
with its decision, a few unpaid months and one member with three unpaid months this year, the current month partly
paid); every other cell bulk-inserted — a profile per member and the same twelve months, most paid — in bounded
batches. Dates derive from `now`, backwards."""
from __future__ import annotations

import random
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert, select

from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.core.timeutil import local_today
from handbook.dues import payments, rules, service
from handbook.dues.models import Category, DuesPayment, DuesProfile, DuesRegion, Method
from handbook.dues.payments import SheetRow
from handbook.extensions import db
from handbook.members.models import ACTIVE_STATUSES, Gender, Member, OccupationGroup
from handbook.members.retirement import is_retirement_age
from handbook.org.models import CELL_KINDS, Organisation

MONTHS = 12
BATCH = 5_000
#: the share of members who paid a past month, outside the demo cell
PAID_SHARE = 0.93
WAGES = (5_200_000, 6_800_000, 8_500_000, 11_000_000, 14_500_000, 19_000_000)
PENSIONS = (4_200_000, 5_600_000, 7_300_000, 9_100_000)


def _months(today: date) -> list[date]:
    """The last twelve months, from January of the year the review looks at (in January, 13 months)."""
    this = rules.month_start(today)
    start = min(this - relativedelta(months=MONTHS - 1), date((this - relativedelta(months=1)).year, 1, 1))
    return rules.month_range(start, this)


def _paid_on(month: date, today: date, day: int) -> date:
    return min(month.replace(day=min(day, 28)), today)


def _category(birth: date | None, gender: Gender | None, group, today: date, roll: float) -> Category:
    if group == OccupationGroup.HOC_SINH_SINH_VIEN:
        return Category.STUDENT
    if group == OccupationGroup.HUU_TRI or is_retirement_age(birth, gender, today):
        return Category.PENSION
    return Category.WAGE if roll < 0.55 else Category.OTHER


def seed_demo_dues(secretary_email: str, member_email: str, now: datetime, *, skip_bulk: bool = False) -> int:
    """Returns how many months were recorded in all."""
    today = local_today(now)
    rng = random.Random(2026)
    secretary = db.session.scalar(select(User).where(User.email == secretary_email))
    actor = Actor(user_id=secretary.id if secretary else None)
    for root in db.session.scalars(select(Organisation).where(Organisation.parent_id.is_(None))):
        db.session.add(DuesRegion(organisation_id=root.id, region=1, set_by_id=actor.user_id))
    db.session.commit()
    cell_id = db.session.scalar(select(Member.cell_id).join(User, User.id == Member.user_id)
                                .where(User.email == secretary_email))
    made = _demo_cell(db.session.get(Organisation, cell_id), member_email, actor, today, rng) if cell_id else 0
    if not skip_bulk:
        made += _bulk(cell_id, today, rng)
    return made


def _demo_cell(cell: Organisation, member_email: str, actor: Actor, today: date, rng: random.Random) -> int:
    members = list(db.session.scalars(select(Member).where(Member.cell_id == cell.id,
                                                           Member.status.in_(ACTIVE_STATUSES))
                                      .order_by(Member.admission_date, Member.id)))
    if not members:
        return 0
    months = _months(today)
    first = months[0]
    own = db.session.scalar(select(Member).join(User, User.id == Member.user_id).where(User.email == member_email))
    student = next((m for m in members if m.occupation_group == OccupationGroup.HOC_SINH_SINH_VIEN), members[-1])
    for index, member in enumerate(members):
        if member is own:
            category, base = Category.WAGE, 9_000_000
        elif member is student:
            category, base = Category.STUDENT, None
        else:
            category = _category(member.birth_date, member.gender, member.occupation_group, today, rng.random())
            base = rng.choice(PENSIONS if category is Category.PENSION else WAGES) \
                if category in (Category.WAGE, Category.PENSION) else None
        service.set_profile(member, category, base, min(first, rules.RULE_START), actor, today=today)
        if index == 2 and category in (Category.WAGE, Category.PENSION):  # a raise three months ago
            service.set_profile(member, category, base + 1_000_000, months[-3], actor, today=today)
    reduced = members[3 % len(members)]
    if reduced is not own:
        service.add_relief(reduced, "reduction", "50", months[-5], months[-5] + relativedelta(months=11),
                           "15-QĐ/ĐU", months[-5] - relativedelta(days=3), actor, today=today)
    # who leaves which months unpaid: one member three months of the year the review looks at (the last three
    # months that are over — in February and March only two or one of this year are), two others one month
    unpaid: dict[int, set[date]] = {}
    late = members[4 % len(members)]
    if late is not own:
        unpaid[late.id] = set(months[-4:-1])
    for member in members[5:7]:
        unpaid.setdefault(member.id, set()).add(months[-2])
    made = 0
    for month in months:
        current = month == months[-1]
        rows = {}
        for index, member in enumerate(members):
            if member.admission_date and rules.month_start(member.admission_date) > month:
                continue
            if month in unpaid.get(member.id, ()) or (current and index % 2 == 1):
                continue  # unpaid; this month, every other member has not paid yet
            owed = service.expected_for(member, month, region=1, profiles=service.profiles_of([member.id])[member.id],
                                        reliefs=service.reliefs_of([member.id])[member.id])
            if owed.amount == 0:
                continue  # exempt
            rows[member.id] = SheetRow(True, owed.amount or 10_000)
        portal = month.month % 3 == 0
        if portal:
            rows = {mid: SheetRow(True, row.amount, f"DVC{month:%Y%m}{mid:05d}") for mid, row in rows.items()}
        made += payments.record_sheet(cell, month, rows, "portal" if portal else "cash",
                                      _paid_on(month, today, 6 + month.month % 5), actor, today=today)
    return made


def _bulk(skip_cell_id: int | None, today: date, rng: random.Random) -> int:
    """Every other cell's members: a profile each and twelve months of payments, inserted BATCH rows at a time."""
    months = _months(today)
    first = min(months[0], rules.RULE_START)
    minimum = rules.percent_of(rules.regional_minimum(1, rules.RULE_START), rules.other_rate(rules.RULE_START, False))
    profiles, paid, made = [], [], 0
    query = (select(Member.id, Member.cell_id, Member.birth_date, Member.gender, Member.occupation_group,
                    Member.admission_date)
             .join(Organisation, Organisation.id == Member.cell_id)
             .where(Organisation.kind.in_(CELL_KINDS), Member.status.in_(ACTIVE_STATUSES))
             .order_by(Member.id))
    if skip_cell_id is not None:
        query = query.where(Member.cell_id != skip_cell_id)

    def flush(force: bool = False) -> None:
        nonlocal made
        for model, rows in ((DuesProfile, profiles), (DuesPayment, paid)):
            if rows and (force or len(rows) >= BATCH):
                db.session.execute(insert(model), rows)
                made += len(rows) if model is DuesPayment else 0
                rows.clear()

    day = today.day
    for member_id, cell_id, birth, gender, group, admitted in db.session.execute(
            query.execution_options(yield_per=BATCH)).all():
        category = _category(birth, gender, group, today, rng.random())
        base = rng.choice(PENSIONS if category is Category.PENSION else WAGES) \
            if category in (Category.WAGE, Category.PENSION) else None
        profiles.append({"member_id": member_id, "from_month": first, "category": category.value,
                         "base_amount": base})
        amount = (rules.percent_of(base, rules.BASE_RATES[category]) if base else
                  rules.STUDENT_AMOUNT if category is Category.STUDENT else minimum)
        for month in months:
            if admitted and rules.month_start(admitted) > month:
                continue
            chance = PAID_SHARE if month < months[-1] else min(0.9, day / 25)
            if rng.random() >= chance:
                continue
            paid.append({"member_id": member_id, "cell_id": cell_id, "month": month, "amount": amount,
                         "expected": amount, "method": Method.CASH.value, "reference": None,
                         "paid_on": _paid_on(month, today, 5 + member_id % 15)})
        flush()
    flush(force=True)
    db.session.commit()
    return made
