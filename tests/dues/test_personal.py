"""A member's dues are theirs: in their own data export, and carried when two records of one person are merged."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.dues import service
from handbook.dues.models import DuesPayment, DuesProfile, DuesRelief, Method
from handbook.extensions import db
from handbook.members import duplicates
from handbook.privacy.service import collect
from tests.dues.scene import build


@pytest.fixture
def scene(factory):
    scene = build(factory)
    for month, amount in ((date(2026, 9, 1), 90_000), (date(2026, 10, 1), 90_000)):
        db.session.add(DuesPayment(member_id=scene.member.id, cell_id=scene.cell.id, month=month, amount=amount,
                                   method=Method.PORTAL, reference="DVC-9", paid_on=date(2026, 10, 2)))
    db.session.commit()
    service.add_relief(scene.member, "reduction", "30", date(2026, 11, 1), date(2027, 1, 1), "4-QĐ",
                       date(2026, 10, 20), scene.actor, today=date(2026, 11, 1))
    return scene


def test_the_export_has_the_members_dues(scene):
    user = db.session.scalar(select(User).where(User.email == "dv@test.vn"))
    sections = {section.key: section for section in collect(user)}
    payments = sections["dues_payments"].export_rows()
    assert [(row["month"], row["amount"], row["method_label"], row["reference"]) for row in payments] == [
        (date(2026, 9, 1), 90_000, "Cổng Dịch vụ công quốc gia", "DVC-9"),
        (date(2026, 10, 1), 90_000, "Cổng Dịch vụ công quốc gia", "DVC-9")]
    assert sections["dues_profiles"].export_rows()[0]["base_amount"] == 9_000_000
    relief = sections["dues_reliefs"].export_rows()[0]
    assert (relief["kind_label"], relief["percent"], relief["decision_number"]) == ("Giảm đảng phí", 30, "4-QĐ")


def test_a_merge_carries_the_dues_keeping_the_kept_records_month(scene, factory):
    twin = factory.member(scene.cell, name="Nguyễn Thị Đóng")
    db.session.add_all([
        DuesPayment(member_id=twin.id, cell_id=scene.cell.id, month=date(2026, 10, 1), amount=1, method=Method.CASH,
                    paid_on=date(2026, 10, 1)),
        DuesPayment(member_id=twin.id, cell_id=scene.cell.id, month=date(2026, 8, 1), amount=80_000,
                    method=Method.CASH, paid_on=date(2026, 8, 1)),
        DuesProfile(member_id=twin.id, from_month=date(2026, 2, 1), category="student"),
    ])
    factory.commit()
    twin_id = twin.id
    duplicates.merge(scene.member, twin, Actor(None))
    months = dict(db.session.execute(select(DuesPayment.month, DuesPayment.amount)
                                     .where(DuesPayment.member_id == scene.member.id)).all())
    assert months == {date(2026, 8, 1): 80_000, date(2026, 9, 1): 90_000, date(2026, 10, 1): 90_000}
    assert db.session.scalars(select(DuesProfile.category).where(DuesProfile.member_id == scene.member.id)).all() \
        == ["wage"]
    assert db.session.scalar(select(DuesRelief.member_id)) == scene.member.id
    assert db.session.scalar(select(DuesPayment.id).where(DuesPayment.member_id == twin_id)) is None
