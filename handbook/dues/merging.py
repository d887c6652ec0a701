"""How merging two member records of one person carries their dues: the kept record's rows win where both have one
for the same month (a payment, a profile); the dropped record's other rows move to the kept one. Reliefs move
as they are (a decision concerns the person)."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from handbook.dues.models import DuesPayment, DuesProfile
from handbook.extensions import db


def carry_payments(keep_id: int, drop_id: int) -> None:
    both = select(DuesPayment.month).where(DuesPayment.member_id == keep_id)
    db.session.execute(delete(DuesPayment).where(DuesPayment.member_id == drop_id, DuesPayment.month.in_(both)))
    db.session.execute(update(DuesPayment).where(DuesPayment.member_id == drop_id).values(member_id=keep_id))


def carry_profiles(keep_id: int, drop_id: int) -> None:
    both = select(DuesProfile.from_month).where(DuesProfile.member_id == keep_id)
    db.session.execute(delete(DuesProfile).where(DuesProfile.member_id == drop_id,
                                                 DuesProfile.from_month.in_(both)))
    db.session.execute(update(DuesProfile).where(DuesProfile.member_id == drop_id).values(member_id=keep_id))


def connect() -> None:
    from handbook.members.duplicates import carry_reference

    carry_reference("dues_payments", "member_id", carry_payments)
    carry_reference("dues_profiles", "member_id", carry_profiles)
    carry_reference("dues_reliefs", "member_id")
