"""Chuyển sinh hoạt đảng: a member's moves from the request to their end (docs/domain.md: Transfers).

Permanent (chính thức): the member asks within 60 working days of the change (a new job, retirement, a long-term
move of residence) — or a leader records it for a member without a phone; the sending cell's leaders (or a
committee above) issue the letter; the member presents it within 30 working days. Inside this deployment the
receiving organisation's leaders confirm, and the member's placement moves (`placements.move_member`): the record
is the same row, so its history — placements, statuses, attendance, admission file — goes with it, and access
follows at the next request. Outside it, the sending side records the receipt and the member's status becomes
chuyển đi, with the letter's number. A letter not presented in time lapses (the worker's daily round).

Temporary (tạm thời): the same steps; once received the member attends the receiving cell until `until`
(`Member.temporary_cell_id`), their record staying home. Overlapping moves are refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased, joinedload

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import format_date, local_today, to_local, utcnow
from handbook.core.workdays import add_working_days, working_days_between
from handbook.extensions import db
from handbook.members import transfers
from handbook.members.models import ACTIVE_STATUSES, Member, MemberChange, MemberStatus, TemporaryReason
from handbook.members.move_models import (
    OPEN_STATES,
    MemberTransfer,
    MoveKind,
    MoveReason,
    MoveState,
    ReceivingOrganisation,
)
from handbook.members.move_notices import tell_leaders, tell_member
from handbook.members.placements import MoveError as PlacementError
from handbook.members.placements import current_placement, move_member
from handbook.org.access import Access, can_receive_move, can_request_own_move, can_send_move, moves_clause
from handbook.org.models import CELL_KINDS, Organisation

REQUEST_WORKING_DAYS = 60  # the letter is to be had within 60 working days of the change
PRESENT_WORKING_DAYS = 30  # and presented at the destination within 30 working days of the letter
AHEAD_DAYS = 183           # a change announced ahead: its request may come up to this many days before it

KIND_LABELS = {MoveKind.PERMANENT: _l("Chuyển sinh hoạt chính thức"), MoveKind.TEMPORARY: _l("Sinh hoạt tạm thời")}
REASON_LABELS = {
    MoveReason.CONG_TAC: _l("Chuyển công tác, đi làm việc"),
    MoveReason.NGHI_HUU: _l("Nghỉ hưu, thôi việc"),
    MoveReason.CU_TRU: _l("Thay đổi nơi cư trú lâu dài"),
    MoveReason.HOC_TAP: _l("Đi học"),
}
REASONS = {MoveKind.PERMANENT: (MoveReason.CONG_TAC, MoveReason.NGHI_HUU, MoveReason.CU_TRU),
           MoveKind.TEMPORARY: (MoveReason.CONG_TAC, MoveReason.HOC_TAP)}
STATE_LABELS = {
    MoveState.REQUESTED: _l("Chờ chi bộ làm giấy giới thiệu"),
    MoveState.LETTER: _l("Đã có giấy giới thiệu, chờ nơi đến tiếp nhận"),
    MoveState.RECEIVED: _l("Đã được tiếp nhận"),
    MoveState.CANCELLED: _l("Đã hủy"),
    MoveState.LAPSED: _l("Quá hạn xuất trình giấy giới thiệu"),
}


class MoveError(ValueError):
    """A move that cannot be recorded; the message is Vietnamese, for the form or the API."""


# --- deadlines ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Countdown:
    """The deadline an open move runs against, and the working days left, today counted when it is one (1: today
    is the last working day; on the letter's own day, the whole 30; negative: that many working days late)."""

    deadline: date
    days_left: int
    what: str  # "letter" (to obtain the letter) or "present" (to present it)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def countdown(move: MemberTransfer, today: date) -> Countdown | None:
    if move.state is MoveState.REQUESTED and move.request_by is not None:
        return Countdown(move.request_by, _left(today, move.change_day, move.request_by), "letter")
    if move.state is MoveState.LETTER and move.present_by is not None:
        return Countdown(move.present_by, _left(today, move.letter_day, move.present_by), "present")
    return None


def _left(today: date, start: date, deadline: date) -> int:
    """Working days from today (or from the day after `start`, the period's first day) through `deadline`."""
    if today <= deadline:
        return working_days_between(max(today - timedelta(days=1), start), deadline)
    return -max(1, working_days_between(deadline, today))


def state_on(move: MemberTransfer, today: date) -> MoveState:
    """The state as of `today`: a letter past its deadline reads lapsed even before the daily round records it."""
    if move.state is MoveState.LETTER and move.present_by is not None and move.present_by < today:
        return MoveState.LAPSED
    return move.state


# --- requesting ----------------------------------------------------------------------------------------------

@dataclass
class Destination:
    """Where to: an organisation of this deployment, an entry of the directory, or a name typed (outside)."""

    org: Organisation | None = None
    entry: ReceivingOrganisation | None = None
    name: str = ""


def _clean(text: str | None, limit: int, label) -> str | None:
    value = " ".join((text or "").split()) or None
    if value is not None and len(value) > limit:
        raise MoveError(_("%(what)s: dài quá %(n)d ký tự.", what=label, n=limit))
    return value


def _resolve(destination: Destination, kind: MoveKind, member: Member) -> tuple[Organisation | None, str]:
    org = destination.org
    if org is None and destination.entry is not None:
        org = destination.entry.organisation
    name = org.name if org is not None else (
        destination.entry.name if destination.entry is not None else _clean(destination.name, 200, _("Nơi đến")))
    if not name:
        raise MoveError(_("Vui lòng chọn nơi chuyển đến trong danh bạ, hoặc ghi tên tổ chức đảng nơi chuyển đến."))
    if org is not None:
        if org.dissolved_on is not None:
            raise MoveError(_("Tổ chức đảng nơi chuyển đến đã giải thể."))
        if org.id == member.cell_id or (org.kind in CELL_KINDS and org.id == member.group_id):
            raise MoveError(_("Nơi chuyển đến là chi bộ đồng chí đang sinh hoạt."))
        if kind is MoveKind.TEMPORARY and org.kind not in CELL_KINDS:
            raise MoveError(_("Sinh hoạt tạm thời: hãy chọn một chi bộ cụ thể."))
    return org, name


def check_overlap(member: Member, kind: MoveKind, start: date, until: date | None) -> None:
    """Refuse a move that overlaps another: a second open permanent move, a temporary one while a permanent one is
    open, or a temporary one while another is open or the member attends elsewhere temporarily past `start`."""
    open_kinds = set(db.session.scalars(select(MemberTransfer.kind).where(
        MemberTransfer.member_id == member.id, MemberTransfer.state.in_(OPEN_STATES))))
    if MoveKind.PERMANENT in open_kinds:
        raise MoveError(_("Đảng viên đang có một yêu cầu chuyển sinh hoạt chính thức chưa xong; hãy hoàn tất hoặc "
                          "hủy yêu cầu đó trước."))
    if MoveKind.TEMPORARY in open_kinds:
        raise MoveError(_("Đảng viên đang có một yêu cầu sinh hoạt tạm thời chưa xong; hãy hoàn tất hoặc hủy yêu "
                          "cầu đó trước."))
    if (kind is MoveKind.TEMPORARY and member.temporary_cell_id is not None
            and (member.temporary_until is None or member.temporary_until >= start)):
        raise MoveError(_("Đảng viên đang sinh hoạt tạm thời tại nơi khác đến ngày %(d)s; thời gian mới trùng với "
                          "thời gian đó.", d=format_date(member.temporary_until) if member.temporary_until else "—"))


def request_move(member: Member, *, kind: MoveKind, reason: MoveReason, change_day: date | None,
                 destination: Destination, until: date | None = None, note: str | None = None, actor: Actor,
                 access: Access, now: datetime | None = None) -> MemberTransfer:
    """The member asks (or a leader of their cell records it for them): one transaction, audited, the sending cell's
    leaders told. MoveError, nothing written, when a rule is not met."""
    now = now or utcnow()
    today = local_today(now)
    if not (can_request_own_move(access, member.id) or can_send_move(access, member.cell)):
        raise LookupError(member.id)
    if member.status not in ACTIVE_STATUSES:
        raise MoveError(_("Đảng viên này không còn sinh hoạt đảng."))
    if reason not in REASONS[kind]:
        raise MoveError(_("Lý do không phù hợp với loại chuyển sinh hoạt đã chọn."))
    if change_day is None:
        raise MoveError(_("Vui lòng nhập ngày có sự thay đổi (ngày quyết định có hiệu lực, ngày nghỉ hưu hoặc "
                          "ngày chuyển nơi ở)."))
    if (change_day - today).days > AHEAD_DAYS:
        raise MoveError(_("Ngày thay đổi quá xa (sau ngày %(d)s); hãy gửi yêu cầu khi gần đến ngày đó.",
                          d=format_date(date.fromordinal(today.toordinal() + AHEAD_DAYS))))
    placed = current_placement(member.id)
    if placed is not None and change_day < placed.valid_from:
        raise MoveError(_("Ngày thay đổi không được trước ngày đảng viên đến chi bộ hiện tại (%(d)s).",
                          d=format_date(placed.valid_from)))
    if kind is MoveKind.TEMPORARY:
        period = TemporaryReason.HOC_TAP if reason is MoveReason.HOC_TAP else TemporaryReason.CONG_TAC
        try:
            transfers.check_period(period, until, max(change_day, today))
        except transfers.TransferError as exc:
            raise MoveError(str(exc)) from None
    else:
        until = None
    note = _clean(note, 255, _("Ghi chú"))
    to_org, name = _resolve(destination, kind, member)
    check_overlap(member, kind, change_day, until)
    move = MemberTransfer(
        member_id=member.id, kind=kind, reason=reason, state=MoveState.REQUESTED, from_cell_id=member.cell_id,
        to_org_id=to_org.id if to_org is not None else None,
        destination_id=destination.entry.id if destination.entry is not None else None, destination_name=name,
        change_day=change_day, until=until, note=note, requested_at=now, requested_by_id=actor.user_id,
        request_by=add_working_days(change_day, REQUEST_WORKING_DAYS) if kind is MoveKind.PERMANENT else None)
    db.session.add(move)
    db.session.flush()
    audit.record("member.move_request", actor, target_type="member", target_id=member.id, request_id=move.id,
                 mode=kind.value, outside=to_org is None)
    tell_leaders(member.cell_id, _("Đề nghị chuyển sinh hoạt đảng"),
                 _("Một đảng viên của chi bộ đề nghị %(what)s. Mở để làm giấy giới thiệu.",
                   what=str(KIND_LABELS[kind]).lower()), f"/org/{member.cell_id}/moves", f"move:{move.id}:requested",
                 now)
    db.session.commit()
    return move


# --- the steps ---------------------------------------------------------------------------------------------

def _open(move: MemberTransfer, *states: MoveState, today: date) -> None:
    if state_on(move, today) is MoveState.LAPSED and MoveState.LAPSED not in states:
        raise MoveError(_("Giấy giới thiệu đã quá hạn xuất trình (%(d)s). Đảng viên và chi bộ báo cáo lý do với "
                          "cấp ủy có thẩm quyền; khi được xem xét, chi bộ làm yêu cầu mới.",
                          d=format_date(move.present_by)))
    if move.state not in states:
        raise MoveError(_("Yêu cầu này đã ở bước khác (%(state)s); hãy tải lại trang.",
                          state=STATE_LABELS[move.state]))


def issue_letter(move: MemberTransfer, number: str | None, day: date | None, *, actor: Actor, access: Access,
                 now: datetime | None = None) -> MemberTransfer:
    """The sending side issues the letter: its number and day; the presentation deadline follows."""
    now = now or utcnow()
    today = local_today(now)
    if not can_send_move(access, move.from_cell):
        raise LookupError(move.id)
    _open(move, MoveState.REQUESTED, today=today)
    if move.member.status not in ACTIVE_STATUSES:  # left (or died) while the letter was awaited
        raise MoveError(_("Đảng viên này không còn sinh hoạt đảng."))
    number = _clean(number, 60, _("Số giấy giới thiệu"))
    if not number:
        raise MoveError(_("Vui lòng nhập số giấy giới thiệu sinh hoạt đảng."))
    if day is None:
        raise MoveError(_("Vui lòng nhập ngày ký giấy giới thiệu."))
    if day > today:
        raise MoveError(_("Ngày ký giấy giới thiệu không được ở tương lai."))
    asked = to_local(move.requested_at).date()
    if day < asked:
        raise MoveError(_("Ngày ký giấy giới thiệu không được trước ngày đề nghị (%(d)s).", d=format_date(asked)))
    move.state, move.letter_number, move.letter_day, move.letter_by_id = MoveState.LETTER, number, day, actor.user_id
    move.present_by = add_working_days(day, PRESENT_WORKING_DAYS)
    audit.record("member.move_letter", actor, target_type="member", target_id=move.member_id, request_id=move.id)
    tell_member(move.member, _("Đã có giấy giới thiệu sinh hoạt đảng"),
                _("Giấy giới thiệu số %(n)s đến %(to)s đã được ký. Hãy xuất trình tại nơi đến chậm nhất ngày %(d)s.",
                  n=number, to=move.destination_name, d=format_date(move.present_by)),
                "/me/moves", f"move:{move.id}:letter", now)
    if move.to_org_id is not None:
        tell_leaders(move.to_org_id, _("Đảng viên sắp chuyển đến"),
                     _("Một đảng viên có giấy giới thiệu chuyển sinh hoạt đến %(to)s, hạn xuất trình ngày %(d)s. Mở "
                       "để tiếp nhận khi đồng chí ấy đến.", to=move.destination_name, d=format_date(move.present_by)),
                     f"/org/{move.to_org_id}/moves", f"move:{move.id}:incoming", now)
    db.session.commit()
    return move


def receiving_cells(move: MemberTransfer, access: Access, known: dict | None = None) -> list[Organisation]:
    """The cells the receiving side may place the member in: the destination itself when it is a cell, else the
    open cells under it that the caller manages. `known` keeps a committee's cells across the moves of one page
    (one query per destination, not per move)."""
    org = move.to_org
    if org is None:
        return []
    if org.kind in CELL_KINDS:
        return [org] if org.dissolved_on is None else []
    known = {} if known is None else known
    if org.id not in known:
        known[org.id] = db.session.scalars(select(Organisation).where(
            Organisation.path.startswith(org.path), Organisation.kind.in_(CELL_KINDS),
            Organisation.dissolved_on.is_(None)).order_by(Organisation.name)).all()
    return [cell for cell in known[org.id] if can_receive_move(access, cell) and cell.id != move.from_cell_id]


def receive(move: MemberTransfer, cell: Organisation | None, day: date | None, *, actor: Actor, access: Access,
            now: datetime | None = None) -> MemberTransfer:
    """The receiving side (inside this deployment) confirms the member arrived: a permanent move moves the member's
    placement to `cell` from `day`; a temporary one makes them attend `cell` until the move's last day."""
    now = now or utcnow()
    today = local_today(now)
    if not can_receive_move(access, move.to_org):
        raise LookupError(move.id)
    _open(move, MoveState.LETTER, today=today)
    if cell is None or cell.id not in {c.id for c in receiving_cells(move, access)}:
        raise MoveError(_("Hãy chọn chi bộ tiếp nhận đảng viên."))
    if day is None:
        raise MoveError(_("Vui lòng nhập ngày tiếp nhận."))
    if day > today:
        raise MoveError(_("Ngày tiếp nhận không được ở tương lai."))
    if day < move.letter_day:
        raise MoveError(_("Ngày tiếp nhận không được trước ngày ký giấy giới thiệu (%(d)s).",
                          d=format_date(move.letter_day)))
    member = move.member
    if member.status not in ACTIVE_STATUSES:
        raise MoveError(_("Đảng viên này không còn sinh hoạt đảng."))
    if move.kind is MoveKind.PERMANENT:
        try:
            with force_locale("vi"):  # the record's history, read by everyone after, whatever the leader reads
                reason = str(_l("Chuyển sinh hoạt đảng chính thức"))
            move_member(member, cell, on=day, decision_number=move.letter_number, reason=reason, actor=actor)
        except PlacementError as exc:
            db.session.rollback()
            raise MoveError(str(exc)) from None
    else:
        if move.until is not None and move.until < today:
            raise MoveError(_("Thời gian sinh hoạt tạm thời đã hết (%(d)s).", d=format_date(move.until)))
        old = member.temporary_cell.name if member.temporary_cell is not None else ""
        member.temporary_cell_id, member.temporary_until = cell.id, move.until
        db.session.add(MemberChange(member_id=member.id, field="temporary_cell_id", old_value=old,
                                    new_value=f"{cell.name} (đến {format_date(move.until)})",
                                    changed_by_id=actor.user_id))
    _close(move, MoveState.RECEIVED, now)
    move.received_day, move.received_cell_id, move.confirmed_by_id = day, cell.id, actor.user_id
    audit.record("member.move_received", actor, target_type="member", target_id=member.id, request_id=move.id,
                 organisation_id=cell.id)
    tell_member(member, _("Đồng chí đã được tiếp nhận"),
                _("%(cell)s đã tiếp nhận đồng chí từ ngày %(d)s.", cell=cell.name, d=format_date(day)),
                "/me/moves", f"move:{move.id}:received", now)
    tell_leaders(move.from_cell_id, _("Đảng viên đã được nơi đến tiếp nhận"),
                 _("Một đảng viên của chi bộ đã được %(cell)s tiếp nhận.", cell=cell.name),
                 f"/org/{move.from_cell_id}/moves", f"move:{move.id}:received", now)
    db.session.commit()
    return move


def record_outside_receipt(move: MemberTransfer, day: date | None, *, actor: Actor, access: Access,
                           now: datetime | None = None) -> MemberTransfer:
    """A destination outside this deployment received the member (the sending side records it): a permanent move
    makes the member chuyển đi from `day`, the letter's number in the status history; nothing is deleted."""
    from handbook.members.records import RecordError, record_status  # records imports much of members

    now = now or utcnow()
    today = local_today(now)
    if not can_send_move(access, move.from_cell):
        raise LookupError(move.id)
    if move.to_org_id is not None:
        raise MoveError(_("Nơi đến thuộc hệ thống này: chi bộ nơi đến xác nhận tiếp nhận."))
    _open(move, MoveState.LETTER, today=today)
    if day is None:
        raise MoveError(_("Vui lòng nhập ngày nơi đến tiếp nhận."))
    if day > today:
        raise MoveError(_("Ngày tiếp nhận không được ở tương lai."))
    if day < move.letter_day:
        raise MoveError(_("Ngày tiếp nhận không được trước ngày ký giấy giới thiệu (%(d)s).",
                          d=format_date(move.letter_day)))
    _close(move, MoveState.RECEIVED, now)
    move.received_day, move.confirmed_by_id = day, actor.user_id
    audit.record("member.move_received", actor, target_type="member", target_id=move.member_id, request_id=move.id,
                 outside=True)
    if move.kind is MoveKind.PERMANENT:
        with force_locale("vi"):  # the status history, read by everyone after, whatever the leader reads
            reason = _("Chuyển sinh hoạt đảng chính thức đến %(to)s, giấy giới thiệu số %(n)s ngày %(d)s",
                       to=move.destination_name, n=move.letter_number, d=format_date(move.letter_day))
        try:
            record_status(move.member, MemberStatus.CHUYEN_DI, day, reason[:255], actor, today=today)  # commits
        except RecordError:
            db.session.rollback()
            raise MoveError(_("Không ghi được trạng thái chuyển đi; hãy kiểm tra ngày tiếp nhận.")) from None
        return move
    db.session.commit()
    return move


def cancel(move: MemberTransfer, *, actor: Actor, access: Access, now: datetime | None = None) -> MemberTransfer:
    """Withdraw an open move: the member while it waits for the letter, the sending side until it is received."""
    now = now or utcnow()
    own = can_request_own_move(access, move.member_id)
    if not (own or can_send_move(access, move.from_cell)):
        raise LookupError(move.id)
    if own and not can_send_move(access, move.from_cell) and move.state is not MoveState.REQUESTED:
        raise MoveError(_("Giấy giới thiệu đã được ký; muốn hủy, hãy báo chi bộ."))
    _open(move, *OPEN_STATES, today=local_today(now))
    _close(move, MoveState.CANCELLED, now)
    audit.record("member.move_cancel", actor, target_type="member", target_id=move.member_id, request_id=move.id)
    db.session.commit()
    return move


def _close(move: MemberTransfer, state: MoveState, now: datetime) -> None:
    move.state, move.closed_at = state, now


def lapse_overdue(today: date | None = None, now: datetime | None = None) -> int:
    """Letters not presented by their deadline: lapsed, the member and the sending cell told (the worker's daily
    round; one transaction). How many."""
    now = now or utcnow()
    today = today or local_today(now)
    moves = db.session.scalars(select(MemberTransfer).options(joinedload(MemberTransfer.member)).where(
        MemberTransfer.state == MoveState.LETTER, MemberTransfer.present_by < today)).all()
    for move in moves:
        _close(move, MoveState.LAPSED, now)
        audit.record("member.move_lapsed", audit.CLI, target_type="member", target_id=move.member_id,
                     request_id=move.id)
        body = _("Giấy giới thiệu số %(n)s đã quá hạn xuất trình (%(d)s). Hãy báo cáo lý do với cấp ủy có thẩm "
                 "quyền để được xem xét.", n=move.letter_number, d=format_date(move.present_by))
        tell_member(move.member, _("Quá hạn chuyển sinh hoạt đảng"), body, "/me/moves", f"move:{move.id}:lapsed", now)
        tell_leaders(move.from_cell_id, _("Quá hạn chuyển sinh hoạt đảng"), body, f"/org/{move.from_cell_id}/moves",
                     f"move:{move.id}:lapsed", now)
    db.session.commit()
    return len(moves)


# --- reading ------------------------------------------------------------------------------------------------

def _loaded():
    return select(MemberTransfer).options(
        joinedload(MemberTransfer.member), joinedload(MemberTransfer.from_cell), joinedload(MemberTransfer.to_org),
        joinedload(MemberTransfer.received_cell))


def moves_of(member_id: int) -> list[MemberTransfer]:
    """Every move of the member, newest first."""
    return list(db.session.scalars(_loaded().where(MemberTransfer.member_id == member_id)
                                   .order_by(MemberTransfer.requested_at.desc(), MemberTransfer.id.desc())))


def open_moves_of(member_id: int) -> list[MemberTransfer]:
    return [move for move in moves_of(member_id) if move.is_open]


# the home page: the signed-in member (as members.service.member_for_user loads them) and their open moves, in the
# one statement that page already spent on the member
_MEMBER_AND_OPEN_MOVES = (
    select(Member, MemberTransfer).options(joinedload(Member.cell), joinedload(Member.group))
    .outerjoin(MemberTransfer, and_(MemberTransfer.member_id == Member.id, MemberTransfer.state.in_(OPEN_STATES)))
    .where(Member.user_id == bindparam("user_id")).order_by(MemberTransfer.id))


def member_and_open_moves(user_id: int) -> tuple[Member | None, list[MemberTransfer]]:
    rows = db.session.execute(_MEMBER_AND_OPEN_MOVES, {"user_id": user_id}).all()
    if not rows:
        return None, []
    return rows[0][0], [move for _member, move in rows if move is not None]


def visible_move(move_id: int, access: Access) -> MemberTransfer:
    """A move the caller sees as a side (or as its member); LookupError otherwise (say 404)."""
    from handbook.org.access import can_view_move

    move = db.session.get(MemberTransfer, move_id)
    if move is None or not can_view_move(access, move.member_id, move.from_cell, move.to_org):
        raise LookupError(move_id)
    return move


def org_moves(org: Organisation, access: Access) -> tuple[list[MemberTransfer], list[MemberTransfer]]:
    """(outgoing, incoming) open moves of `org`'s subtree the caller sees: members leaving it, and members
    coming to it (a letter issued), oldest first."""
    source, target = aliased(Organisation), aliased(Organisation)
    rows = db.session.scalars(
        _loaded().join(source, source.id == MemberTransfer.from_cell_id)
        .outerjoin(target, target.id == MemberTransfer.to_org_id)
        .where(MemberTransfer.state.in_(OPEN_STATES), moves_clause(access, source.path, target.path),
               source.path.startswith(org.path) | target.path.startswith(org.path))
        .order_by(MemberTransfer.requested_at, MemberTransfer.id)).unique().all()
    outgoing = [m for m in rows if m.from_cell.path.startswith(org.path)]
    incoming = [m for m in rows if m.to_org is not None and m.to_org.path.startswith(org.path)
                and m.state is MoveState.LETTER and m not in outgoing]
    return outgoing, incoming


def recent_closed(org: Organisation, access: Access, limit: int = 20) -> list[MemberTransfer]:
    """The latest finished moves out of or into `org`'s subtree."""
    source, target = aliased(Organisation), aliased(Organisation)
    return list(db.session.scalars(
        _loaded().join(source, source.id == MemberTransfer.from_cell_id)
        .outerjoin(target, target.id == MemberTransfer.to_org_id)
        .where(MemberTransfer.state.not_in(OPEN_STATES), moves_clause(access, source.path, target.path),
               source.path.startswith(org.path) | target.path.startswith(org.path))
        .order_by(MemberTransfer.closed_at.desc(), MemberTransfer.id.desc()).limit(limit)).unique())
