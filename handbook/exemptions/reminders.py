"""What the exemption feature tells people, through the outbox: the cell's leaders when a request waits; the member
and the leaders EXEMPTION_REMINDER_DAYS days before a temporary exemption ends, and once it has ended (the member
is back at meetings). Each is sent once per exemption (its dedupe key names the exemption and the event)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from handbook.admission.reminders import cell_leaders
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.exemptions.models import Exemption, ExemptionKind, ExemptionStatus
from handbook.exemptions.rules import reminder_days
from handbook.extensions import db
from handbook.meetings.reminders import is_leader
from handbook.members.models import LEFT_STATUSES, Member, MemberStatus
from handbook.notify.kinds import register_kind
from handbook.notify.models import Urgency
from handbook.notify.outbox import NotificationSpec
from handbook.notify.rules import reminder_rule

DAY = 86400
#: an end is announced for this many days after it (a worker that was down still sends it)
BACK_WINDOW = 3

MEMBER = register_kind("exemption", _l("Miễn, tạm miễn sinh hoạt đảng"))
LEADER = register_kind("exemption_task", _l("Đơn xin miễn sinh hoạt đảng chờ chi bộ xem xét"), audience=is_leader)


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


def _spec(user_id: int, kind: str, event: str, title: str, body: str, url: str) -> NotificationSpec:
    return NotificationSpec(user_id=user_id, kind=kind, title=title, body=body, url=url,
                            dedupe_key=f"{event}:u{user_id}", tag=event[:64], urgency=Urgency.NORMAL,
                            ttl_seconds=3 * DAY)


@reminder_rule("exemption_waiting")
def waiting(now: datetime) -> Iterator[NotificationSpec]:
    """To the cell's leaders, once per request waiting for the cell's decision."""
    rows = db.session.scalars(select(Exemption).options(joinedload(Exemption.member))
                              .where(Exemption.status == ExemptionStatus.PENDING)).all()
    leaders = cell_leaders({row.member.cell_id for row in rows})
    for row in rows:
        title = _("Đơn xin miễn sinh hoạt chờ xem xét: %(name)s", name=row.member.full_name)
        body = _("Đồng chí %(name)s xin %(kind)s từ ngày %(start)s. Chi bộ hãy xem xét và ghi nhận quyết định "
                 "trong ứng dụng.", name=row.member.full_name, start=_day(row.starts_on),
                 kind=_("tạm miễn sinh hoạt") if row.kind is ExemptionKind.TAM_MIEN
                 else _("miễn công tác và sinh hoạt đảng"))
        for user_id in leaders.get(row.member.cell_id, ()):
            yield _spec(user_id, LEADER, f"exemption:{row.id}:waiting", title, body, f"/exemptions/{row.id}")


def _people(row: Exemption, leaders: dict[int, list[int]]) -> list[tuple[int, str, str]]:
    """(user, kind, link) for the member (when they have an account) and each of the cell's leaders."""
    people = []
    if row.member.user_id is not None:
        people.append((row.member.user_id, MEMBER, "/me/exemptions"))
    people += [(user_id, LEADER, f"/exemptions/{row.id}") for user_id in leaders.get(row.member.cell_id, ())
               if user_id != row.member.user_id]
    return people


@reminder_rule("exemption_ending")
def ending(now: datetime) -> Iterator[NotificationSpec]:
    """Once per temporary exemption, from EXEMPTION_REMINDER_DAYS days before its last day."""
    today = local_today(now)
    rows = db.session.scalars(select(Exemption).options(joinedload(Exemption.member))
                              .join(Member, Member.id == Exemption.member_id).where(
        Exemption.status == ExemptionStatus.APPROVED, Exemption.kind == ExemptionKind.TAM_MIEN,
        Exemption.started.is_(True), Exemption.until.is_not(None),
        Exemption.until >= today, Exemption.until <= today + timedelta(days=reminder_days()),
        Member.status.not_in(LEFT_STATUSES))).all()  # not one who left meanwhile: there is no return to announce
    leaders = cell_leaders({row.member.cell_id for row in rows})
    for row in rows:
        back = _day(row.until + timedelta(days=1))
        for user_id, kind, url in _people(row, leaders):
            if kind == MEMBER:
                title = _("Sắp hết thời gian tạm miễn sinh hoạt")
                body = _("Thời gian tạm miễn sinh hoạt của đồng chí hết ngày %(end)s. Từ ngày %(back)s, đồng chí trở "
                         "lại sinh hoạt cùng chi bộ; nếu vẫn chưa thể, hãy làm đơn mới trước ngày đó.",
                         end=_day(row.until), back=back)
            else:
                title = _("Sắp hết tạm miễn sinh hoạt: %(name)s", name=row.member.full_name)
                body = _("Đồng chí %(name)s hết thời gian tạm miễn sinh hoạt ngày %(end)s và trở lại sinh hoạt từ "
                         "ngày %(back)s. Hãy báo cho đồng chí lịch sinh hoạt của chi bộ.",
                         name=row.member.full_name, end=_day(row.until), back=back)
            yield _spec(user_id, kind, f"exemption:{row.id}:ending", title, body, url)


@reminder_rule("exemption_back")
def back(now: datetime) -> Iterator[NotificationSpec]:
    """Once per exemption that ended (at its end day or early), within BACK_WINDOW days of the first day back, for a
    member back in the cell."""
    today = local_today(now)
    rows = db.session.scalars(select(Exemption).options(joinedload(Exemption.member))
                              .join(Member, Member.id == Exemption.member_id).where(
        Exemption.status == ExemptionStatus.ENDED, Exemption.ended_on <= today,
        Exemption.ended_on > today - timedelta(days=BACK_WINDOW),
        Member.status.in_((MemberStatus.CHINH_THUC, MemberStatus.DU_BI)))).all()  # not one who left meanwhile
    leaders = cell_leaders({row.member.cell_id for row in rows})
    for row in rows:
        for user_id, kind, url in _people(row, leaders):
            if kind == MEMBER:
                title = _("Đồng chí đã trở lại sinh hoạt")
                body = _("Thời gian miễn sinh hoạt của đồng chí đã kết thúc; từ ngày %(back)s đồng chí đã trở lại "
                         "sinh hoạt cùng chi bộ. Hãy xem lịch sinh hoạt sắp tới.", back=_day(row.ended_on))
            else:
                title = _("%(name)s đã trở lại sinh hoạt", name=row.member.full_name)
                body = _("Đồng chí %(name)s đã trở lại sinh hoạt từ ngày %(back)s và được mời dự các buổi sinh hoạt "
                         "của chi bộ.", name=row.member.full_name, back=_day(row.ended_on))
            yield _spec(user_id, kind, f"exemption:{row.id}:back", title, body, url)
