"""A member's own dues: their months and amounts (expected, paid, when, how) for this year and past years."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required

from handbook.caller import current_access
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.core.web import require
from handbook.dues import labels, rules, sheet
from handbook.dues.blueprints import my_dues_bp
from handbook.extensions import db
from handbook.members.models import Member

#: the first year a member may look at
FIRST_YEAR = 2000


def year_from(raw: str | None, today) -> int:
    """`?year=` as given (this year when absent): 400 with the reason otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return today.year
    if not raw.isascii() or not raw.isdigit() or not FIRST_YEAR <= int(raw) <= today.year + 1:
        abort(400, _("Năm phải là một số từ %(first)d đến %(last)d.", first=FIRST_YEAR, last=today.year + 1))
    return int(raw)


def own_member() -> Member:
    """The caller's own member record (404 for an account without one)."""
    access = current_access()
    require(access.member_id is not None)
    return db.session.get(Member, access.member_id)


@my_dues_bp.get("/dues/me")
@login_required
def mine():
    member = own_member()
    today = local_today()
    year = year_from(request.args.get("year"), today)
    months = sheet.member_year(member, year, today=today)
    first = member.admission_date.year if member.admission_date else today.year
    return render_template("dues/mine.html", member=member, year=year, months=months, today=today, labels=labels,
                           rules=rules, years=list(range(max(first, FIRST_YEAR), today.year + 1))[::-1],
                           expected=sum(line.expected.amount or 0 for line in months
                                        if line.expected is not None and line.is_past),
                           paid=sum(line.payment.amount for line in months if line.payment is not None),
                           unpaid=[line.month for line in months if line.unpaid])
