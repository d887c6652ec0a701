"""The month's meeting compliance on a small ward, counted by hand: each regular meeting's state, the quarter's
thematic meetings, the quality roll-up, the trend, which cells are live, the month's edges in Hà Nội's time, and
the statements it takes (a fixed number, whatever the ward's size)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from handbook.extensions import db
from handbook.meetings.models import MeetingKind, MeetingStatus
from handbook.org.models import OrgKind
from handbook.reports.compliance import compliance_report
from handbook.reports.periods import Month
from tests.reports.meeting_scenes import PRESENT, local, meeting

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def build(factory):
    """Ward W: cells A, B, N (recorded in December: counted as missing before) and C dissolved in October,
    đảng bộ D with cells D1, D2;
    another ward's cell X held its meeting."""
    ward = factory.org("Phường Thử", OrgKind.DANG_BO_XA)
    a = factory.org("Chi bộ A", parent=ward)
    b = factory.org("Chi bộ B", parent=ward)
    c = factory.org("Chi bộ C", parent=ward)
    d = factory.org("Đảng bộ D", OrgKind.DANG_BO_CO_SO, parent=ward)
    d1 = factory.org("Chi bộ D1", parent=d)
    d2 = factory.org("Chi bộ D2", parent=d)
    n = factory.org("Chi bộ N", parent=ward)
    other = factory.org("Phường Khác", OrgKind.DANG_BO_XA)
    x = factory.org("Chi bộ X", parent=other)
    for org in (ward, a, b, c, d, d1, d2, other, x):
        org.created_at = LONG_AGO
    c.dissolved_on = date(2026, 10, 31)
    n.created_at = local(2026, 12, 1, 8)  # the day its record was written: not read (it may have existed before)
    ma, mb, mx = factory.member(a), factory.member(b), factory.member(x)
    # A: held with minutes and attendance, documents two days ahead; a thematic meeting in October
    start = local(2026, 11, 5)
    meeting(a, start, attendance={ma: PRESENT}, records=True, documents_at=start - timedelta(days=2))
    meeting(a, local(2026, 10, 20), kind=MeetingKind.CHUYEN_DE, records=True)
    meeting(a, local(2026, 10, 5), records=True, attendance={ma: PRESENT})  # October: held with records
    # B: held with attendance only, combined with a thematic topic (120 minutes), at 23:30 on 30/11 (Hà Nội)
    meeting(b, local(2026, 11, 30, 23, 30), combined=True, minutes=120, attendance={mb: PRESENT})
    # D1: scheduled and never held; a thematic meeting planned in December
    meeting(d1, local(2026, 11, 20), status=MeetingStatus.SCHEDULED)
    meeting(d1, local(2026, 12, 20), kind=MeetingKind.CHUYEN_DE, status=MeetingStatus.SCHEDULED)
    # D2: nothing in November: a cancelled one, one at 00:30 on 01/12 (Hà Nội: December), a thematic one in Q3
    meeting(d2, local(2026, 11, 10), status=MeetingStatus.CANCELLED, records=True)
    meeting(d2, local(2026, 12, 1, 0, 30), records=True, attendance={})
    meeting(d2, local(2026, 9, 10), kind=MeetingKind.CHUYEN_DE, records=True)
    # C held (but was dissolved before November), X is another ward's
    meeting(c, local(2026, 11, 3), records=True)
    meeting(x, local(2026, 11, 3), records=True, attendance={mx: PRESENT})
    db.session.commit()
    return {"ward": ward, "a": a, "b": b, "d": d, "d1": d1, "d2": d2, "other": other, "x": x}


@pytest.fixture
def scene(factory):
    with time_machine.travel(NOW, tick=False):
        yield build(factory)


def test_the_months_figures(scene, statements):
    ward = scene["ward"]
    assert ward.path  # loaded before counting
    with statements() as seen:
        report = compliance_report(ward, Month(2026, 11), now=NOW)
    assert len(seen) == 5, seen  # children, cells, quality, trend (live cells, held)
    total = report.total
    assert total.cells == 5
    assert total.counts == {"missing": 2, "scheduled": 1, "held_incomplete": 1, "held": 1}
    assert (total.held, total.share) == (1, 20.0)
    assert (total.thematic, total.thematic_share) == (2, 40.0)
    assert (total.meetings, total.score_sum, total.average_score) == (2, 6, 3.0)
    assert total.met == {"documents": 1, "duration": 2, "attendance": 2, "minutes": 1, "votes": 0}
    assert total.met_share("documents") == 50.0
    by_name = {line.name: line for line in report.children}
    assert list(by_name) == ["Chi bộ A", "Chi bộ B", "Chi bộ N", "Đảng bộ D"]
    assert (by_name["Chi bộ A"].cells, by_name["Chi bộ A"].share) == (1, 100.0)
    assert (by_name["Chi bộ B"].cells, by_name["Chi bộ B"].share) == (1, 0.0)
    assert (by_name["Chi bộ N"].cells, by_name["Chi bộ N"].share) == (1, 0.0)
    assert by_name["Đảng bộ D"].cells == 2 and by_name["Đảng bộ D"].counts["missing"] == 1
    assert [(n.name, n.under, n.status) for n in report.not_held] == [
        ("Chi bộ N", "Chi bộ N", "missing"), ("Chi bộ D2", "Đảng bộ D", "missing"),
        ("Chi bộ D1", "Đảng bộ D", "scheduled"),
        ("Chi bộ B", "Chi bộ B", "held_incomplete")]
    assert [(n.name, n.status) for n in report.without_thematic] == [("Chi bộ D1", "planned"), ("Chi bộ D2", "none"),
                                                                        ("Chi bộ N", "none")]
    assert report.quarter == (Month(2026, 10), Month(2026, 12))


def test_the_trend_of_six_months(scene):
    report = compliance_report(scene["ward"], Month(2026, 11), now=NOW)
    assert [m.iso for m, _, _ in report.trend] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    # October: A held with records; C, dissolved on 31/10, is not live in October → 5 live cells; November as above
    assert report.trend[-2][1:] == (1, 5)
    assert report.trend[-1][1:] == (1, 5)


def test_december_counts_the_meeting_after_midnight_in_hanoi(scene):
    report = compliance_report(scene["ward"], Month(2026, 12), now=NOW)
    by_name = {note.name: note.status for note in report.not_held}
    assert by_name["Chi bộ D2"] == "held_incomplete"  # 00:30 on 01/12 in Hà Nội (30/11 in UTC): minutes only
    assert by_name["Chi bộ B"] == "missing"  # 23:30 on 30/11 is November's
    assert report.total.cells == 5


def test_a_cell_sees_its_own_month(scene):
    report = compliance_report(scene["a"], Month(2026, 11), now=NOW)
    assert report.is_cell and report.children == []
    assert (report.total.cells, report.total.held, report.not_held) == (1, 1, [])


def test_an_absence_notice_before_a_thematic_meeting_is_not_holding_it(factory):
    """A thematic meeting later in the quarter, with a member's absence notice filed already, is planned, not held."""
    from handbook.meetings.models import AttendanceStatus

    with time_machine.travel(NOW, tick=False):
        ward = factory.org("Phường Báo Vắng", OrgKind.DANG_BO_XA)
        cell = factory.org("Chi bộ E", parent=ward)
        member = factory.member(cell)
        meeting(cell, local(2026, 12, 20), kind=MeetingKind.CHUYEN_DE, status=MeetingStatus.SCHEDULED,
                attendance={member: AttendanceStatus.VANG_CO_LY_DO})
        db.session.commit()
        report = compliance_report(ward, Month(2026, 12), now=NOW)
    assert report.total.thematic == 0
    assert [note.status for note in report.without_thematic] == ["planned"]
