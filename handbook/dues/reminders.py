"""What the dues feature tells people, once a month from the configured day (`DUES_REMINDER_DAY`, in Hà Nội's
calendar): each member with an account whose current month is not recorded yet (not those exempt that month), and
each cell's leaders the number of their members in that case. Sent once per month (the dedupe key names the
month); a worker that was down on the day catches up on a later day of the same month."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import func, or_, select

from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.dues import rules
from handbook.dues.models import DuesPayment, DuesRelief
from handbook.extensions import db
from handbook.meetings.reminders import LEADER_ROLES, is_leader
from handbook.members.models import ACTIVE_STATUSES, Member
from handbook.members.service import still_in_cell_clause
from handbook.notify.kinds import register_kind
from handbook.notify.outbox import NotificationSpec, topic_for
from handbook.notify.rules import reminder_rule
from handbook.org.models import Position

DAY = 86400

UNPAID = register_kind("dues_unpaid", _l("Nhắc đóng đảng phí"))
CELL = register_kind("dues_cell", _l("Đảng viên chưa đóng đảng phí của chi bộ"), audience=is_leader)


def reminder_day() -> int:
    return max(1, min(28, int(current_app.config.get("DUES_REMINDER_DAY", 10))))


def _owing(month: date):
    """SQL conditions: a member in a cell, in the Party by the month's end, not exempt that month (50 years of
    membership, or an exemption decided), with nothing recorded for the month."""
    fifty_before = rules.next_month(month) - relativedelta(years=rules.FIFTY_YEARS)
    exempt = select(DuesRelief.member_id).where(
        DuesRelief.percent >= rules.EXEMPT, DuesRelief.from_month <= month,
        or_(DuesRelief.to_month.is_(None), DuesRelief.to_month >= month))
    paid = select(DuesPayment.member_id).where(DuesPayment.month == month)
    return (Member.status.in_(ACTIVE_STATUSES),
            or_(Member.admission_date.is_(None), Member.admission_date < rules.next_month(month)),
            or_(Member.admission_date.is_(None), Member.admission_date >= fifty_before),
            Member.id.not_in(exempt), Member.id.not_in(paid))


@reminder_rule("dues_unpaid")
def dues_unpaid(now: datetime) -> Iterator[NotificationSpec]:
    today = local_today(now)
    if today.day < reminder_day():
        return
    month = rules.month_start(today)
    shown = rules.format_month(month)
    key = month.strftime("%Y-%m")
    for member_id, user_id in db.session.execute(
            select(Member.id, Member.user_id).where(Member.user_id.is_not(None), *_owing(month))):
        yield NotificationSpec(
            user_id=user_id, kind=UNPAID, title=_("Đảng phí tháng %(m)s", m=shown),
            body=_("Đảng phí tháng %(m)s của đồng chí chưa được ghi nhận. Hãy nộp cho người thu đảng phí của chi bộ "
                   "hoặc qua Cổng Dịch vụ công quốc gia; xem mức phải đóng trong mục Đảng phí của tôi.", m=shown),
            url="/dues/me", dedupe_key=f"dues:{key}:m{member_id}", tag=f"dues-{key}", ttl_seconds=3 * DAY,
            topic=topic_for("dues", key))
    counts = dict(db.session.execute(select(Member.cell_id, func.count()).where(*_owing(month))
                                     .group_by(Member.cell_id)).all())
    if not counts:
        return
    for user_id, cell_id in db.session.execute(select(Position.user_id, Position.organisation_id).where(
            Position.organisation_id.in_(sorted(counts)), Position.role.in_(LEADER_ROLES),
            still_in_cell_clause(Position.user_id))):
        yield NotificationSpec(
            user_id=user_id, kind=CELL, title=_("%(n)d đảng viên chưa đóng đảng phí tháng %(m)s", n=counts[cell_id],
                                                m=shown),
            body=_("Chi bộ còn %(n)d đảng viên chưa được ghi nhận đảng phí tháng %(m)s. Hãy nhắc các đồng chí và ghi "
                   "nhận trên bảng thu của chi bộ khi đã thu.", n=counts[cell_id], m=shown),
            url=f"/dues/cells/{cell_id}?month={key}", dedupe_key=f"dues:{key}:cell{cell_id}:u{user_id}",
            tag=f"dues-cell-{cell_id}", ttl_seconds=3 * DAY, topic=topic_for("dues", "cell", cell_id, key))
