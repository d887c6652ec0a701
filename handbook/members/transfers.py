"""Sinh hoạt tạm thời: a member attends another cell for a while (domain.md: Transfers).

At the temporary cell the member is invited to meetings but cannot vote and is not counted there; their
record stays with their own cell. The receiving cell's leader records the arrival by the party card number
(the letter the member presents names it) and ends it when the member leaves.
"""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.members.models import ACTIVE_STATUSES, Member, MemberChange
from handbook.org.models import CELL_KINDS, Organisation

MAX_MONTHS = 24  # 3 to under 12 months; up to 24 for study


class TransferError(ValueError):
    """A temporary transfer that cannot be recorded; the message is for the user."""


def temporary_members(cell: Organisation) -> list[Member]:
    return list(db.session.scalars(
        select(Member).where(Member.temporary_cell_id == cell.id).order_by(Member.full_name)))


def host_temporarily(cell: Organisation, card_number: str, until: date | None, actor: Actor,
                     today: date | None = None) -> Member:
    """Record that the member with this card attends `cell` until `until`; one transaction."""
    today = today or local_today()
    card = "".join((card_number or "").split())
    if cell.kind not in CELL_KINDS:
        raise TransferError(_("Chỉ chi bộ mới tiếp nhận đảng viên sinh hoạt tạm thời."))
    if not card:
        raise TransferError(_("Vui lòng nhập số thẻ đảng viên ghi trong giấy giới thiệu."))
    member = db.session.scalar(select(Member).where(Member.card_number == card))
    if member is None or member.status not in ACTIVE_STATUSES:
        raise TransferError(_("Không tìm thấy đảng viên đang sinh hoạt có số thẻ này."))
    if member.cell_id == cell.id:
        raise TransferError(_("Đảng viên này đã thuộc chi bộ."))
    if until is None or until <= today or until > today + relativedelta(months=MAX_MONTHS):
        raise TransferError(_("Thời hạn sinh hoạt tạm thời phải sau hôm nay và không quá 24 tháng."))
    old = member.temporary_cell_id
    member.temporary_cell_id, member.temporary_until = cell.id, until
    db.session.add(MemberChange(member_id=member.id, field="temporary_cell_id", old_value=str(old or ""),
                                new_value=f"{cell.name} (đến {until:%d/%m/%Y})", changed_by_id=actor.user_id))
    audit.record("member.temporary_in", actor, target_type="member", target_id=member.id)
    db.session.commit()
    return member


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
