"""An exemption from request to end: the member asks (or a leader records the request for a member without a phone),
the cell decides, the member's status changes on the start day and returns on the end day (here, or in the
worker's round: `apply_due`), and the cell may end it early. Each write is one transaction, audited; the status
changes go through `members.records.record_status`, so they are dated rows of the member's status history."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today, utcnow
from handbook.exemptions.models import OPEN_STATUSES, Exemption, ExemptionKind, ExemptionReason, ExemptionStatus
from handbook.exemptions.rules import MAX_DETAIL, MAX_NUMBER, ExemptionError, check_period, clean_text
from handbook.extensions import db
from handbook.members.models import LEFT_STATUSES, Member, MemberStatus, MemberStatusHistory
from handbook.members.records import record_status

#: the statuses an exemption starts from and returns to
RETURNABLE = (MemberStatus.CHINH_THUC, MemberStatus.DU_BI)


# --- reading -------------------------------------------------------------------------------------------------

def _overlapping(member_id: int, starts_on: date, until: date | None, exclude_id: int | None = None):
    """The member's open request or exemption whose period meets [starts_on, until] (None: without end)."""
    query = select(Exemption).where(
        Exemption.member_id == member_id, Exemption.status.in_(OPEN_STATUSES),
        or_(Exemption.until.is_(None), Exemption.until >= starts_on))
    if until is not None:
        query = query.where(Exemption.starts_on <= until)
    if exclude_id is not None:
        query = query.where(Exemption.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


def history_for(member_id: int) -> list[Exemption]:
    """Every request and exemption of the member, the latest first."""
    return list(db.session.scalars(
        select(Exemption).where(Exemption.member_id == member_id)
        .order_by(Exemption.starts_on.desc(), Exemption.id.desc())))


def current_for(member_id: int, today: date) -> Exemption | None:
    """The approved exemption the member is in on `today`, else the next approved one, else a pending request."""
    rows = db.session.scalars(select(Exemption).where(
        Exemption.member_id == member_id, Exemption.status.in_(OPEN_STATUSES))
        .order_by(Exemption.starts_on)).all()
    for row in rows:
        if row.status is ExemptionStatus.APPROVED and row.covers(today):
            return row
    return rows[0] if rows else None


def exempt_on(member_ids: Iterable[int], day: date) -> dict[int, ExemptionKind]:
    """Which of these members are exempt on `day` (miễn or tạm miễn), by the dated exemptions — for features that
    must leave them out (the annual evaluation, the expected at a meeting). One query."""
    ids = list(member_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(Exemption).where(
        Exemption.member_id.in_(ids), Exemption.status.in_((ExemptionStatus.APPROVED, ExemptionStatus.ENDED)),
        Exemption.starts_on <= day))
    return {row.member_id: row.kind for row in rows if row.covers(day)}


def cell_requests(cell_id: int) -> list[Exemption]:
    """The cell's pending requests, the oldest first."""
    return list(db.session.scalars(
        select(Exemption).options(joinedload(Exemption.member)).join(Member, Member.id == Exemption.member_id)
        .where(Member.cell_id == cell_id, Exemption.status == ExemptionStatus.PENDING)
        .order_by(Exemption.requested_at, Exemption.id)))


def cell_exemptions(cell_id: int) -> list[Exemption]:
    """The cell's approved exemptions (under way or still ahead), the soonest end first (those without end last)."""
    rows = db.session.scalars(
        select(Exemption).options(joinedload(Exemption.member)).join(Member, Member.id == Exemption.member_id)
        .where(Member.cell_id == cell_id, Exemption.status == ExemptionStatus.APPROVED)).all()
    return sorted(rows, key=lambda e: (e.until is None, e.until or e.starts_on, e.member.full_name))


def cell_ended(cell_id: int, limit: int = 20) -> list[Exemption]:
    """The cell's latest ended, refused or withdrawn requests (the page's history)."""
    return list(db.session.scalars(
        select(Exemption).options(joinedload(Exemption.member)).join(Member, Member.id == Exemption.member_id)
        .where(Member.cell_id == cell_id, Exemption.status.not_in(OPEN_STATUSES))
        .order_by(Exemption.id.desc()).limit(limit)))


def days_left(exemption: Exemption, today: date) -> int | None:
    """Days until the exemption's last day (0 on that day); None without an end day."""
    if exemption.until is None:
        return None
    return max((exemption.until - today).days, 0)


# --- writing -------------------------------------------------------------------------------------------------

def request_exemption(member: Member, kind: ExemptionKind, reason: ExemptionReason, detail: str | None,
                      starts_on: date | None, until: date | None, actor: Actor, *,
                      today: date | None = None) -> Exemption:
    """The member's request (or the one a leader records for them): checked whole before anything is written."""
    today = today or local_today()
    if member.status in LEFT_STATUSES:
        raise ExemptionError(_("Đảng viên không còn sinh hoạt tại chi bộ."))
    check_period(kind, reason, starts_on, until, today)
    detail = clean_text(detail, MAX_DETAIL, "detail")
    if reason is ExemptionReason.KHAC and not detail:
        raise ExemptionError(_("Hãy ghi rõ lý do."), "detail")
    if member.status not in RETURNABLE and starts_on <= today:
        raise ExemptionError(_("Đồng chí đang được miễn hoặc tạm miễn sinh hoạt."))
    other = _overlapping(member.id, starts_on, until)
    if other is not None:
        raise ExemptionError(_("Thời gian này trùng với một đơn hoặc một thời gian miễn khác (từ %(start)s); "
                               "hãy chọn thời gian khác hoặc rút đơn cũ.", start=f"{other.starts_on:%d/%m/%Y}"),
                             "starts_on")
    exemption = Exemption(member_id=member.id, kind=kind, reason=reason, detail=detail, starts_on=starts_on,
                          until=until, status=ExemptionStatus.PENDING, requested_by_id=actor.user_id,
                          requested_at=utcnow())
    db.session.add(exemption)
    db.session.flush()
    audit.record("exemption.request", actor, target_type="member", target_id=member.id, request_id=exemption.id,
                 status=kind.value, reason=reason.value)
    db.session.commit()
    return exemption


def withdraw(exemption: Exemption, actor: Actor) -> None:
    """The request taken back before the cell decided."""
    if exemption.status is not ExemptionStatus.PENDING:
        raise ExemptionError(_("Đơn này đã được chi bộ xem xét; không rút được nữa."))
    exemption.status = ExemptionStatus.WITHDRAWN
    audit.record("exemption.withdraw", actor, target_type="member", target_id=exemption.member_id,
                 request_id=exemption.id)
    db.session.commit()


def approve(exemption: Exemption, number: str | None, decided_on: date | None, actor: Actor, *,
            today: date | None = None) -> Exemption:
    """The cell's approval, with its resolution's number and day. From the start day the member's status is miễn /
    tạm miễn: now when that day has come (one transaction with the decision), else by the worker on that day."""
    today = today or local_today()
    if exemption.status is not ExemptionStatus.PENDING:
        raise ExemptionError(_("Đơn này đã được xem xét."))
    if exemption.member.status in LEFT_STATUSES:  # left while the request waited: nothing to exempt them from
        raise ExemptionError(_("Đảng viên không còn sinh hoạt tại chi bộ."))
    number = clean_text(number, MAX_NUMBER, "number")
    if not number:
        raise ExemptionError(_("Hãy nhập số nghị quyết của chi bộ."), "number")
    if decided_on is None:
        raise ExemptionError(_("Hãy nhập ngày của nghị quyết."), "decided_on")
    if decided_on > today:
        raise ExemptionError(_("Ngày của nghị quyết không được ở tương lai."), "decided_on")
    if decided_on < local_today(exemption.requested_at) - timedelta(days=31):
        raise ExemptionError(_("Ngày của nghị quyết quá xa trước ngày làm đơn."), "decided_on")
    if exemption.until is not None and exemption.until < today:
        raise ExemptionError(_("Thời gian xin miễn đã qua; không thể chấp thuận. Hãy từ chối đơn này."))
    member = exemption.member
    if member.status not in RETURNABLE and exemption.starts_on <= today:
        raise ExemptionError(_("Đồng chí này đang được miễn hoặc tạm miễn sinh hoạt, hoặc không còn ở chi bộ."))
    exemption.status = ExemptionStatus.APPROVED
    exemption.decision_number, exemption.decision_date = number, decided_on
    exemption.decided_by_id, exemption.decided_at = actor.user_id, utcnow()
    audit.record("exemption.approve", actor, target_type="member", target_id=member.id, request_id=exemption.id,
                 status=exemption.kind.value)
    if exemption.starts_on <= today:
        _start(exemption, actor, today)  # commits the decision with the status row
    else:
        db.session.commit()
    return exemption


def refuse(exemption: Exemption, reason: str | None, actor: Actor) -> Exemption:
    if exemption.status is not ExemptionStatus.PENDING:
        raise ExemptionError(_("Đơn này đã được xem xét."))
    reason = clean_text(reason, MAX_DETAIL, "reason")
    if not reason:
        raise ExemptionError(_("Hãy ghi lý do không chấp thuận."), "reason")
    exemption.status, exemption.refusal_reason = ExemptionStatus.REFUSED, reason
    exemption.decided_by_id, exemption.decided_at = actor.user_id, utcnow()
    audit.record("exemption.refuse", actor, target_type="member", target_id=exemption.member_id,
                 request_id=exemption.id)
    db.session.commit()
    return exemption


def end_early(exemption: Exemption, back_on: date | None, reason: str | None, actor: Actor, *,
              today: date | None = None) -> Exemption:
    """The cell ends an approved exemption: the member is back from `back_on` (not in the future, after the start).
    One not yet started is cancelled instead, and nothing in the status history changes."""
    today = today or local_today()
    if exemption.status is not ExemptionStatus.APPROVED:
        raise ExemptionError(_("Chỉ kết thúc được một thời gian miễn đang có hiệu lực."))
    reason = clean_text(reason, MAX_DETAIL, "reason")
    exemption.ended_by_id, exemption.end_reason = actor.user_id, reason
    if not exemption.started:
        exemption.status = ExemptionStatus.CANCELLED
        audit.record("exemption.end", actor, target_type="member", target_id=exemption.member_id,
                     request_id=exemption.id, status=ExemptionStatus.CANCELLED.value)
        db.session.commit()
        return exemption
    if back_on is None:
        raise ExemptionError(_("Hãy nhập ngày trở lại sinh hoạt."), "back_on")
    if back_on > today:
        raise ExemptionError(_("Ngày trở lại sinh hoạt không được ở tương lai."), "back_on")
    if back_on <= exemption.starts_on:
        raise ExemptionError(_("Ngày trở lại sinh hoạt phải sau ngày bắt đầu miễn (%(day)s).",
                               day=f"{exemption.starts_on:%d/%m/%Y}"), "back_on")
    if exemption.until is not None and back_on > exemption.until:
        raise ExemptionError(_("Thời gian miễn đã hết ngày %(day)s.", day=f"{exemption.until:%d/%m/%Y}"), "back_on")
    audit.record("exemption.end", actor, target_type="member", target_id=exemption.member_id,
                 request_id=exemption.id, status=ExemptionStatus.ENDED.value)
    _finish(exemption, back_on, actor, today)
    return exemption


def _start(exemption: Exemption, actor: Actor, today: date) -> None:
    """The exempt status from the start day (commits, with whatever the caller added to the session)."""
    member = exemption.member
    exemption.started = True
    if member.status in RETURNABLE:
        exemption.previous_status = member.status
        _keep_earlier_status(member, exemption.starts_on)
        note = f"Nghị quyết chi bộ số {exemption.decision_number}"
        record_status(member, exemption.exempt_status, exemption.starts_on, note, actor, today=today)
    else:  # someone changed the status meanwhile (left the cell): nothing to change, nobody to welcome back
        exemption.status = ExemptionStatus.CANCELLED
        db.session.commit()


def _keep_earlier_status(member: Member, starts_on: date) -> None:
    """A record written before statuses were dated has no history: its current status gets its row first (from its
    official or admission day), so that the days before the exemption still count the member as they were."""
    if db.session.scalar(select(MemberStatusHistory.id).where(MemberStatusHistory.member_id == member.id)
                         .limit(1)) is None:
        db.session.add(MemberStatusHistory(member_id=member.id, status=member.status, reason="Dữ liệu ban đầu",
                                           from_date=min(member.official_date or member.admission_date or starts_on,
                                                         starts_on)))


def _finish(exemption: Exemption, back_on: date, actor: Actor, today: date) -> None:
    """Back to the earlier status from `back_on` (commits). When the status is no longer this exemption's (changed
    by hand, or the member left), the exemption just ends."""
    member = exemption.member
    exemption.status, exemption.ended_on = ExemptionStatus.ENDED, back_on
    if member.status is exemption.exempt_status and exemption.previous_status in RETURNABLE:
        record_status(member, exemption.previous_status, back_on, "Trở lại sinh hoạt sau thời gian miễn", actor,
                      today=today)
    else:
        db.session.commit()


def apply_due(today: date | None = None, batch: int = 200) -> tuple[int, int]:
    """The worker's round: approved exemptions past their last day return the member to their earlier status from
    the next day, then those whose start day has come get their status. One transaction per exemption;
    (started, ended)."""
    today = today or local_today()
    started = ended = 0
    # the ends first: an exemption that follows another the next day starts from the status given back
    for exemption in db.session.scalars(
            select(Exemption).options(joinedload(Exemption.member))
            .where(Exemption.status == ExemptionStatus.APPROVED, Exemption.started.is_(True),
                   Exemption.until < today).order_by(Exemption.until, Exemption.id).limit(batch)).all():
        audit.record("exemption.expired", audit.CLI, target_type="member", target_id=exemption.member_id,
                     request_id=exemption.id)
        _finish(exemption, exemption.until + timedelta(days=1), audit.CLI, today)
        ended += 1
    for exemption in db.session.scalars(
            select(Exemption).options(joinedload(Exemption.member))
            .where(Exemption.status == ExemptionStatus.APPROVED, Exemption.started.is_(False),
                   Exemption.starts_on <= today).order_by(Exemption.starts_on, Exemption.id).limit(batch)).all():
        _start(exemption, audit.CLI, today)
        started += 1
    return started, ended
