"""Setting yearly targets: one form for a committee and the organisations directly below it; bad input is refused
with a Vietnamese message and nothing is written."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from handbook.admission.errors import AdmissionError
from handbook.admission.models import AdmissionTarget
from handbook.admission.targets import set_targets, targets_of
from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.org.models import OrgKind

TODAY = date(2026, 12, 6)


@pytest.fixture
def ward(factory):
    ward = factory.org("Phường Thử", OrgKind.DANG_BO_XA)
    cells = [factory.org(f"Chi bộ {n}", parent=ward) for n in (1, 2)]
    deep = factory.org("Chi bộ con", parent=factory.org("Đảng bộ cơ sở", OrgKind.DANG_BO_CO_SO, parent=ward))
    user = factory.user()
    factory.commit()
    return ward, cells, deep, Actor(user.id, "127.0.0.1")


def _rows() -> int:
    return db.session.scalar(select(func.count(AdmissionTarget.id)))


def test_targets_are_set_changed_and_cleared_in_one_go(ward):
    org, (c1, c2), _deep, actor = ward
    assert set_targets(org, 2026, {org.id: "30", c1.id: 10, c2.id: "1.200"}, actor, today=TODAY) == 3
    assert targets_of([org.id, c1.id, c2.id], 2026) == {org.id: 30, c1.id: 10, c2.id: 1200}
    assert set_targets(org, 2026, {org.id: "30", c1.id: "12", c2.id: ""}, actor, today=TODAY) == 2
    assert targets_of([org.id, c1.id, c2.id], 2026) == {org.id: 30, c1.id: 12}
    assert targets_of([org.id], 2027) == {}
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "admission.targets")) == 2


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "Chỉ tiêu phải là một số nguyên từ 0 đến 100.000."),
    (-1, "Chỉ tiêu phải là một số nguyên từ 0 đến 100.000."),
    ("100001", "Chỉ tiêu phải là một số nguyên từ 0 đến 100.000."),
    ("mười", "Chỉ tiêu phải là một số nguyên từ 0 đến 100.000."),
    ("2,5", "Chỉ tiêu phải là một số nguyên từ 0 đến 100.000."),
    ("٣", "Chỉ tiêu phải là một số nguyên từ 0 đến 100.000."),  # a digit, but not one a form sends for a number
    (1.5, "Chỉ tiêu phải là một số nguyên từ 0 đến 100.000."),
])
def test_bad_targets_are_refused_and_nothing_is_written(ward, value, message):
    org, (c1, c2), _deep, actor = ward
    with pytest.raises(AdmissionError) as refused:
        set_targets(org, 2026, {c1.id: 5, c2.id: value}, actor, today=TODAY)
    assert str(refused.value) == message
    assert refused.value.field == f"target_{c2.id}"
    db.session.rollback()
    assert _rows() == 0


@pytest.mark.parametrize("year", [2024, 2028, 1900])
def test_a_year_out_of_range_is_refused(ward, year):
    org, (c1, _c2), _deep, actor = ward
    with pytest.raises(AdmissionError) as refused:
        set_targets(org, year, {c1.id: 5}, actor, today=TODAY)
    assert str(refused.value) == "Chỉ đặt được chỉ tiêu cho năm 2025, 2026 hoặc 2027."
    db.session.rollback()
    assert _rows() == 0


def test_only_the_organisation_and_those_directly_below(ward):
    org, (c1, _c2), deep, actor = ward
    with pytest.raises(AdmissionError) as refused:
        set_targets(org, 2026, {c1.id: 5, deep.id: 3}, actor, today=TODAY)
    assert "trực thuộc" in str(refused.value)
    db.session.rollback()
    assert _rows() == 0
    assert set_targets(org, 2025, {c1.id: 0}, actor, today=TODAY) == 1  # last year, and a target of 0
    assert targets_of([c1.id], 2025) == {c1.id: 0}
