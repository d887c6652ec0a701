"""Granting and removing positions (who may see and manage what): every change is audited, and the
holder's sessions end so the new rights — and a second factor, if they now need one — apply at once."""
from __future__ import annotations

from sqlalchemy import select

from handbook.audit.service import Actor, record
from handbook.auth.models import User
from handbook.auth.sessions import revoke_all
from handbook.extensions import db
from handbook.org.models import Organisation, Position, Role, Scope


class PositionError(ValueError):
    """A grant or removal that cannot go through; the message is for the operator."""


def assign(actor: Actor, user: User, org: Organisation, role: Role, scope: Scope = Scope.SUBTREE) -> Position:
    """Give `user` the position (one transaction); refuses a duplicate."""
    exists = db.session.scalar(select(Position.id).where(
        Position.user_id == user.id, Position.organisation_id == org.id, Position.role == role))
    if exists is not None:
        raise PositionError("Người này đã giữ chức vụ đó ở tổ chức này.")
    position = Position(user_id=user.id, organisation_id=org.id, role=role, scope=scope)
    db.session.add(position)
    db.session.flush()
    record("position.grant", actor, target_type="user", target_id=user.id, organisation_id=org.id,
           role=role.value, mode=scope.value)
    revoke_all(user.id, commit=False)
    db.session.commit()
    return position


def remove(actor: Actor, position: Position) -> None:
    """Take the position away (one transaction)."""
    user_id = position.user_id
    record("position.revoke", actor, target_type="user", target_id=user_id,
           organisation_id=position.organisation_id, role=position.role.value, mode=position.scope.value)
    db.session.delete(position)
    revoke_all(user_id, commit=False)
    db.session.commit()


def end_positions(org: Organisation, actor: Actor, *, reason: str) -> int:
    """Every position in `org` ends (the organisation was dissolved or merged into another): each audited, the
    holders' sessions end so their rights follow at once. Part of the caller's transaction; returns how many."""
    positions = db.session.scalars(select(Position).where(Position.organisation_id == org.id)).all()
    for position in positions:
        record("position.revoke", actor, target_type="user", target_id=position.user_id, organisation_id=org.id,
               role=position.role.value, mode=position.scope.value, reason=reason)
        db.session.delete(position)
        revoke_all(position.user_id, commit=False)
    return len(positions)
