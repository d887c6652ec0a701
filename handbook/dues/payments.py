"""Recording what members paid: a cell's month on one sheet, and one payment covering several months (paid in
advance or late). Every value is checked before anything is written; a correction or removal of a recorded month
is audited as such; one commit. The handbook records what the cell's collector received — it takes no money."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.dues import rules, service, sheet
from handbook.dues.errors import DuesError
from handbook.dues.models import DuesPayment, Method
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.models import Organisation

REFERENCE_MAX = 60
#: the earliest day a payment may be dated
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class SheetRow:
    """One member's line as posted: ticked as paid, the amount, the portal's reference."""

    paid: bool
    amount: object = None
    reference: str | None = None


def _method(raw: object) -> Method:
    try:
        return Method(raw)
    except ValueError:
        raise DuesError(_("Hãy chọn hình thức nộp: tiền mặt hoặc Cổng Dịch vụ công quốc gia."), "method") from None


def _paid_on(day: date | None, today: date) -> date:
    if day is None:
        raise DuesError(_("Hãy ghi ngày nộp (ngày/tháng/năm)."), "paid_on")
    if day > today:
        raise DuesError(_("Ngày nộp không được ở tương lai."), "paid_on")
    if day < EARLIEST:
        raise DuesError(_("Ngày nộp không hợp lệ."), "paid_on")
    return day


def _reference(raw: str | None, method: Method, field: str) -> str | None:
    text = (raw or "").strip()
    if len(text) > REFERENCE_MAX:
        raise DuesError(_("Mã giao dịch dài quá %(n)d ký tự.", n=REFERENCE_MAX), field)
    if method is Method.PORTAL and not text:
        raise DuesError(_("Nộp qua Cổng Dịch vụ công quốc gia: hãy ghi mã giao dịch."), field)
    return text or None


def record_sheet(cell: Organisation, month: date, rows: Mapping[int, SheetRow], method: object,
                 paid_on: date | None, actor: Actor, *, today: date) -> int:
    """Record `month` for the cell: each member on the sheet ticked → their payment (new, or corrected), unticked
    → a payment recorded before is removed. Returns how many months changed."""
    month = rules.month_start(month)
    method = _method(method)
    paid_on = _paid_on(paid_on, today)
    members = {m.id: m for m in sheet.cell_members(cell, month)}
    unknown = set(rows) - set(members)
    if unknown:
        raise DuesError(_("Có đảng viên không thuộc bảng thu của chi bộ tháng này; hãy tải lại trang."))
    existing = {p.member_id: p for p in db.session.scalars(
        select(DuesPayment).where(DuesPayment.month == month, DuesPayment.member_id.in_(sorted(members))))}
    wanted: dict[int, tuple[int, str | None]] = {}
    for member_id, row in rows.items():
        if not row.paid:
            continue
        member = members[member_id]
        service.check_month(member, month, today=today, gone=service.left_month(member), field=f"amount_{member_id}")
        amount = service.parse_money(row.amount, f"amount_{member_id}", maximum=rules.MAX_MONTHLY)
        wanted[member_id] = (amount, _reference(row.reference, method, f"reference_{member_id}"))
    added = corrected = removed = 0
    for member_id, (amount, reference) in wanted.items():
        payment = existing.get(member_id)
        if payment is None:
            db.session.add(DuesPayment(member_id=member_id, cell_id=cell.id, month=month, amount=amount,
                                       expected=_expected_now(members[member_id], month, cell), method=method,
                                       reference=reference, paid_on=paid_on, recorded_by_id=actor.user_id))
            added += 1
        elif (payment.amount, payment.reference, payment.method) != (amount, reference, method):
            payment.amount, payment.reference, payment.method = amount, reference, method
            payment.paid_on, payment.recorded_by_id = paid_on, actor.user_id
            corrected += 1
    for member_id, payment in existing.items():
        if member_id in rows and not rows[member_id].paid:
            db.session.delete(payment)
            removed += 1
    if added:
        audit.record("dues.payments", actor, target_type="organisation", target_id=cell.id, count=added)
    if corrected or removed:
        audit.record("dues.correct", actor, target_type="organisation", target_id=cell.id,
                     changed=corrected, count=removed)
    db.session.commit()
    return added + corrected + removed


def _expected_now(member: Member, month: date, cell: Organisation) -> int | None:
    owed = service.expected_for(member, month, region=service.region_of(cell),
                                profiles=service.profiles_of([member.id])[member.id],
                                reliefs=service.reliefs_of([member.id])[member.id])
    return owed.amount


def record_months(member: Member, first: date | None, last: date | None, amount: object, method: object,
                  reference: str | None, paid_on: date | None, actor: Actor, *, today: date,
                  cell: Organisation | None = None) -> list[DuesPayment]:
    """One payment covering the months from `first` to `last` (paid in advance or late), received by `cell` (the
    member's own by default): `amount` is per month, or empty for each month's expected amount. A month already
    recorded is refused (correct it on the sheet)."""
    cell = cell or member.cell
    if first is None:
        raise DuesError(_("Tháng không hợp lệ; hãy nhập theo dạng tháng/năm, ví dụ 02/2026."), "first_month")
    last = last or first
    if last < first:
        raise DuesError(_("Tháng kết thúc phải từ tháng bắt đầu trở đi."), "last_month")
    if rules.months_between(first, last) > 24:
        raise DuesError(_("Một lần ghi nhận tối đa 24 tháng."), "last_month")
    method = _method(method)
    paid_on = _paid_on(paid_on, today)
    reference = _reference(reference, method, "reference")
    gone = service.left_month(member)
    months = rules.month_range(first, last)
    for month in months:
        service.check_month(member, month, today=today, gone=gone, field="first_month")
    taken = list(db.session.scalars(select(DuesPayment.month).where(DuesPayment.member_id == member.id,
                                                                    DuesPayment.month.in_(months))))
    if taken:
        raise DuesError(_("Đã ghi nhận đảng phí tháng %(months)s; hãy sửa tháng đó trên bảng thu của chi bộ.",
                          months=", ".join(rules.format_month(m) for m in sorted(taken))), "first_month")
    typed = (str(amount).strip() if amount is not None else "") != ""
    fixed = service.parse_money(amount, "amount", maximum=rules.MAX_MONTHLY) if typed else None
    profiles = service.profiles_of([member.id])[member.id]
    reliefs = service.reliefs_of([member.id])[member.id]
    region = service.region_of(cell)
    made = []
    for month in months:
        owed = service.expected_for(member, month, region=region, profiles=profiles, reliefs=reliefs)
        value = fixed if fixed is not None else owed.amount
        if not value:
            raise DuesError(_("Chưa tính được mức đóng tháng %(m)s; hãy ghi số tiền mỗi tháng.",
                              m=rules.format_month(month)), "amount")
        made.append(DuesPayment(member_id=member.id, cell_id=cell.id, month=month, amount=value,
                                expected=owed.amount, method=method, reference=reference, paid_on=paid_on,
                                recorded_by_id=actor.user_id))
    db.session.add_all(made)
    audit.record("dues.payments", actor, target_type="member", target_id=member.id, count=len(made))
    db.session.commit()
    return made
