"""Reading members and giving them an account."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from handbook.auth import service as auth_service
from handbook.auth.models import User
from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.models import Organisation, Position
from handbook.org.service import position_title


def member_for_user(user_id: int) -> Member | None:
    return db.session.scalar(
        select(Member).options(joinedload(Member.cell), joinedload(Member.group)).where(Member.user_id == user_id)
    )


def get_member(member_id: int) -> Member | None:
    return db.session.scalar(select(Member).options(joinedload(Member.cell)).where(Member.id == member_id))


def titles_for_user(user_id: int | None) -> list[str]:
    """Every position the user holds, as Vietnamese titles; empty for an ordinary member."""
    if user_id is None:
        return []
    positions = db.session.scalars(
        select(Position).join(Organisation).where(Position.user_id == user_id).order_by(Organisation.depth.desc())
    )
    return [position_title(p.role, p.organisation) for p in positions]


def cell_members(cell: Organisation) -> list[Member]:
    """Members placed in the cell (the Vietnamese-collated directory is members' own issue)."""
    members = db.session.scalars(select(Member).where(Member.cell_id == cell.id)).all()
    return sorted(members, key=lambda m: (m.given_name.casefold(), m.full_name.casefold()))


def account_for_member(member: Member) -> User:
    """The member's account, created (without password) from their phone or e-mail when missing."""
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
        raise auth_service.AuthError(_("Số điện thoại hoặc e-mail này đã thuộc về một tài khoản khác."))
    user = User(phone=member.phone, email=member.email, display_name=member.full_name)
    db.session.add(user)
    db.session.flush()
    member.user_id = user.id
    return user


def issue_member_activation(member: Member, issued_by: User) -> str:
    """Create the account if needed and a fresh one-time code; all in one transaction."""
    user = account_for_member(member)
    return auth_service.issue_activation_code(user, issued_by)
