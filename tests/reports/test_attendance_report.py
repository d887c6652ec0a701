"""Attendance over a period on a small ward, counted by hand: present / expected per cell (exempt not expected,
cancelled and chi ủy meetings left out), lowest first, added up to the organisations below; per member of one
cell; the members absent without reason in 3 months of the year (the year's edge in Hà Nội's time)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from handbook.extensions import db
from handbook.meetings.models import MeetingKind, MeetingStatus
from handbook.org.models import OrgKind
from handbook.reports.attendance import attendance_report
from tests.reports.meeting_scenes import EXCUSED, EXEMPT, PRESENT, UNEXCUSED, local, meeting

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
START, END = date(2026, 9, 1), date(2026, 11, 30)


def build(factory):
    ward = factory.org("Phường Thử", OrgKind.DANG_BO_XA)
    a = factory.org("Chi bộ A", parent=ward)
    b = factory.org("Chi bộ B", parent=ward)
    d = factory.org("Đảng bộ D", OrgKind.DANG_BO_CO_SO, parent=ward)
    d1 = factory.org("Chi bộ D1", parent=d)
    other = factory.org("Chi bộ Khác", parent=factory.org("Phường Khác", OrgKind.DANG_BO_XA))
    a1, a2, a3 = (factory.member(a, name=n) for n in ("Anh Một", "Anh Hai", "Anh Ba"))
    b1, d1m, o1 = factory.member(b, name="Bình Một"), factory.member(d1), factory.member(other)
    meeting(a, local(2026, 9, 5), attendance={a1: PRESENT, a2: PRESENT, a3: EXEMPT})
    meeting(a, local(2026, 10, 5), attendance={a1: PRESENT, a2: UNEXCUSED, a3: EXEMPT})
    meeting(a, local(2026, 11, 5), attendance={a1: PRESENT, a2: EXCUSED})
    meeting(a, local(2026, 11, 8), kind=MeetingKind.CHI_UY, attendance={a1: UNEXCUSED})  # not counted
    meeting(a, local(2026, 11, 9), status=MeetingStatus.CANCELLED, attendance={a1: UNEXCUSED})  # not counted
    meeting(a, local(2026, 8, 5), attendance={a1: UNEXCUSED})  # before the period
    # a2's absences: 00:30 on 01/01/2026 in Hà Nội is 2026's; 23:30 on 31/12/2025 is not
    meeting(a, local(2026, 1, 1, 0, 30), attendance={a2: UNEXCUSED})
    meeting(a, local(2025, 12, 31, 23, 30), attendance={a2: UNEXCUSED})
    meeting(a, local(2026, 3, 5), attendance={a2: UNEXCUSED})
    meeting(b, local(2026, 9, 5), attendance={b1: UNEXCUSED})
    meeting(b, local(2026, 10, 5), attendance={b1: UNEXCUSED})
    meeting(b, local(2026, 11, 5), attendance={b1: PRESENT})
    meeting(b, local(2026, 1, 20), kind=MeetingKind.CHUYEN_DE, attendance={b1: UNEXCUSED})  # not a regular one
    meeting(d1, local(2026, 10, 5), attendance={d1m: PRESENT})
    meeting(other, local(2026, 10, 5), attendance={o1: UNEXCUSED})
    db.session.commit()
    return {"ward": ward, "a": a, "b": b, "d": d}


@pytest.fixture
def scene(factory):
    with time_machine.travel(NOW, tick=False):
        yield build(factory)


def test_rates_per_cell_and_child(scene, statements):
    ward = scene["ward"]
    assert ward.path
    with statements() as seen:
        report = attendance_report(ward, START, END, now=NOW)
    assert len(seen) == 4, seen  # children, cells by status, meetings per cell, flags
    assert (report.total.present, report.total.expected, report.total.rate) == (6, 10, 60.0)
    assert [(c.name, c.under, c.present, c.expected, c.rate) for c in report.cells] == [
        ("Chi bộ B", "Chi bộ B", 1, 3, 33.3), ("Chi bộ A", "Chi bộ A", 4, 6, 66.7),
        ("Chi bộ D1", "Đảng bộ D", 1, 1, 100.0)]
    assert {c.name: c.rate for c in report.children} == {"Chi bộ A": 66.7, "Chi bộ B": 33.3, "Đảng bộ D": 100.0}
    a = next(c for c in report.cells if c.name == "Chi bộ A")
    assert (a.excused, a.unexcused, a.meetings) == (1, 1, 3)
    assert report.members == []


def test_absent_without_reason_in_three_months(scene):
    report = attendance_report(scene["ward"], START, END, now=NOW)
    # Anh Hai: January (00:30 on 01/01 in Hà Nội), March, October; Bình Một: two regular months only
    assert [(f.name, f.cell, f.under, f.months) for f in report.flagged] == [
        ("Anh Hai", "Chi bộ A", "Chi bộ A", [1, 3, 10])]
    assert attendance_report(scene["b"], START, END, now=NOW).flagged == []


def test_a_member_who_left_is_not_flagged(scene):
    from sqlalchemy import select

    from handbook.members.models import Member, MemberStatus

    with time_machine.travel(NOW, tick=False):
        member = db.session.scalar(select(Member).where(Member.full_name == "Anh Hai"))
        member.status = MemberStatus.CHUYEN_DI
        db.session.commit()
        assert attendance_report(scene["ward"], START, END, now=NOW).flagged == []


def test_per_member_of_one_cell(scene):
    report = attendance_report(scene["a"], START, END, now=NOW)
    assert report.is_cell
    assert [(m.name, m.present, m.expected, m.rate) for m in report.members] == [
        ("Anh Hai", 1, 3, 33.3), ("Anh Một", 3, 3, 100.0), ("Anh Ba", 0, 0, None)]
