"""What the admission feature tells people: the cells' leaders are reminded of overdue and soon-due files, and a
probationary member's sponsor too when the 12 months are about to end (a reminder rule plugged into notify)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from handbook.admission.deadlines import CEREMONY, DECISION, RECOGNITION, REVIEW, STALE, DueItem, due_items
from handbook.admission.models import Candidate, CandidateStatus
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.meetings.reminders import LEADER_ROLES, is_leader
from handbook.members.models import Member
from handbook.members.service import still_in_cell_clause
from handbook.notify.kinds import register_kind
from handbook.notify.models import Urgency
from handbook.notify.outbox import NotificationSpec, topic_for
from handbook.notify.rules import reminder_rule
from handbook.org.models import Position

DAY = 86400


def is_leader_or_sponsor(user_id: int) -> bool:
    """Who the admission reminders may reach: the leaders, and members who sponsor a probationary member."""
    return is_leader(user_id) or db.session.scalar(
        select(Candidate.id).join(Member, Member.id == Candidate.sponsor_id)
        .where(Member.user_id == user_id, Candidate.status == CandidateStatus.DU_BI).limit(1)) is not None


TASK = register_kind("admission_task", _l("Hạn hồ sơ kết nạp và công nhận đảng viên"), audience=is_leader_or_sponsor)


def cell_leaders(cell_ids) -> dict[int, list[int]]:
    """Each cell's bí thư, phó bí thư and cấp ủy viên (positions held on the cell itself), not one who left: one
    query for every cell."""
    leaders: dict[int, set[int]] = {}
    if not cell_ids:
        return {}
    for user_id, org_id in db.session.execute(select(Position.user_id, Position.organisation_id).where(
            Position.organisation_id.in_(list(cell_ids)), Position.role.in_(LEADER_ROLES),
            still_in_cell_clause(Position.user_id))):
        leaders.setdefault(org_id, set()).add(user_id)
    return {org_id: sorted(users) for org_id, users in leaders.items()}


def sponsor_accounts(member_ids) -> dict[int, int]:
    """Sponsor member id → their account (those who have one)."""
    if not member_ids:
        return {}
    return dict(db.session.execute(select(Member.id, Member.user_id).where(
        Member.id.in_(list(member_ids)), Member.user_id.is_not(None))).all())


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


def texts(item: DueItem) -> tuple[str, str]:
    """(title, body) of the reminder of one item: what is due, for whom, by which day."""
    due = _day(item.due_on)
    if item.code == RECOGNITION:
        title = _("Sắp hết thời gian dự bị: %(name)s", name=item.full_name)
        body = _("Đồng chí %(name)s hết 12 tháng dự bị ngày %(end)s. Chi bộ xét công nhận đảng viên chính thức "
                 "chậm nhất ngày %(due)s; hãy chuẩn bị bản tự kiểm điểm, nhận xét của đảng viên giúp đỡ và các "
                 "ý kiến nhận xét.", name=item.full_name, end=_day(item.probation_end), due=due)
        if item.overdue:
            title = _("Quá hạn xét công nhận đảng viên chính thức: %(name)s", name=item.full_name)
            body = _("Hạn xét công nhận đảng viên chính thức của đồng chí %(name)s là ngày %(due)s. Chi bộ hãy họp "
                     "xét và gửi hồ sơ lên cấp ủy cấp trên.", name=item.full_name, due=due)
        return title, body
    if item.code == REVIEW:
        return (_("Rà soát danh sách quần chúng ưu tú"),
                _("Chi bộ %(cell)s cần rà soát danh sách quần chúng ưu tú, hạn ngày %(due)s. Hãy ghi lại kết quả "
                  "rà soát trong ứng dụng.", cell=item.cell_name, due=due))
    what = {DECISION: _("quyết định kết nạp của cấp ủy có thẩm quyền"), CEREMONY: _("tổ chức lễ kết nạp"),
            STALE: _("nghị quyết đề nghị kết nạp của chi bộ")}[item.code]
    if item.code == STALE:
        return (_("Hồ sơ kết nạp để quá lâu: %(name)s", name=item.full_name),
                _("Hồ sơ của quần chúng %(name)s chưa có %(what)s và đã quá 12 tháng từ ngày làm đơn (%(due)s). "
                  "Hãy rà soát, làm lại các thành phần đã hết hiệu lực.", name=item.full_name, what=what, due=due))
    if item.overdue:
        return (_("Quá hạn: %(name)s", name=item.full_name),
                _("Hạn %(what)s cho quần chúng %(name)s là ngày %(due)s và đã qua. Hãy làm ngay hoặc báo cáo "
                  "cấp ủy cấp trên.", what=what, name=item.full_name, due=due))
    return (_("Sắp đến hạn: %(name)s", name=item.full_name),
            _("Hạn %(what)s cho quần chúng %(name)s là ngày %(due)s.", what=what, name=item.full_name, due=due))


def _url(item: DueItem) -> str:
    if item.candidate_id is None:
        return f"/admission/cells/{item.cell_id}/due"
    return f"/admission/candidates/{item.candidate_id}"


@reminder_rule("admission_deadlines")
def admission_deadlines(now: datetime) -> Iterator[NotificationSpec]:
    """To each cell's leaders, one notice per overdue or soon item (sent once for its due day); a probationary
    member's recognition also to their sponsor, from ADMISSION_REMIND_DAYS days before the 12 months end."""
    items = due_items(None, local_today(now))
    leaders = cell_leaders({item.cell_id for item in items})
    sponsors = sponsor_accounts({item.sponsor_id for item in items if item.code == RECOGNITION and item.sponsor_id})
    for item in items:
        users = list(leaders.get(item.cell_id, ()))
        if item.code == RECOGNITION and sponsors.get(item.sponsor_id) and sponsors[item.sponsor_id] not in users:
            users.append(sponsors[item.sponsor_id])
        if not users:
            continue
        title, body = texts(item)
        subject = f"c{item.candidate_id}" if item.candidate_id is not None else f"cell{item.cell_id}"
        event = f"admission:{subject}:{item.code}:{item.due_on.isoformat()}"
        for user_id in users:
            yield NotificationSpec(
                user_id=user_id, kind=TASK, title=title, body=body, url=_url(item),
                dedupe_key=f"{event}:u{user_id}", tag=f"admission-{subject}-{item.code}"[:64],
                urgency=Urgency.NORMAL, ttl_seconds=3 * DAY,
                topic=topic_for("admission", subject, item.code),
            )
