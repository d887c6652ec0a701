"""A member's dues set-up: the region above their cell, their profile (category and base amount from a month on),
exemptions and reductions with their decisions, and what they owe for a month from all of these. Plain functions;
each write is audited and ends with one commit. Who may call them is decided by the views (`org.access`)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date
from handbook.dues import rules
from handbook.dues.errors import DuesError
from handbook.dues.models import BASED, Category, DuesProfile, DuesRegion, DuesRelief, ReliefKind
from handbook.extensions import db
from handbook.members.models import LEFT_STATUSES, Member, MemberStatusHistory
from handbook.members.retirement import is_retirement_age
from handbook.org.models import Organisation

DECISION_MAX = 60
#: how far ahead a profile may start, in months
PROFILE_AHEAD = 12


def max_advance_months() -> int:
    """How many months after the current one a payment may cover (`DUES_MAX_ADVANCE_MONTHS`)."""
    return max(0, int(current_app.config.get("DUES_MAX_ADVANCE_MONTHS", 12)))


# --- regions -----------------------------------------------------------------------------------------------------

def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def region_of(org: Organisation) -> int | None:
    """The region set on `org` or on its nearest ancestor; None when none is set."""
    ids = _path_ids(org.path)
    found = dict(db.session.execute(select(DuesRegion.organisation_id, DuesRegion.region)
                                    .where(DuesRegion.organisation_id.in_(ids))).all())
    for org_id in reversed(ids):
        if org_id in found:
            return found[org_id]
    return None


def own_region(org: Organisation) -> int | None:
    return db.session.scalar(select(DuesRegion.region).where(DuesRegion.organisation_id == org.id))


def set_region(org: Organisation, raw: object, actor: Actor) -> int | None:
    """Set (or, with an empty value, clear) the region on `org`; everything below without its own inherits it."""
    text = str(raw or "").strip()
    if text == "":
        region = None
    elif text.isascii() and text.isdigit() and int(text) in rules.REGIONS:
        region = int(text)
    else:
        raise DuesError(_("Vùng phải là I, II, III hoặc IV."), "region")
    row = db.session.get(DuesRegion, org.id)
    if region is None and row is not None:
        db.session.delete(row)
    elif region is not None and row is None:
        db.session.add(DuesRegion(organisation_id=org.id, region=region, set_by_id=actor.user_id))
    elif region is not None:
        row.region, row.set_by_id = region, actor.user_id
    audit.record("dues.region", actor, target_type="organisation", target_id=org.id)
    db.session.commit()
    return region


# --- profiles ----------------------------------------------------------------------------------------------------

def parse_money(raw: object, field: str, *, maximum: int, allow_zero: bool = False) -> int:
    """An amount in đồng as typed ("150.000", "150000", "150 000"): a whole number from 1 (0 with `allow_zero`) to
    `maximum`; DuesError on `field` otherwise."""
    problem = DuesError(_("Số tiền phải là số nguyên đồng, từ %(low)s đến %(high)s.",
                          low=rules.format_dong(0 if allow_zero else 1), high=rules.format_dong(maximum)), field)
    if isinstance(raw, bool):
        raise problem
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw or "").strip().removesuffix("đ").strip().replace(".", "").replace(" ", "")
        if not text or not text.isascii() or not text.isdigit() or len(text) > 12:
            raise problem
        value = int(text)
    if value < (0 if allow_zero else 1) or value > maximum:
        raise problem
    return value


def profiles_of(member_ids: Iterable[int]) -> dict[int, list[DuesProfile]]:
    """Each member's profiles, oldest first."""
    ids = sorted(set(member_ids))
    found: dict[int, list[DuesProfile]] = {member_id: [] for member_id in ids}
    if ids:
        for row in db.session.scalars(select(DuesProfile).where(DuesProfile.member_id.in_(ids))
                                      .order_by(DuesProfile.member_id, DuesProfile.from_month)):
            found[row.member_id].append(row)
    return found


def profile_on(profiles: list[DuesProfile], month: date) -> DuesProfile | None:
    current = None
    for row in profiles:
        if row.from_month <= month:
            current = row
    return current


def set_profile(member: Member, category: object, base: object, from_month: date | None, actor: Actor, *,
                today: date) -> DuesProfile:
    """The member's category and base amount from `from_month` on (earlier months keep theirs); the same month set
    twice: the later one replaces it."""
    try:
        category = Category(category)
    except ValueError:
        raise DuesError(_("Hãy chọn đối tượng đóng đảng phí."), "category") from None
    if from_month is None:
        raise DuesError(_("Tháng không hợp lệ; hãy nhập theo dạng tháng/năm, ví dụ 02/2026."), "from_month")
    if from_month > rules.month_start(today) + relativedelta(months=PROFILE_AHEAD):
        raise DuesError(_("Chỉ đặt trước được tối đa %(n)d tháng.", n=PROFILE_AHEAD), "from_month")
    amount = parse_money(base, "base_amount", maximum=rules.MAX_BASE) if category in BASED else None
    row = db.session.scalar(select(DuesProfile).where(DuesProfile.member_id == member.id,
                                                      DuesProfile.from_month == from_month))
    if row is None:
        row = DuesProfile(member_id=member.id, from_month=from_month)
        db.session.add(row)
    row.category, row.base_amount, row.set_by_id = category, amount, actor.user_id
    audit.record("dues.profile", actor, target_type="member", target_id=member.id)
    db.session.commit()
    return row


# --- reliefs -----------------------------------------------------------------------------------------------------

def reliefs_of(member_ids: Iterable[int]) -> dict[int, list[DuesRelief]]:
    ids = sorted(set(member_ids))
    found: dict[int, list[DuesRelief]] = {member_id: [] for member_id in ids}
    if ids:
        for row in db.session.scalars(select(DuesRelief).where(DuesRelief.member_id.in_(ids))
                                      .order_by(DuesRelief.member_id, DuesRelief.from_month)):
            found[row.member_id].append(row)
    return found


def relief_on(reliefs: list[DuesRelief], month: date) -> int:
    """The highest percentage decided for `month` (0: none)."""
    return max((row.percent for row in reliefs
                if row.from_month <= month and (row.to_month is None or month <= row.to_month)), default=0)


def add_relief(member: Member, kind: object, percent: object, from_month: date | None, to_month: date | None,
               decision_number: str | None, decision_date: date | None, actor: Actor, *, today: date) -> DuesRelief:
    """An exemption (from a month, until a month or until revoked) or a reduction of 30, 50 or 70 % for at most 12
    months, with its decision. A period overlapping another relief of the member is refused."""
    try:
        kind = ReliefKind(kind)
    except ValueError:
        raise DuesError(_("Hãy chọn lý do miễn hoặc giảm."), "kind") from None
    number = (decision_number or "").strip()
    if not number:
        raise DuesError(_("Hãy ghi số quyết định."), "decision_number")
    if len(number) > DECISION_MAX:
        raise DuesError(_("Dài quá %(n)d ký tự.", n=DECISION_MAX), "decision_number")
    if decision_date is None:
        raise DuesError(_("Hãy ghi ngày quyết định (ngày/tháng/năm)."), "decision_date")
    if decision_date > today:
        raise DuesError(_("Ngày quyết định không được ở tương lai."), "decision_date")
    if from_month is None:
        raise DuesError(_("Tháng không hợp lệ; hãy nhập theo dạng tháng/năm, ví dụ 02/2026."), "from_month")
    if to_month is not None and to_month < from_month:
        raise DuesError(_("Tháng kết thúc phải từ tháng bắt đầu trở đi."), "to_month")
    if kind is ReliefKind.REDUCTION:
        value = str(percent or "").strip()
        if not value.isdigit() or int(value) not in rules.REDUCTIONS:
            raise DuesError(_("Mức giảm phải là 30 %, 50 % hoặc 70 %."), "percent")
        if to_month is None:
            raise DuesError(_("Hãy ghi tháng kết thúc của thời gian giảm."), "to_month")
        if rules.months_between(from_month, to_month) > rules.MAX_REDUCTION_MONTHS:
            raise DuesError(_("Mỗi quyết định giảm đảng phí chỉ áp dụng tối đa %(n)d tháng; thời gian đã nhập là "
                              "%(m)d tháng.", n=rules.MAX_REDUCTION_MONTHS,
                              m=rules.months_between(from_month, to_month)), "to_month")
        amount = int(value)
    else:
        amount = rules.EXEMPT
    far = date(9999, 12, 1)
    for other in reliefs_of([member.id])[member.id]:
        if from_month <= (other.to_month or far) and other.from_month <= (to_month or far):
            raise DuesError(_("Thời gian này trùng với quyết định số %(n)s đã ghi (từ tháng %(m)s).",
                              n=other.decision_number, m=rules.format_month(other.from_month)), "from_month")
    row = DuesRelief(member_id=member.id, kind=kind, percent=amount, from_month=from_month, to_month=to_month,
                     decision_number=number, decision_date=decision_date, recorded_by_id=actor.user_id)
    db.session.add(row)
    audit.record("dues.relief", actor, target_type="member", target_id=member.id)
    db.session.commit()
    return row


# --- membership months and the expected amount -------------------------------------------------------------------

def left_month(member: Member) -> date | None:
    """The month a member who left the cell (chuyển đi, ra khỏi Đảng, đã mất) left it; None while they are in."""
    if member.status not in LEFT_STATUSES:
        return None
    day = db.session.scalar(select(MemberStatusHistory.from_date)
                            .where(MemberStatusHistory.member_id == member.id,
                                   MemberStatusHistory.status.in_(LEFT_STATUSES))
                            .order_by(MemberStatusHistory.from_date.desc()).limit(1))
    return rules.month_start(day) if day is not None else None


def check_month(member: Member, month: date, *, today: date, gone: date | None = None, field: str = "month") -> None:
    """Refuse a month the member cannot pay for: before they joined, after they left, or further ahead than the
    advance allowed."""
    if member.admission_date is not None and month < rules.month_start(member.admission_date):
        raise DuesError(_("%(name)s vào Đảng ngày %(day)s: không ghi đảng phí cho tháng %(m)s.",
                          name=member.full_name, day=format_date(member.admission_date),
                          m=rules.format_month(month)), field)
    if gone is not None and month > gone:
        raise DuesError(_("%(name)s đã rời chi bộ từ tháng %(left)s: không ghi đảng phí cho tháng %(m)s.",
                          name=member.full_name, left=rules.format_month(gone), m=rules.format_month(month)), field)
    latest = rules.latest_advance_month(today, max_advance_months())
    if month > latest:
        raise DuesError(_("Chỉ ghi nhận đóng trước đến tháng %(last)s (tối đa %(n)d tháng sau tháng hiện tại); "
                          "tháng %(m)s là quá xa.", last=rules.format_month(latest), n=max_advance_months(),
                          m=rules.format_month(month)), field)


def is_retired_in(member: Member, month: date) -> bool:
    """Whether the member has reached the retirement age by the end of `month` (unknown: not)."""
    return bool(is_retirement_age(member.birth_date, member.gender, rules.next_month(month) - relativedelta(days=1)))


def expected_for(member: Member, month: date, *, region: int | None, profiles: list[DuesProfile],
                 reliefs: list[DuesRelief]) -> rules.Expected:
    profile = profile_on(profiles, month)
    return rules.expected(month, category=profile.category if profile else None,
                          base=profile.base_amount if profile else None, region=region,
                          retired=is_retired_in(member, month), admission_date=member.admission_date,
                          relief_percent=relief_on(reliefs, month))
