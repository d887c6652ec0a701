"""Sinh hoạt tạm thời: a member attends another cell for a while (docs/domain.md: Transfers).

At the temporary cell the member is invited to meetings but cannot vote and is not counted there; their
record stays with their own cell. It lasts 3 to under 12 months (for study, up to 24).

The receiving cell's leader records a REQUEST with the card number on the member's letter and a second factor
(birth date or CCCD). Whatever was typed, the answer is the same ("recorded; the member's cell will confirm") and
the request is kept the same way, so the form tells nobody who is a member. When the number and the second factor
match an active member, that member's own cell (or a committee above it) sees the request and confirms or refuses
it; only a confirmation changes the member's placement. A confirmation that replaces another temporary placement
says so, and the previous host cell is told. Every request, confirmation and refusal is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import as_utc, to_local, utcnow
from handbook.extensions import db
from handbook.members.models import (
    ACTIVE_STATUSES,
    ArrivalStatus,
    Member,
    MemberChange,
    TemporaryArrival,
    TemporaryReason,
    attends_temporarily,
)
from handbook.members.move_models import OPEN_STATES, MemberTransfer
from handbook.members.service import still_in_cell_clause
from handbook.notify.kinds import register_kind
from handbook.notify.outbox import NotificationSpec, enqueue
from handbook.org.access import Access, can_manage_member, managed_org_ids
from handbook.org.models import CELL_KINDS, Organisation, Position, Role

MIN_MONTHS = 3            # a temporary move lasts at least 3 months…
MAX_MONTHS = 12           # …and under 12,
MAX_STUDY_MONTHS = 24     # or up to 24 for study
REQUEST_DAYS = 30         # a request not answered within this is void; the receiving cell sends a new one
CELL_LEADERS = (Role.BI_THU, Role.PHO_BI_THU, Role.CAP_UY_VIEN)
REASON_LABELS = {
    TemporaryReason.CONG_TAC: _l("Công tác, lao động"),
    TemporaryReason.HOC_TAP: _l("Học tập"),
}


def _is_cell_leader(user_id: int) -> bool:
    """Holds a cell committee position somewhere: only they receive these notices."""
    return db.session.scalar(select(Position.id).where(
        Position.user_id == user_id, Position.role.in_(CELL_LEADERS)).limit(1)) is not None


NOTICE = register_kind("temporary_attendance", _l("Sinh hoạt tạm thời"), audience=_is_cell_leader)


class TransferError(ValueError):
    """A temporary transfer that cannot be recorded; the message is for the user."""


def temporary_members(cell: Organisation, today: date | None = None) -> list[Member]:
    """Those attending `cell` temporarily (not past their end day), with their own cell (one query)."""
    return list(db.session.scalars(
        select(Member).options(joinedload(Member.cell))
        .where(attends_temporarily(cell.id, today or local_day())).order_by(Member.full_name)))


# --- the receiving cell asks ------------------------------------------------------------------------

def _digits(text: str | None) -> str:
    return "".join((text or "").split())


def check_period(reason: TemporaryReason, until: date | None, today: date) -> None:
    """3 months to under 12 (work), or 3 to 24 months (study), counted from today."""
    if until is None or until <= today:
        raise TransferError(_("Ngày kết thúc sinh hoạt tạm thời phải sau hôm nay."))
    shortest = today + relativedelta(months=MIN_MONTHS)
    if until < shortest:
        raise TransferError(_("Sinh hoạt tạm thời từ 3 tháng trở lên (đến ngày %(d)s hoặc sau đó); ngắn hơn thì "
                              "đảng viên vẫn sinh hoạt ở chi bộ của mình.", d=shortest.strftime("%d/%m/%Y")))
    if reason is TemporaryReason.HOC_TAP:
        longest = today + relativedelta(months=MAX_STUDY_MONTHS)
        if until > longest:
            raise TransferError(_("Đi học: sinh hoạt tạm thời không quá 24 tháng (đến ngày %(d)s).",
                                  d=longest.strftime("%d/%m/%Y")))
    elif until >= today + relativedelta(months=MAX_MONTHS):
        raise TransferError(_("Đi công tác, lao động: sinh hoạt tạm thời dưới 12 tháng (trước ngày %(d)s); lâu "
                              "hơn thì chuyển sinh hoạt chính thức.",
                              d=(today + relativedelta(months=MAX_MONTHS)).strftime("%d/%m/%Y")))


def _matching_member(card: str, birth_date: date | None, cccd: str | None) -> Member | None:
    """The active member with this card number whose birth date and CCCD (those given) match, else None."""
    member = db.session.scalar(select(Member).where(Member.card_number == card))
    if member is None or member.status not in ACTIVE_STATUSES:
        return None
    if birth_date is not None and member.birth_date != birth_date:
        return None
    if cccd is not None and member.cccd != cccd:
        return None
    return member


def check_request(cell: Organisation, card_number: str, *, birth_date: date | None, cccd: str | None,
                  reason: TemporaryReason, until: date | None, today: date) -> tuple[str, str | None]:
    """The form's rules, before anything is looked up: (card number, CCCD) without spaces, or TransferError."""
    card = _digits(card_number)
    cccd = _digits(cccd) or None
    if cell.kind not in CELL_KINDS:
        raise TransferError(_("Chỉ chi bộ mới tiếp nhận đảng viên sinh hoạt tạm thời."))
    if not card:
        raise TransferError(_("Vui lòng nhập số thẻ đảng viên ghi trong giấy giới thiệu."))
    if not card.isdigit() or len(card) > 20:
        raise TransferError(_("Số thẻ đảng viên chỉ gồm chữ số."))
    if birth_date is None and cccd is None:
        raise TransferError(_("Vui lòng nhập thêm ngày sinh hoặc số CCCD của đảng viên (ghi trong giấy giới "
                              "thiệu hoặc hỏi trực tiếp đảng viên)."))
    if cccd is not None and (not cccd.isdigit() or len(cccd) != 12):
        raise TransferError(_("Số CCCD gồm đúng 12 chữ số."))
    check_period(reason, until, today)
    return card, cccd


def request_arrival(cell: Organisation, card_number: str, *, birth_date: date | None, cccd: str | None,
                    reason: TemporaryReason, until: date | None, actor: Actor,
                    now: datetime | None = None) -> TemporaryArrival:
    """Record that `cell` asks to receive the member with this card (one transaction, audited). The result looks
    the same whether or not anyone matched; a repeated request for the same number replaces the pending one."""
    now = now or utcnow()
    card, cccd = check_request(cell, card_number, birth_date=birth_date, cccd=cccd, reason=reason, until=until,
                               today=_local_day(now))
    own = db.session.scalar(select(Member.id).where(Member.card_number == card, Member.cell_id == cell.id))
    if own is not None:  # the leader sees their own members' cards anyway: nothing is revealed
        raise TransferError(_("Đảng viên này đã thuộc chi bộ."))
    member = _matching_member(card, birth_date, cccd)
    # A refused request is replaced like a pending one: to the asking cell the two are the same (`sent_requests`).
    arrival = db.session.scalar(select(TemporaryArrival).where(
        TemporaryArrival.cell_id == cell.id, TemporaryArrival.card_number == card,
        TemporaryArrival.status.in_((ArrivalStatus.PENDING, ArrivalStatus.REFUSED)),
        TemporaryArrival.requested_at > now - _request_life()).order_by(TemporaryArrival.id.desc()).limit(1))
    if arrival is None:
        arrival = TemporaryArrival(cell_id=cell.id, card_number=card)
        db.session.add(arrival)
    arrival.status, arrival.decided_by_id, arrival.decided_at = ArrivalStatus.PENDING, None, None
    arrival.member_id = member.id if member is not None else None
    arrival.reason, arrival.until = reason, until
    arrival.requested_by_id, arrival.requested_at = actor.user_id, now
    db.session.flush()
    matched = {"member_id": member.id, "status": "matched"} if member is not None else {"status": "unmatched"}
    audit.record("member.temporary_request", actor, target_type="organisation", target_id=cell.id,
                 request_id=arrival.id, **matched)
    if member is not None:
        title = _("Đề nghị sinh hoạt tạm thời chờ xác nhận")
        body = _("%(cell)s đề nghị tiếp nhận một đảng viên của chi bộ sinh hoạt tạm thời. Mở để xác nhận hoặc "
                 "từ chối.", cell=cell.name)
        _tell(member.cell_id, title, body, f"/org/{member.cell_id}/temporary",
              f"temporary:{arrival.id}:requested:{int(now.timestamp())}", now)
    db.session.commit()
    return arrival


def record_throttled(cell: Organisation, actor: Actor) -> None:
    """An attempt refused for too many requests: audited, nothing looked up."""
    audit.record("member.temporary_request", actor, target_type="organisation", target_id=cell.id, status=429)
    db.session.commit()


def _request_life() -> timedelta:
    return timedelta(days=REQUEST_DAYS)


def recorded_message() -> str:
    """The one answer to every request, whoever the number names, or nobody."""
    return _("Đã ghi nhận đề nghị tiếp nhận. Chi bộ nơi đảng viên đang sinh hoạt sẽ xác nhận; khi được xác nhận, "
             "đồng chí ấy sẽ có trong danh sách sinh hoạt tạm thời của chi bộ.")


def local_day(now: datetime | None = None) -> date:
    return _local_day(now or utcnow())


def _local_day(now: datetime) -> date:
    return to_local(now).date()


@dataclass
class SentRequest:
    """What the receiving cell sees of its own request: the same for every number it typed."""

    arrival: TemporaryArrival
    state: str  # "pending", "confirmed", "not_confirmed"


def sent_requests(cell: Organisation, now: datetime | None = None) -> list[SentRequest]:
    """The cell's requests of the last REQUEST_DAYS, newest first. Only a confirmation shows (the member is then on
    the cell's list anyway): a refused request reads "pending" and goes when it lapses, REQUEST_DAYS after it was
    sent, exactly as a number that matched nobody — else the refusal would tell that the number is a member's."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(TemporaryArrival)
        .where(TemporaryArrival.cell_id == cell.id, or_(
            TemporaryArrival.requested_at > now - _request_life(),
            and_(TemporaryArrival.status == ArrivalStatus.CONFIRMED,
                 TemporaryArrival.decided_at > now - _request_life())))
        .order_by(TemporaryArrival.requested_at.desc(), TemporaryArrival.id.desc()).limit(100))
    result = []
    for arrival in rows:
        if arrival.status is ArrivalStatus.CONFIRMED:
            state = "confirmed"
        elif _alive(arrival, now):
            state = "pending"  # waiting, refused, or matching nobody: the same to the asking cell
        else:
            state = "not_confirmed"
        result.append(SentRequest(arrival, state))
    return result


def _alive(arrival: TemporaryArrival, now: datetime) -> bool:
    return as_utc(arrival.requested_at) > now - _request_life()


# --- the member's own cell answers ------------------------------------------------------------------

def pending_for(org: Organisation, access: Access, now: datetime | None = None) -> list[TemporaryArrival]:
    """Requests waiting for an answer about members of `org` (a cell, or every cell under a committee) that
    `access` manages; lapsed ones are left out."""
    now = now or utcnow()
    subtree = select(Organisation.id).where(Organisation.path.startswith(org.path))
    return list(db.session.scalars(
        select(TemporaryArrival).join(Member, Member.id == TemporaryArrival.member_id)
        .options(joinedload(TemporaryArrival.member).joinedload(Member.temporary_cell),
                 joinedload(TemporaryArrival.member).joinedload(Member.cell), joinedload(TemporaryArrival.cell))
        .where(TemporaryArrival.status == ArrivalStatus.PENDING, TemporaryArrival.requested_at > now - _request_life(),
               Member.cell_id.in_(subtree), Member.cell_id.in_(managed_org_ids(access)))
        .order_by(TemporaryArrival.requested_at)))


def decidable(org: Organisation, access: Access, arrival_id: int, now: datetime | None = None) -> TemporaryArrival:
    """A pending request about a member of `org` whom `access` manages; LookupError otherwise (say 404: nothing is
    told about other cells' requests), TransferError when it lapsed."""
    now = now or utcnow()
    arrival = db.session.get(TemporaryArrival, arrival_id)
    member = arrival.member if arrival is not None else None
    if (member is None or arrival.status is not ArrivalStatus.PENDING
            or not member.cell.path.startswith(org.path) or not can_manage_member(access, member)):
        raise LookupError(arrival_id)  # the view answers 404: nothing to say about others' requests
    if not _alive(arrival, now):
        raise TransferError(_("Đề nghị này đã quá %(n)d ngày; chi bộ nơi tiếp nhận cần gửi đề nghị mới.",
                              n=REQUEST_DAYS))
    return arrival


def confirm_arrival(org: Organisation, arrival_id: int, shown_current: int | None, access: Access,
                    actor: Actor, now: datetime | None = None) -> TemporaryArrival:
    """The member's cell agrees: the member attends the requesting cell until the requested day (one transaction,
    audited). `shown_current` is the temporary cell the page showed (None: none); if the placement changed since,
    nothing happens, so a placement is never replaced without the leader having seen it."""
    now = now or utcnow()
    arrival = decidable(org, access, arrival_id, now)
    member = arrival.member
    if member.temporary_cell_id != shown_current:
        raise TransferError(_("Nơi sinh hoạt tạm thời của đồng chí này vừa thay đổi; hãy xem lại trước khi xác "
                              "nhận."))
    if member.status not in ACTIVE_STATUSES:
        raise TransferError(_("Đảng viên này không còn sinh hoạt đảng."))
    if _open_move(member.id):
        raise TransferError(_("Đảng viên này đang có một yêu cầu chuyển sinh hoạt chưa xong (xem mục Chuyển sinh "
                              "hoạt đảng của chi bộ); hãy hoàn tất hoặc hủy yêu cầu đó trước."))
    if arrival.until <= _local_day(now):
        raise TransferError(_("Thời hạn đề nghị đã qua; chi bộ nơi tiếp nhận cần gửi đề nghị mới."))
    previous = member.temporary_cell if member.temporary_cell_id not in (None, arrival.cell_id) else None
    old_text = (f"{member.temporary_cell.name} (đến {member.temporary_until:%d/%m/%Y})"
                if member.temporary_cell is not None and member.temporary_until else
                (member.temporary_cell.name if member.temporary_cell is not None else ""))
    member.temporary_cell_id, member.temporary_until = arrival.cell_id, arrival.until
    arrival.status, arrival.decided_by_id, arrival.decided_at = ArrivalStatus.CONFIRMED, actor.user_id, now
    arrival.previous_cell_id = previous.id if previous is not None else None
    db.session.add(MemberChange(member_id=member.id, field="temporary_cell_id", old_value=old_text,
                                new_value=f"{arrival.cell.name} (đến {arrival.until:%d/%m/%Y})",
                                changed_by_id=actor.user_id))
    replaced = {"previous_id": previous.id} if previous is not None else {}
    audit.record("member.temporary_confirm", actor, target_type="member", target_id=member.id,
                 organisation_id=arrival.cell_id, request_id=arrival.id, **replaced)
    # no names in notices: they may show on a locked phone
    _tell(arrival.cell_id, _("Đề nghị sinh hoạt tạm thời đã được xác nhận"),
          _("Một đảng viên được xác nhận sinh hoạt tạm thời tại chi bộ đến %(d)s. Mở để xem danh sách.",
            d=arrival.until.strftime("%d/%m/%Y")),
          f"/org/{arrival.cell_id}/temporary", f"temporary:{arrival.id}:confirmed", now)
    if previous is not None:
        _tell(previous.id, _("Đảng viên chuyển nơi sinh hoạt tạm thời"),
              _("Một đảng viên sinh hoạt tạm thời tại chi bộ nay chuyển sang sinh hoạt tạm thời ở %(cell)s. Mở để "
                "xem danh sách.", cell=arrival.cell.name),
              f"/org/{previous.id}/temporary", f"temporary:{arrival.id}:replaced", now)
    db.session.commit()
    return arrival


def _open_move(member_id: int) -> bool:
    """The member has a move under way (members.moves): a temporary placement confirmed now would overlap it."""
    return db.session.scalar(select(MemberTransfer.id).where(
        MemberTransfer.member_id == member_id, MemberTransfer.state.in_(OPEN_STATES)).limit(1)) is not None


def refuse_arrival(org: Organisation, arrival_id: int, access: Access, actor: Actor,
                   now: datetime | None = None) -> TemporaryArrival:
    now = now or utcnow()
    arrival = decidable(org, access, arrival_id, now)
    arrival.status, arrival.decided_by_id, arrival.decided_at = ArrivalStatus.REFUSED, actor.user_id, now
    audit.record("member.temporary_refuse", actor, target_type="member", target_id=arrival.member_id,
                 organisation_id=arrival.cell_id, request_id=arrival.id)
    db.session.commit()
    return arrival


def _tell(cell_id: int, title: str, body: str, url: str, key: str, now: datetime) -> None:
    """An in-app notice (and push) to the cell's bí thư, phó bí thư and chi ủy viên, in this transaction — not to
    a holder whose record says they left (a position may outlive the status)."""
    users = sorted(set(db.session.scalars(select(Position.user_id).where(
        Position.organisation_id == cell_id, Position.role.in_(CELL_LEADERS),
        still_in_cell_clause(Position.user_id)))))
    enqueue([NotificationSpec(user_id=user_id, kind=NOTICE, title=title, body=body, url=url,
                              dedupe_key=f"{key}:u{user_id}", tag=key.rsplit(":", 1)[0][:64])
             for user_id in users], now=now)


# --- ending, and what the member sees ----------------------------------------------------------------

def end_temporary(cell: Organisation, member_id: int, actor: Actor) -> Member:
    member = db.session.get(Member, member_id)
    if member is None or member.temporary_cell_id != cell.id:
        raise TransferError(_("Đảng viên này không sinh hoạt tạm thời tại chi bộ."))
    member.temporary_cell_id, member.temporary_until = None, None
    db.session.add(MemberChange(member_id=member.id, field="temporary_cell_id", old_value=cell.name, new_value="",
                                changed_by_id=actor.user_id))
    audit.record("member.temporary_out", actor, target_type="member", target_id=member.id)
    db.session.commit()
    return member


def end_expired(today: date | None = None, batch: int = 500) -> int:
    """Clear the placements whose `temporary_until` day has passed (they already count for nothing: the Access,
    the invitations and the lists read the date), each with its history row and an audit event; the worker's daily
    round. One short transaction per batch; how many ended."""
    today = today or local_day()
    ended = 0
    while True:
        members = db.session.scalars(
            select(Member).options(joinedload(Member.temporary_cell))
            .where(Member.temporary_cell_id.is_not(None), Member.temporary_until < today)
            .order_by(Member.id).limit(batch)).all()
        if not members:
            return ended
        for member in members:
            host, until = member.temporary_cell, member.temporary_until
            member.temporary_cell_id, member.temporary_until = None, None
            db.session.add(MemberChange(member_id=member.id, field="temporary_cell_id",
                                        old_value=f"{host.name} (đến {until:%d/%m/%Y})", new_value=""))
            audit.record("member.temporary_expired", audit.CLI, target_type="member", target_id=member.id,
                         organisation_id=host.id)
        db.session.commit()
        ended += len(members)


def waiting_for_member(member: Member, now: datetime | None = None) -> list[TemporaryArrival]:
    """Requests naming the member that their cell has not answered yet (their profile shows them)."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(TemporaryArrival).options(joinedload(TemporaryArrival.cell))
        .where(TemporaryArrival.member_id == member.id, TemporaryArrival.status == ArrivalStatus.PENDING,
               TemporaryArrival.requested_at > now - _request_life())
        .order_by(TemporaryArrival.requested_at)))
