"""The first time a member invited to a meeting opens one of its documents is kept — once, whatever else they open
or however often they click; leaders and committee staff looking at another cell's meeting add nothing."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.meetings import documents
from handbook.meetings.models import DocumentRead, MeetingDocument
from handbook.org.models import Role
from tests.meetings.scenes import make_meeting
from tests.support import signed_in


def _meeting_with_links(cell):
    meeting = make_meeting(cell.org, utcnow() + timedelta(days=3), by=cell.leader_user, now=utcnow())
    first = MeetingDocument(meeting_id=meeting.id, title="Dự thảo nghị quyết", link_url="https://example.vn/nq")
    second = MeetingDocument(meeting_id=meeting.id, title="Báo cáo", link_url="https://example.vn/bc")
    db.session.add_all([first, second])
    db.session.commit()
    return meeting, first, second


def _reads(meeting) -> list[tuple[int, datetime]]:
    return [(r.member_id, r.first_read_at) for r in db.session.scalars(
        select(DocumentRead).where(DocumentRead.meeting_id == meeting.id).order_by(DocumentRead.member_id))]


def test_a_member_opening_documents_is_kept_once_with_the_first_time(app, cell):
    meeting, first, second = _meeting_with_links(cell)
    member = signed_in(app, "dangvien@test.vn")
    start = utcnow().replace(microsecond=0) + timedelta(minutes=1)  # the session stays live
    with time_machine.travel(start, tick=False):
        response = member.get(f"/meetings/{meeting.id}/documents/{first.id}")
    assert response.headers["Location"] == "https://example.vn/nq"
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        for doc in (first, second, first):  # a double click, another document
            assert member.get(f"/meetings/{meeting.id}/documents/{doc.id}").headers["Location"].startswith(
                "https://example.vn/")
    rows = _reads(meeting)
    assert len(rows) == 1
    member_id, at = rows[0]
    assert member_id == cell.member.id
    assert at.replace(tzinfo=None) == start.replace(tzinfo=None)  # SQLite hands back a naive UTC time


def test_the_cells_own_leader_counts_but_staff_from_above_do_not(app, cell, factory):
    meeting, first, _second = _meeting_with_links(cell)
    staff_user = factory.user("canbo@test.vn")
    factory.member(cell.other_cell, staff_user, name="Cán Bộ Phường")  # a member of another cell
    factory.grant(staff_user, cell.ward, Role.CAN_BO)
    factory.commit()
    staff = signed_in(app, "canbo@test.vn")
    assert staff.get(f"/meetings/{meeting.id}/documents/{first.id}").headers["Location"] == "https://example.vn/nq"
    assert _reads(meeting) == []
    leader = signed_in(app, "bithu@test.vn")  # the bí thư is a member of the cell, invited like everyone
    assert leader.get(f"/meetings/{meeting.id}/documents/{first.id}").headers["Location"] == "https://example.vn/nq"
    assert [member_id for member_id, _at in _reads(meeting)] == [cell.leader.id]


def test_a_missing_document_keeps_nothing(app, cell):
    meeting, _first, _second = _meeting_with_links(cell)
    member = signed_in(app, "dangvien@test.vn")
    assert member.get(f"/meetings/{meeting.id}/documents/999999").status_code == 404
    assert _reads(meeting) == []


def test_mark_read_twice_makes_one_row_in_one_statement_each(app, cell, statements):
    meeting, _first, _second = _meeting_with_links(cell)
    early = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    with statements() as seen:
        documents.mark_read(meeting, cell.member.id, early)
    documents.mark_read(meeting, cell.member.id, early + timedelta(days=1))
    documents.mark_read(meeting, cell.probation.id, early + timedelta(days=2))
    inserts = [s for s in seen if s.upper().startswith("INSERT")]
    assert len(inserts) == 1 and "ON CONFLICT" in inserts[0].upper()
    assert db.session.scalar(select(func.count()).select_from(DocumentRead)) == 2
    kept = db.session.scalar(select(DocumentRead.first_read_at).where(DocumentRead.member_id == cell.member.id))
    assert kept.replace(tzinfo=None) == early.replace(tzinfo=None)
