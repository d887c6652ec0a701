"""The dues rules as pure functions (docs/domain.md: Dues): the expected amount of a member for a month, the
exemptions and reductions, the months a payment may cover, and money as Vietnamese write it.

Amounts are whole đồng. A percentage is kept in basis points (1 % = 100) so that every figure stays an integer;
an amount is rounded half up to the đồng — the text gives percentages and no rounding rule, so this is the app's
choice, and the same arithmetic runs in SQL for the committee's totals (`dues.totals`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from handbook.dues.models import BASED, Category

#: the first month the 2026 rule applies to (in force 1 February 2026); earlier months keep what was recorded
RULE_START = date(2026, 2, 1)
#: from this month the shares of the regional minimum wage rise
RISE_START = date(2028, 1, 1)
#: basis points of the member's own base amount
BASE_RATES = {Category.WAGE: 100, Category.BENEFIT: 100, Category.PENSION: 50}
STUDENT_AMOUNT = 5_000
#: (below retirement age, at or above it), basis points of the regional minimum wage
OTHER_RATES = {RULE_START: (30, 20), RISE_START: (50, 30)}
#: the regional minimum wage per month by region, from the day each decree applies
REGIONAL_MINIMUM = (
    (date(2026, 1, 1), {1: 5_310_000, 2: 4_730_000, 3: 4_140_000, 4: 3_700_000}),  # Nghị định 293/2025/NĐ-CP
)
REGIONS = (1, 2, 3, 4)
REDUCTIONS = (30, 50, 70)
EXEMPT = 100
#: the longest reduction one decision may give, in months
MAX_REDUCTION_MONTHS = 12
FIFTY_YEARS = 50
#: an amount above this for one month is a typing mistake, not dues
MAX_MONTHLY = 10_000_000
#: a base amount (a wage, a pension) above this is a typing mistake
MAX_BASE = 1_000_000_000


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return month_start(month) + relativedelta(months=1)


def months_between(first: date, last: date) -> int:
    """How many months from `first`'s month to `last`'s, counting both (0 when `last` is earlier)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def month_range(first: date, last: date) -> list[date]:
    return [month_start(first) + relativedelta(months=i) for i in range(months_between(first, last))]


def percent_of(amount: int, basis_points: int) -> int:
    """`amount` × basis points / 10 000, rounded half up to the đồng."""
    return (amount * basis_points + 5_000) // 10_000


def reduced(amount: int, percent: int) -> int:
    """`amount` less `percent` %, rounded half up to the đồng."""
    return (amount * (100 - percent) + 50) // 100


def regional_minimum(region: int | None, month: date) -> int | None:
    """The regional minimum wage that applies in `month` in `region`; None when either is unknown."""
    if region not in REGIONS:
        return None
    found = None
    for since, table in REGIONAL_MINIMUM:
        if since <= month:
            found = table[region]
    return found


def other_rate(month: date, retired: bool) -> int:
    """Basis points of the regional minimum wage for a member with neither insurance nor a pension."""
    rates = OTHER_RATES[RISE_START] if month >= RISE_START else OTHER_RATES[RULE_START]
    return rates[1] if retired else rates[0]


def fifty_years_month(admission_date: date | None) -> date | None:
    """The first month a member is exempt for 50 years of membership: the month of the 50th anniversary of their
    admission (a member admitted on 29/02 reaches it in February)."""
    if admission_date is None:
        return None
    return month_start(admission_date.replace(day=1) + relativedelta(years=FIFTY_YEARS))


class Status:
    """Why a month's expected amount is what it is."""

    DUE = "due"                  # an amount is expected
    BEFORE_RULE = "before_rule"  # before February 2026: only what was recorded
    NO_PROFILE = "no_profile"    # the cell has not set the member's category
    NO_REGION = "no_region"      # a share of the regional minimum wage, and no region is set above the cell
    EXEMPT = "exempt"            # exempt that month (a decision, or 50 years of membership)
    FIFTY_YEARS = "fifty_years"  # exempt for 50 years of membership


@dataclass(frozen=True)
class Expected:
    status: str
    amount: int | None = None  #: what is expected, after a reduction; 0 when exempt; None when not computed
    full: int | None = None    #: before the reduction
    percent: int = 0           #: the reduction (100: exempt by decision)

    @property
    def is_due(self) -> bool:
        return self.status == Status.DUE and bool(self.amount)


def full_amount(category: Category, base: int | None, month: date, *, region: int | None,
                retired: bool) -> int | None:
    """The monthly amount before any relief; None when it cannot be computed (no base, no region)."""
    if category in BASED:
        return percent_of(base, BASE_RATES[category]) if base is not None else None
    if category is Category.STUDENT:
        return STUDENT_AMOUNT
    minimum = regional_minimum(region, month)
    return percent_of(minimum, other_rate(month, retired)) if minimum is not None else None


def expected(month: date, *, category: Category | None, base: int | None, region: int | None, retired: bool,
             admission_date: date | None, relief_percent: int = 0) -> Expected:
    """What a member owes for `month`: from their category as of that month, the region where they attend, whether
    they have reached the retirement age by the month's end, 50 years of membership and a relief decided for
    that month (the highest percentage when several)."""
    month = month_start(month)
    if month < RULE_START:
        return Expected(Status.BEFORE_RULE)
    fifty = fifty_years_month(admission_date)
    if fifty is not None and fifty <= month:
        return Expected(Status.FIFTY_YEARS, 0, None, EXEMPT)
    if relief_percent >= EXEMPT:
        return Expected(Status.EXEMPT, 0, None, EXEMPT)
    if category is None:
        return Expected(Status.NO_PROFILE)
    full = full_amount(category, base, month, region=region, retired=retired)
    if full is None:
        return Expected(Status.NO_REGION if category is Category.OTHER else Status.NO_PROFILE)
    return Expected(Status.DUE, reduced(full, relief_percent), full, relief_percent)


def latest_advance_month(today: date, max_advance: int) -> date:
    """The last month a payment may cover on `today`: this month and `max_advance` months after it."""
    return month_start(today) + relativedelta(months=max_advance)


def format_dong(amount: int | None) -> str:
    """12345 → "12.345 đ" (the Vietnamese thousands dot); None → "—"."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " đ"


def format_month(month: date) -> str:
    return f"{month.month:02d}/{month.year}"


def parse_month(text: str | None) -> date | None:
    """"2026-11" or "11/2026" → 1 November 2026; None when it cannot be read."""
    text = (text or "").strip()
    try:
        if "/" in text:
            month, year = text.split("/")
        elif "-" in text:
            year, month = text.split("-")
        else:
            return None
        if not (year.isascii() and year.isdigit() and month.isascii() and month.isdigit()) or len(year) != 4:
            return None
        value = date(int(year), int(month), 1)
    except ValueError:
        return None
    return value if 2000 <= value.year <= 2100 else None
