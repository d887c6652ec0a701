"""Accounts for a whole cell: an activation code for every member of the cell who has no account yet, in one
transaction, and the batch kept (sealed) until the codes expire so the leader can print the slips and send the
SMS texts. Who gets none, and why, is decided here too: an activated account, no phone or e-mail on the record, a
login another account already uses, an account the caller may not manage (positions above them)."""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, or_, select

from handbook.audit.service import Actor, record
from handbook.auth.models import User
from handbook.auth.service import live_codes, new_activation_code
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.sealing import seal, unseal
from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.models import ACTIVE_STATUSES, CodeBatch, Member
from handbook.org.access import Access, Grant, can_manage_account
from handbook.org.models import Organisation, Position

NO_CONTACT = _l("Hồ sơ chưa có số điện thoại hoặc e-mail: hãy bổ sung trong hồ sơ (Sửa hồ sơ), rồi cấp mã lại.")
LOGIN_TAKEN = _l("Số điện thoại hoặc e-mail của hồ sơ này không dùng được để đăng nhập: hãy kiểm tra lại hồ sơ hoặc "
                 "liên hệ cấp ủy cấp trên.")
ABOVE = _l("Đồng chí này giữ chức vụ ở cấp ủy cấp trên: cấp ủy đó cấp mã kích hoạt.")
LOCKED = _l("Tài khoản đang bị khóa: liên hệ quản trị hệ thống.")


class NothingToIssue(ValueError):
    """No member of the cell can get a code now."""


@dataclass
class CellPlan:
    """Who in the cell gets a code (members still in the cell without an activated account), who has an account
    already (counted only), and who cannot get one with the reason and what to do."""

    eligible: list[Member] = field(default_factory=list)
    activated: int = 0
    apart: list[tuple[Member, str]] = field(default_factory=list)


@dataclass
class Slip:
    member: Member
    login: str  #: the login the account will have: the phone (E.164) or the e-mail
    code: str


def _login_of(member: Member) -> str | None:
    """The login an account made from the record has (account_for_member's rule: the phone, else the e-mail)."""
    return member.phone or member.email


def plan_for_cell(cell: Organisation, access: Access) -> CellPlan:
    """The plan for `cell` as `access` sees it; a few queries whatever the cell's size."""
    members = sorted(db.session.scalars(select(Member).where(Member.cell_id == cell.id,
                                                            Member.status.in_(ACTIVE_STATUSES))),
                     key=lambda m: name_sort_key(m.full_name))
    plan = CellPlan()
    user_ids = [m.user_id for m in members if m.user_id]
    accounts = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    grants: dict[int, list[Grant]] = {}
    if user_ids:
        for user_id, *grant in db.session.execute(
                select(Position.user_id, Position.organisation_id, Organisation.path, Position.role, Position.scope,
                       Organisation.kind)
                .join(Organisation, Organisation.id == Position.organisation_id).where(Position.user_id.in_(user_ids))):
            grants.setdefault(user_id, []).append(Grant(*grant))
    wanted = {_login_of(m) for m in members if m.user_id is None and _login_of(m)}
    taken: set[str] = set()
    if wanted:
        for phone, email in db.session.execute(select(User.phone, User.email).where(
                or_(User.phone.in_(wanted), User.email.in_(wanted)))):
            taken.update(v for v in (phone, email) if v)
    for member in members:
        account = accounts.get(member.user_id) if member.user_id else None
        if account is not None and account.password_hash:
            plan.activated += 1
        elif account is not None and not account.is_active_account:
            plan.apart.append((member, str(LOCKED)))
        elif account is not None and not can_manage_account(access, account.is_admin, grants.get(account.id, [])):
            plan.apart.append((member, str(ABOVE)))
        elif account is None and not _login_of(member):
            plan.apart.append((member, str(NO_CONTACT)))
        elif account is None and _login_of(member) in taken:
            plan.apart.append((member, str(LOGIN_TAKEN)))
        else:
            if account is None:
                taken.add(_login_of(member))  # two records with one phone: the second one waits
            plan.eligible.append(member)
    return plan


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_for_cell(cell: Organisation, access: Access, issued_by_id: int, actor: Actor,
                   now: datetime | None = None) -> tuple[str, CellPlan]:
    """A code for every member in the plan (an account made from the record's phone or e-mail where there is none;
    a code issued before for them stops working), the batch kept for the slips — one transaction, audited with
    counts. Returns the batch's token and the plan. NothingToIssue when nobody can get one."""
    now = now or utcnow()
    plan = plan_for_cell(cell, access)
    if not plan.eligible:
        raise NothingToIssue(str(_l("Không có đảng viên nào cần cấp mã kích hoạt.")))
    new_accounts = [m for m in plan.eligible if m.user_id is None]
    users = [User(phone=m.phone, email=None if m.phone else m.email, display_name=m.full_name)
             for m in new_accounts]
    db.session.add_all(users)
    db.session.flush()
    for member, user in zip(new_accounts, users, strict=True):
        member.user_id = user.id
    entries, expires = [], now
    for member in plan.eligible:
        code, expires = new_activation_code(member.user_id, issued_by_id, now)
        entries.append([member.id, code])
    token = secrets.token_hex(16)
    db.session.add(CodeBatch(token_hash=token_digest(token), user_id=issued_by_id, organisation_id=cell.id,
                             created_at=now, expires_at=expires, entries=seal(json.dumps(entries))))
    record("auth.activation_codes_cell", actor, target_type="organisation", target_id=cell.id,
           count=len(entries), rows=len(new_accounts), rejected=len(plan.apart))
    db.session.commit()
    return token, plan


def load_batch(token: str, user_id: int, now: datetime | None = None) -> tuple[CodeBatch, list[Slip], int] | None:
    """The batch of this token, for the leader who issued it, while its codes last: its slips in name order (one
    query for the codes still usable, one for the members, one for their accounts) and how many of its codes no
    longer work (used, or replaced by a code issued since) — those get no slip. None otherwise."""
    now = now or utcnow()
    batch = db.session.scalar(select(CodeBatch).where(CodeBatch.token_hash == token_digest(token),
                                                      CodeBatch.user_id == user_id))
    if batch is None or as_utc(batch.expires_at) <= now:
        return None
    opened = unseal(batch.entries)
    issued = {member_id: code for member_id, code in json.loads(opened)} if opened else {}
    usable = live_codes(list(issued.values()), now)
    codes = {member_id: code for member_id, code in issued.items() if code in usable}
    members = list(db.session.scalars(select(Member).where(Member.id.in_(codes)))) if codes else []
    logins = {user_id: phone or email for user_id, phone, email in db.session.execute(
        select(User.id, User.phone, User.email).where(User.id.in_([m.user_id for m in members if m.user_id])))}
    slips = [Slip(m, logins.get(m.user_id) or "", codes[m.id])
             for m in sorted(members, key=lambda m: name_sort_key(m.full_name)) if m.cell_id == batch.organisation_id]
    return batch, slips, len(issued) - len(codes)


def purge_batches(now: datetime | None = None) -> int:
    """Forget the batches whose codes have expired (the worker's daily round)."""
    removed = db.session.execute(delete(CodeBatch).where(CodeBatch.expires_at <= (now or utcnow()))).rowcount
    db.session.commit()
    return removed
