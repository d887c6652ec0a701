"""Reading members and giving them an account."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, bindparam, func, select, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from handbook.audit.service import Actor, record
from handbook.auth import service as auth_service
from handbook.auth.models import User
from handbook.core.i18n import gettext as _
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.rows import column_rows
from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.models import ACTIVE_STATUSES, LEFT_STATUSES, Member
from handbook.org.access import Access, managed_org_ids
from handbook.org.models import Organisation, OrgKind, Position, Role
from handbook.org.service import position_title

# most pages look up the signed-in member: built once, so a request only binds the user id (benchmarks/load.py)
_MEMBER_OF_USER = select(Member).options(joinedload(Member.cell), joinedload(Member.group)).where(
    Member.user_id == bindparam("user_id"))


def member_for_user(user_id: int) -> Member | None:
    return db.session.scalar(_MEMBER_OF_USER, {"user_id": user_id})


def get_member(member_id: int) -> Member | None:
    return db.session.scalar(select(Member).options(joinedload(Member.cell)).where(Member.id == member_id))


# the home page's titles: each position's role and its organisation's kind and name, built once (benchmarks/load.py)
_TITLES = (select(Position.role, Organisation.kind, Organisation.name)
           .join(Organisation, Organisation.id == Position.organisation_id)
           .where(Position.user_id == bindparam("user_id")).order_by(Organisation.depth.desc(), Position.id))


def still_in_cell_clause(user_id_column) -> ColumnElement[bool]:
    """SQL on a user id column: not the account of a member who left (accounts without a member record pass) —
    for those told things by their position (leaders' reminders), whose positions may outlive their status."""
    return ~select(Member.id).where(Member.user_id == user_id_column, Member.status.in_(LEFT_STATUSES)).exists()


def titles_for_user(user_id: int | None, holds_positions: bool = True) -> list[str]:
    """Every position the user holds, as Vietnamese titles; empty for an ordinary member (one query, none when
    the caller's Access already says they hold no position)."""
    if user_id is None or not holds_positions:
        return []
    return [position_title(row.role, row) for row in column_rows(_TITLES, {"user_id": user_id})]


@dataclass
class DirectoryEntry:
    member: Member
    title: str  # "Bí thư", "Phó Bí thư", "Chi ủy viên" or "Đảng viên"


CELL_TITLES = {Role.BI_THU: _l("Bí thư"), Role.PHO_BI_THU: _l("Phó Bí thư"), Role.CAP_UY_VIEN: _l("Chi ủy viên")}
TITLE_RANK = {Role.BI_THU: 0, Role.PHO_BI_THU: 1, Role.CAP_UY_VIEN: 2}


def cell_directory(cell: Organisation, *, active_only: bool = False) -> list[DirectoryEntry]:
    """The cell's members with their position in it, Vietnamese-sorted: two queries whatever the size."""
    query = select(Member).where(Member.cell_id == cell.id)
    if active_only:
        query = query.where(Member.status.in_(ACTIVE_STATUSES))
    members = db.session.scalars(query).all()
    roles: dict[int, Role] = {}
    for user_id, role in db.session.execute(
        select(Position.user_id, Position.role).where(Position.organisation_id == cell.id)
    ):
        if role in TITLE_RANK and (user_id not in roles or TITLE_RANK[role] < TITLE_RANK[roles[user_id]]):
            roles[user_id] = role
    default = _l("Đảng viên")
    entries = [DirectoryEntry(m, str(CELL_TITLES[roles[m.user_id]]) if m.user_id in roles else str(default))
               for m in members]
    return sorted(entries, key=lambda e: name_sort_key(e.member.full_name))


def cell_title(member: Member) -> str:
    """The member's position in their own cell (one query)."""
    if member.user_id is None:
        return str(_l("Đảng viên"))
    roles = db.session.scalars(
        select(Position.role).where(Position.organisation_id == member.cell_id, Position.user_id == member.user_id)
    ).all()
    ranked = sorted((r for r in roles if r in TITLE_RANK), key=TITLE_RANK.get)
    return str(CELL_TITLES[ranked[0]]) if ranked else str(_l("Đảng viên"))


def org_member_page(org: Organisation, page: int, per_page: int, *, active_only: bool, scope: Access
                    ) -> tuple[list[DirectoryEntry], int]:
    """A page of an organisation's members: a cell or a tổ đảng in Vietnamese name order; a committee's
    subtree in cell order (paged in SQL, since it may hold hundreds of thousands) — only the cells `scope`
    manages (a position over the committee alone does not reach the cells below it)."""
    if org.is_cell or org.kind is OrgKind.TO_DANG:
        cell = org if org.is_cell else org.parent
        entries = cell_directory(cell, active_only=active_only)
        if not org.is_cell:
            entries = [e for e in entries if e.member.group_id == org.id]
        start = (page - 1) * per_page
        return entries[start:start + per_page], len(entries)
    subtree = select(Organisation.id).where(Organisation.path >= org.path, Organisation.path < org.path[:-1] + "0")
    query = select(Member).where(Member.cell_id.in_(subtree), Member.cell_id.in_(managed_org_ids(scope)))
    if active_only:
        query = query.where(Member.status.in_(ACTIVE_STATUSES))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    members = db.session.scalars(
        query.order_by(Member.cell_id, Member.id).limit(per_page).offset((page - 1) * per_page)).all()
    user_ids = [m.user_id for m in members if m.user_id]
    roles: dict[tuple[int, int], Role] = {}
    if user_ids:
        for user_id, org_id, role in db.session.execute(
            select(Position.user_id, Position.organisation_id, Position.role).where(Position.user_id.in_(user_ids))
        ):
            if role in TITLE_RANK and ((user_id, org_id) not in roles
                                       or TITLE_RANK[role] < TITLE_RANK[roles[(user_id, org_id)]]):
                roles[(user_id, org_id)] = role
    default = str(_l("Đảng viên"))
    return [DirectoryEntry(m, str(CELL_TITLES[roles[(m.user_id, m.cell_id)]])
                           if (m.user_id, m.cell_id) in roles else default) for m in members], total


class LoginTaken(auth_service.AuthError):
    """The record's phone or e-mail is another account's login; the message does not say so (the caller counts the
    refusal: members.records.count_refusal)."""


def account_for_member(member: Member) -> User:
    """The member's account, created (without password) when missing: its login is the record's phone, else its
    e-mail; an e-mail another account already logs in with is left off an account that has the phone."""
    if member.user_id:
        return db.session.get(User, member.user_id)
    if not member.phone and not member.email:
        raise auth_service.AuthError(
            _("Đảng viên chưa có số điện thoại hoặc e-mail. Hãy bổ sung trước khi cấp mã kích hoạt.")
        )
    taken = db.session.scalar(
        select(User).where((User.phone == member.phone) if member.phone else (User.email == member.email))
    )
    if taken is not None:
        raise LoginTaken(_("Không tạo được tài khoản đăng nhập bằng số điện thoại hoặc e-mail của hồ sơ này. Hãy "
                           "kiểm tra lại số điện thoại, e-mail trong hồ sơ hoặc liên hệ cấp ủy cấp trên."))
    email = member.email
    if member.phone and email and db.session.scalar(select(User.id).where(User.email == email)) is not None:
        # The login is the phone; the record's e-mail is another account's login, so this account goes without
        # it (as the whole cell's codes do) rather than meet the unique constraint. The record keeps its e-mail.
        email = None
    user = User(phone=member.phone, email=email, display_name=member.full_name)
    db.session.add(user)
    db.session.flush()
    member.user_id = user.id
    return user


def issue_member_activation(member: Member, issued_by: User, actor: Actor | None = None) -> str:
    """Create the account if needed and a fresh one-time code (it sets a new password, so it is audited); all in
    one transaction."""
    user = account_for_member(member)
    record("auth.activation_code", actor or Actor(issued_by.id), target_type="user", target_id=user.id,
           member_id=member.id)
    return auth_service.issue_activation_code(user, issued_by)


def _range_end(path_column):
    """SQL for the upper bound of a subtree range, as in access._subtree."""
    return func.substr(path_column, 1, func.length(path_column) - 1, type_=String) + "0"


def count_members_by_org(org_ids: list[int]) -> dict[int, int]:
    """Members (any status) of each of org_ids, in one query: for a cell or a committee, those whose cell is it
    or below it; for a tổ đảng (no member has it as their cell), those whose group it is."""
    if not org_ids:
        return {}
    parents = select(Organisation.id, Organisation.path).where(Organisation.id.in_(org_ids)).subquery()
    cells = Organisation.__table__.alias("cells")
    by_cell = (
        select(parents.c.id.label("org_id"), func.count(Member.id).label("n"))
        .select_from(parents)
        .join(cells, (cells.c.path >= parents.c.path) & (cells.c.path < _range_end(parents.c.path)))
        .join(Member, Member.cell_id == cells.c.id)
        .group_by(parents.c.id)
    )
    # group_id only ever names a tổ đảng, so this part finds nothing for the other kinds (and the first part
    # nothing for a tổ): each id gets its count from one of the two
    by_group = (select(Member.group_id.label("org_id"), func.count(Member.id).label("n"))
                .where(Member.group_id.in_(org_ids)).group_by(Member.group_id))
    counts: dict[int, int] = {}
    for org_id, count in db.session.execute(union_all(by_cell, by_group)):
        counts[org_id] = counts.get(org_id, 0) + count
    return counts
