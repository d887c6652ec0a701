"""A meeting's quality sheet: each criterion at its edge, the score, and who sees it on the meeting page when."""
from __future__ import annotations

from datetime import timedelta

import time_machine

from handbook.extensions import db
from handbook.meetings.models import MeetingKind, MeetingStatus
from handbook.meetings.quality import sheet_of, shown
from tests.reports.meeting_scenes import PRESENT, local, meeting
from tests.support import signed_in

START = local(2026, 11, 5)


def test_every_criterion_met_scores_five(cell):
    m = meeting(cell.org, START, minutes=90, attendance={cell.member: PRESENT}, records=True, votes=True,
                documents_at=START - timedelta(days=1))  # exactly one day before counts
    sheet = sheet_of(m)
    assert sheet.met == dict.fromkeys(("documents", "duration", "attendance", "minutes", "votes"), True)
    assert (sheet.score, sheet.out_of) == (5, 5)


def test_each_criterion_at_its_edge(cell):
    late = meeting(cell.org, START, minutes=89, documents_at=START - timedelta(days=1) + timedelta(seconds=1))
    assert sheet_of(late).met == {"documents": False, "duration": False, "attendance": False, "minutes": False,
                                  "votes": False}
    assert sheet_of(late).score == 0
    no_documents = meeting(cell.org, START, minutes=90, records=True)
    assert sheet_of(no_documents).met["documents"] is False
    assert sheet_of(no_documents).met["duration"] is True
    assert sheet_of(no_documents).score == 2
    combined_short = meeting(cell.org, START, minutes=119, combined=True)
    combined_long = meeting(cell.org, START, minutes=120, combined=True)
    assert sheet_of(combined_short).met["duration"] is False
    assert sheet_of(combined_long).met["duration"] is True


def test_shown_once_started_never_when_cancelled(cell):
    m = meeting(cell.org, START, status=MeetingStatus.SCHEDULED)
    assert not shown(m, START - timedelta(seconds=1))
    assert shown(m, START)
    m.status = MeetingStatus.CANCELLED
    assert not shown(m, START + timedelta(days=1))


def test_the_meeting_page_shows_the_sheet_to_the_cell_after_the_start(app, cell):
    m = meeting(cell.org, START, status=MeetingStatus.SCHEDULED, kind=MeetingKind.THUONG_KY,
                attendance={cell.member: PRESENT})
    cancelled = meeting(cell.org, START, status=MeetingStatus.CANCELLED, records=True)
    db.session.commit()
    with time_machine.travel(START - timedelta(minutes=1), tick=False):
        member = signed_in(app, "dangvien@test.vn")
        assert "Chất lượng buổi sinh hoạt" not in member.get(f"/meetings/{m.id}").get_data(as_text=True)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        member, leader = signed_in(app, "dangvien@test.vn"), signed_in(app, "bithu@test.vn")
        for client in (member, leader):
            page = client.get(f"/meetings/{m.id}").get_data(as_text=True)
            assert "Chất lượng buổi sinh hoạt" in page
            assert "Đạt 2/5 tiêu chí" in page  # attendance and duration
        assert "Chất lượng buổi sinh hoạt" not in leader.get(f"/meetings/{cancelled.id}").get_data(as_text=True)
