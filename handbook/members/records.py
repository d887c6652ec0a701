"""Changing a member's record: field edits, dated statuses, and the history of both.

Every write here is one transaction: the change, its history rows and its audit event commit together.
`Member.status` is only ever set by `refresh_status` from the status history.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from limits import RateLimitItem, parse
from sqlalchemy import DateTime, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.auth.throttle import limiter, local_time
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today, utcnow
from handbook.extensions import db
from handbook.members.models import LEFT_STATUSES, Member, MemberChange, MemberStatus, MemberStatusHistory
from handbook.members.validation import Cleaned, Problem, clean_record, find_conflicts, shown
from handbook.org.history import day_of


class RecordError(ValueError):
    """Input the record cannot take; `problems` names each field."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return shown(value)
    return str(getattr(value, "value", value))


def check_update(member: Member | None, raw: dict[str, Any], *, partial: bool = False, scope=None) -> Cleaned:
    """Validate `raw` for `member` (None for a new record), including uniqueness against the database; a
    duplicate outside `scope` (the editor's `Access`) is not named (`validation.find_conflicts`)."""
    if member is not None:
        # Cross-field rules (age at admission, probation) need the stored values of fields not sent.
        for name in ("birth_date", "admission_date", "official_date"):
            if name not in raw and any(k in raw for k in ("birth_date", "admission_date", "official_date")):
                raw = {**raw, name: getattr(member, name)}
    cleaned = clean_record(raw, partial=partial)
    row = {k: v for k, v in cleaned.values.items() if k in ("cccd", "card_number", "full_name", "birth_date")}
    if member is not None:
        row.setdefault("full_name", member.full_name)
        row.setdefault("birth_date", member.birth_date)
    failed = {p.field for p in cleaned.problems}
    # Name + birth date is only a suspicion: checked for new records and when either changes.
    identity_changed = member is None or (row.get("full_name"), row.get("birth_date")) != (
        member.full_name, member.birth_date)
    for problem in find_conflicts([row], exclude_id=member.id if member else None, scope=scope).get(0, []):
        if problem.field not in failed and (problem.field != "full_name" or identity_changed):
            cleaned.problems.append(problem)
    return cleaned


# --- refused uniqueness checks ------------------------------------------------------------------------
# A form refused because a value is already on record — another account's phone, a CCCD, a card number, a name and
# birth date — answers a question about the whole deployment (is this number someone's?). Each refusal is counted
# per user in the login throttle's shared storage (handbook/auth/throttle.py) and audited with the field names
# only; at RECORD_REFUSALS_LIMIT, every change that would be checked so is refused with 429 until the window ends,
# whatever the value, so the answers stop telling anything.

REFUSALS_SCOPE = "record-refused"
CHECKED_FIELDS = ("phone", "cccd", "card_number", "full_name", "birth_date")  # what a uniqueness check looks up


class TooManyRefusals(Exception):
    """The user reached the limit of refused uniqueness checks; `reset_at` (epoch seconds) ends the window."""

    def __init__(self, reset_at: float):
        super().__init__(reset_at)
        self.reset_at = reset_at

    @property
    def message(self) -> str:
        return _("Đồng chí đã nhập quá nhiều số điện thoại, số CCCD, số thẻ đảng viên hoặc họ tên trùng với dữ liệu "
                 "đã có. Vì an toàn, vui lòng thử lại sau %(when)s; nếu cần, hãy liên hệ cấp ủy cấp trên.",
                 when=local_time(self.reset_at))


def _refusal_limit() -> RateLimitItem:
    return parse(current_app.config["RECORD_REFUSALS_LIMIT"])


def refuse_if_blocked(actor: Actor) -> None:
    """Before a value is checked against the records: TooManyRefusals while `actor` is at the limit."""
    if actor.user_id is None:  # the command line
        return
    item, key = _refusal_limit(), str(actor.user_id)
    if not limiter.limiter.test(item, REFUSALS_SCOPE, key):
        raise TooManyRefusals(limiter.limiter.get_window_stats(item, REFUSALS_SCOPE, key).reset_time)


def count_refusal(actor: Actor, fields, *, target_type: str | None = "member", target_id: int | None = None) -> None:
    """A uniqueness check refused: counted against the actor's limit and audited, with the field names only (no
    value, no record it matched). Commits (the refused change wrote nothing)."""
    if actor.user_id is not None:
        limiter.limiter.hit(_refusal_limit(), REFUSALS_SCOPE, str(actor.user_id))
    audit.record("member.unique_refused", actor, target_type=target_type, target_id=target_id,
                 fields=sorted(set(fields)))
    db.session.commit()


def _checks_others(member: Member, cleaned: Cleaned) -> bool:
    """Whether saving `cleaned` looks a value up among other records and accounts (one that changes)."""
    return any(name in cleaned.values and cleaned.values[name] != getattr(member, name) for name in CHECKED_FIELDS)


# The member's contact phone is also their account's login (auth.service.find_user): one E.164 value, kept equal
# here, unique among accounts (users.phone is a unique column). The refusal does not say why the number cannot be
# used: that it is another account's login is what must not be learnt from it.
PHONE_TAKEN = _l("Không dùng được số điện thoại này để đăng nhập; hãy nhập số khác hoặc liên hệ bí thư chi bộ.")
PHONE_IS_ONLY_LOGIN = _l("Số điện thoại là cách đăng nhập duy nhất của tài khoản này nên không thể để trống; "
                         "hãy nhập số mới thay cho số cũ.")


def phone_login_account(member: Member, phone: str | None) -> User | None:
    """Check that `phone` may become the member's contact phone, and so their login: return the member's
    account (None when they have none), or raise RecordError when the number is another account's login or
    the account would be left with no way to log in. The message never says whose number it is."""
    if phone is not None:
        others = select(User.id).where(User.phone == phone)
        if member.user_id is not None:
            others = others.where(User.id != member.user_id)
        if db.session.scalar(others.limit(1)) is not None:
            raise RecordError([Problem("phone", shown(phone), str(PHONE_TAKEN), conflict=True)])
    if member.user_id is None:
        return None
    account = db.session.get(User, member.user_id)
    if phone is None and account.phone is not None and not account.email:
        raise RecordError([Problem("phone", "", str(PHONE_IS_ONLY_LOGIN))])
    return account


def _move_login(account: User | None, phone: str | None, actor: Actor) -> bool:
    """Make the account log in with `phone` (in the caller's transaction); True when that changed it."""
    if account is None or account.phone == phone:
        return False
    account.phone = phone
    audit.record("auth.login_change", actor, target_type="user", target_id=account.id, fields=["phone"])
    return True


def _commit_or_phone_taken(phone_moved: bool) -> None:
    """Commit; when another account took the same number at the same moment, the unique login refuses it."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if phone_moved:
            raise RecordError([Problem("phone", "", str(PHONE_TAKEN), conflict=True)]) from None
        raise


def update_record(member: Member, raw: dict[str, Any], actor: Actor, *, allowed: tuple[str, ...],
                  scope=None) -> list[str]:
    """Apply the fields of `raw` that are in `allowed`; return the names of the fields that changed. A new phone
    also becomes the login of the member's account (audited as auth.login_change). A refusal because a value is
    already on record is counted and audited (`count_refusal`); at the limit, TooManyRefusals."""
    raw = {k: v for k, v in raw.items() if k in allowed}
    member_id = member.id
    try:
        return _update_record(member, raw, actor, scope)
    except RecordError as exc:
        refused = [p.field for p in exc.problems if p.conflict]
        if refused:
            count_refusal(actor, refused, target_id=member_id)
        raise


def _update_record(member: Member, raw: dict[str, Any], actor: Actor, scope) -> list[str]:
    cleaned = check_update(member, raw, partial=True, scope=scope)
    if _checks_others(member, cleaned):
        refuse_if_blocked(actor)  # before any answer: a refusal and a save would both tell something
    if not cleaned.ok:
        raise RecordError(cleaned.problems)
    account = None
    phone_changes = "phone" in raw and "phone" in cleaned.values and cleaned.values["phone"] != member.phone
    if phone_changes:
        account = phone_login_account(member, cleaned.values["phone"])
    changed = []
    for name, value in cleaned.values.items():
        if name not in raw or name == "official_reason" or not hasattr(Member, name):
            continue
        old = getattr(member, name)
        if old == value:
            continue
        db.session.add(MemberChange(member_id=member.id, field=name, old_value=_as_text(old),
                                    new_value=_as_text(value), changed_by_id=actor.user_id))
        setattr(member, name, value)
        changed.append(name)
    reason = cleaned.values.get("official_reason")
    if reason and "official_date" in changed:
        # The reason a probation was not exactly 12 months is kept beside the date's change.
        db.session.add(MemberChange(member_id=member.id, field="official_reason", old_value=None, new_value=reason,
                                    changed_by_id=actor.user_id))
    if changed:
        audit.record("member.update", actor, target_type="member", target_id=member.id, fields=changed)
    moved = _move_login(account, member.phone, actor) if phone_changes else False
    _commit_or_phone_taken(moved)
    return changed


def align_login_phone(member: Member, actor: Actor) -> None:
    """After records were merged: the account's login follows the record's phone when that number is free; a
    record without a phone takes its account's. Part of the caller's transaction."""
    if member.user_id is None:
        return
    account = db.session.get(User, member.user_id)
    if member.phone is None:
        member.phone = account.phone
        return
    try:
        phone_login_account(member, member.phone)
    except RecordError:
        return  # another account logs in with this number: the login stays as it was
    _move_login(account, member.phone, actor)


def refresh_status(member: Member) -> None:
    """`member.status` from the latest row of its status history (the only way it is set)."""
    latest = db.session.scalar(
        select(MemberStatusHistory.status).where(MemberStatusHistory.member_id == member.id)
        .order_by(MemberStatusHistory.from_date.desc(), MemberStatusHistory.id.desc()).limit(1)
    )
    if latest is not None:
        member.status = latest


def record_status(member: Member, status: MemberStatus, from_date: date, reason: str | None, actor: Actor,
                  *, today: date | None = None) -> MemberStatusHistory:
    """Add a dated status; the member's current status follows the latest date. When that leaves the member
    out of the cell (chuyển đi, ra khỏi Đảng, đã mất), everything that lets them in ends in the same
    transaction (`end_access`)."""
    today = today or local_today()
    if from_date > today:
        raise RecordError([Problem("status", shown(from_date), str(_l("Ngày không được ở tương lai.")))])
    reason = (reason or "").strip() or None
    if reason and len(reason) > 255:
        raise RecordError([Problem("status", "", str(_l("Dài quá %(n)d ký tự.", n=255)))])
    old = member.status
    entry = MemberStatusHistory(member_id=member.id, status=status, from_date=from_date, reason=reason,
                                recorded_by_id=actor.user_id)
    db.session.add(entry)
    db.session.flush()
    refresh_status(member)
    db.session.add(MemberChange(member_id=member.id, field="status", old_value=_as_text(old),
                                new_value=f"{status.value} ({shown(from_date)})", changed_by_id=actor.user_id))
    audit.record("member.status", actor, target_type="member", target_id=member.id, status=status.value)
    if member.status in LEFT_STATUSES:
        end_access(member, actor)
    db.session.commit()
    return entry


def end_access(member: Member, actor: Actor) -> None:
    """A member who left the cell: end their sessions, API tokens, unused activation codes, calendar feeds and push
    devices, audited (no commit: part of the status change). Access already follows the status at every request
    (`org.access`); this makes the ended access visible (their devices sign out, calendar apps stop syncing) and
    leaves nothing to reopen should the status be corrected back."""
    from handbook.auth.service import expire_activation_codes, revoke_api_tokens  # not at import time
    from handbook.auth.sessions import revoke_all
    from handbook.meetings.calendar import revoke_all_tokens
    from handbook.notify.subscriptions import forget_all

    user_id = member.user_id
    ended = {"sessions": revoke_all(user_id, commit=False) if user_id else 0,
             "tokens": revoke_api_tokens(user_id) if user_id else 0,
             "codes": expire_activation_codes(user_id) if user_id else 0,
             "feeds": revoke_all_tokens(member.id),
             "devices": forget_all(user_id) if user_id else 0}
    audit.record("member.access_ended", actor, target_type="member", target_id=member.id,
                 status=member.status.value, **ended)


def initial_statuses(values: dict[str, Any], recorded_by_id: int | None) -> list[dict[str, Any]]:
    """The status rows a new record starts with: dự bị from admission, chính thức from the official date."""
    rows = []
    if values.get("admission_date"):
        rows.append({"status": MemberStatus.DU_BI, "from_date": values["admission_date"], "reason": None,
                     "recorded_by_id": recorded_by_id})
    if values.get("official_date"):
        rows.append({"status": MemberStatus.CHINH_THUC, "from_date": values["official_date"],
                     "reason": values.get("official_reason"), "recorded_by_id": recorded_by_id})
    return rows


def backfill_status_history() -> None:
    """Give every member without a status history one row: their current status, from their official (or
    admission) date. For records written in bulk (the demo seed); one INSERT … SELECT, then commit."""
    history = MemberStatusHistory.__table__
    has_history = select(history.c.id).where(history.c.member_id == Member.id).exists()
    db.session.execute(insert(history).from_select(
        ["member_id", "status", "from_date", "reason", "recorded_at"],
        select(Member.id, Member.status, func.coalesce(Member.official_date, Member.admission_date,
                                                       day_of(Member.created_at)),
               literal("Dữ liệu ban đầu"), literal(utcnow(), DateTime(timezone=True)))
        .where(~has_history),
    ))
    db.session.commit()


def status_history(member_id: int) -> list[MemberStatusHistory]:
    return list(db.session.scalars(
        select(MemberStatusHistory).options(joinedload(MemberStatusHistory.recorded_by))
        .where(MemberStatusHistory.member_id == member_id)
        .order_by(MemberStatusHistory.from_date.desc(), MemberStatusHistory.id.desc())
    ))


def change_history(member_id: int, limit: int = 100) -> list[MemberChange]:
    return list(db.session.scalars(
        select(MemberChange).options(joinedload(MemberChange.changed_by))
        .where(MemberChange.member_id == member_id)
        .order_by(MemberChange.changed_at.desc(), MemberChange.id.desc()).limit(limit)
    ))
