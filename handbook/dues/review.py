"""The "3 unpaid months in a year" list as SQL, for the committee's periodic reviews (`reports.reviews`, the
UNPAID_DUES list): members of the subtree with UNPAID_REVIEW or more months of the year that are over, in their
membership, not exempt (50 years of membership, an exemption decided) and with nothing recorded.

The year is the one of the last month that is over: in January, last year's twelve months. Months are counted as
year × 12 + month, so every figure is an integer expression the database evaluates per member; the cell's page
counts the same months in Python (`dues.sheet.unpaid_in_year`). A payment recorded for a month that was exempt
counts as paid (a rare case the list may then miss)."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import String, and_, case, extract, func, literal, literal_column, or_, select, type_coerce

from handbook.dues import rules
from handbook.dues.models import DuesPayment, DuesRelief
from handbook.dues.sheet import UNPAID_REVIEW
from handbook.members.models import ACTIVE_STATUSES, Member

FIFTY_MONTHS = rules.FIFTY_YEARS * 12


def _index(column):
    return extract("year", column) * 12 + extract("month", column)


def _at(value: date) -> int:
    return value.year * 12 + value.month


def window(today: date) -> tuple[date, date]:
    """(first, last) month of the year the list looks at: January to the last month that is over."""
    last = rules.month_start(today) - relativedelta(months=1)
    return date(last.year, 1, 1), last


def _later(a, b):
    return case((a > b, a), else_=b)


def _earlier(a, b):
    return case((a < b, a), else_=b)


def unpaid_months(today: date):
    """SQL: how many months of the window a member (the row of Member) owes and has not paid."""
    first, last = window(today)
    low, high = literal(_at(first)), literal(_at(last))
    joined = _index(Member.admission_date)
    start = case((Member.admission_date.is_(None), low), else_=_later(joined, low))
    fifty = _later(joined + FIFTY_MONTHS, start)
    fifty_exempt = case((and_(Member.admission_date.is_not(None), fifty <= high), high - fifty + 1), else_=0)
    relief_end = case((DuesRelief.to_month.is_(None), high), else_=_earlier(_index(DuesRelief.to_month), high))
    exempt = (select(func.coalesce(func.sum(relief_end - _later(_index(DuesRelief.from_month), start) + 1), 0))
              .where(DuesRelief.member_id == Member.id, DuesRelief.percent >= rules.EXEMPT,
                     DuesRelief.from_month <= last, or_(DuesRelief.to_month.is_(None), DuesRelief.to_month >= first),
                     or_(DuesRelief.to_month.is_(None), _index(DuesRelief.to_month) >= start))
              .scalar_subquery())
    paid = (select(func.count(DuesPayment.id))
            .where(DuesPayment.member_id == Member.id, DuesPayment.month >= first, DuesPayment.month <= last)
            .scalar_subquery())
    return high - start + 1 - fifty_exempt - exempt - paid


def unpaid_conditions(today: date) -> list:
    """WHERE conditions on Member for the list."""
    first, last = window(today)
    # `|| ''`: no index on the status, so SQLite reads the subtree's members by their cell rather than every
    # active member of the tree by status (as dues.totals does)
    return [type_coerce(Member.status, String).op("||")(literal_column("''")).in_(
                [status.value for status in ACTIVE_STATUSES]),
            or_(Member.admission_date.is_(None), Member.admission_date < rules.next_month(last)),
            unpaid_months(today) >= UNPAID_REVIEW]
