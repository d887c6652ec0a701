"""Chi ủy meetings, absence after check-in, series guards, committee sorting, the missing-records query."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from handbook.caller import load_access
from handbook.meetings import attendance, minutes, queries, scheduling
from handbook.meetings.models import AttendanceStatus, MeetingFormat, MeetingKind
from handbook.meetings.validation import MeetingError
from handbook.org.models import OrgKind
from tests.meetings.scenes import NOW, make_meeting


def test_cell_committee_meeting_invites_only_position_holders(app, cell):
    meeting = make_meeting(cell.org, NOW + timedelta(days=2), by=cell.leader_user, kind=MeetingKind.CHI_UY)
    assert [m.id for m in attendance.invitees(meeting)] == [cell.leader.id]
    assert attendance.is_invited(meeting, cell.leader)
    assert not attendance.is_invited(meeting, cell.member)
    with pytest.raises(MeetingError, match="không thuộc danh sách"):
        attendance.send_absence(meeting, cell.member, "Bận", now=NOW)


def test_absence_cannot_replace_a_check_in(app, cell):
    starts = NOW + timedelta(minutes=20)
    meeting = make_meeting(cell.org, starts, by=cell.leader_user, format=MeetingFormat.TRUC_TUYEN,
                           place=None, online_url="https://meet.jit.si/chibo1")
    attendance.check_in(meeting, cell.member, now=NOW)
    with pytest.raises(MeetingError, match="đã điểm danh có mặt"):
        attendance.send_absence(meeting, cell.member, "Có việc đột xuất", now=NOW)
    assert attendance.attendance_sheet(meeting)[1].status is not None


def test_series_needs_a_place_and_dates_left(app, cell):
    with pytest.raises(MeetingError, match="địa điểm"):
        scheduling.create_series(cell.org, 2027, cell.leader_user.id, today=date(2026, 11, 22))
    with pytest.raises(MeetingError, match="không còn ngày họp"):
        scheduling.create_series(cell.org, 2026, cell.leader_user.id, place="Nhà văn hóa",
                                 today=date(2026, 12, 20))


def test_missing_records_lists_meetings_without_minutes_or_attendance(app, cell):
    old = make_meeting(cell.org, NOW - timedelta(days=5), by=cell.leader_user)
    complete = make_meeting(cell.org, NOW - timedelta(days=6), by=cell.leader_user)
    recent = make_meeting(cell.org, NOW - timedelta(days=1), by=cell.leader_user)
    attendance.record_sheet(complete, {cell.member.id: (AttendanceStatus.CO_MAT, None)}, cell.leader_user.id)
    minutes.save_minutes(complete, "Biên bản", cell.leader_user.id)
    assert [m.id for m in queries.missing_records(NOW)] == [old.id]
    assert recent.id not in [m.id for m in queries.missing_records(NOW)]


@pytest.mark.parametrize("sort", queries.SORTS)
def test_committee_view_sorts_and_counts(app, factory, cell, sort):
    third = factory.org("Chi bộ Khu dân cư số 0", OrgKind.CHI_BO, cell.ward)
    factory.commit()
    year, month = 2026, 11
    make_meeting(cell.org, NOW + timedelta(days=1), by=cell.leader_user)
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, cell.ward)
    factory.commit()
    rows, total = queries.committee_month(load_access(staff), year, month, sort=sort)
    assert total == 3 and {r.cell.id for r in rows} == {cell.org.id, cell.other_cell.id, third.id}
    by_id = {r.cell.id: r.status for r in rows}
    assert by_id[cell.org.id] == "scheduled" and by_id[third.id] == "missing"
    if sort == "name":
        assert [r.cell.name for r in rows] == sorted(r.cell.name for r in rows)
    if sort == "status":
        assert rows[-1].cell.id == cell.org.id  # cells without a meeting first
