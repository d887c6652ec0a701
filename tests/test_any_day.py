"""The demo is useful on any day, at any hour: built at the calendar's edges, the member's and the leader's main
flows work (home, next meeting, absence notice, check-in window, the year's series, reminders due, the review
flags, the ICS feed, the inbox). The clock is moved with time_machine; the edges are local (Hà Nội) times."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from sqlalchemy import func, select

from handbook.auth.models import User
from handbook.caller import access_of_member
from handbook.core.timeutil import as_utc, local_today, utcnow
from handbook.demo.seed import seed_demo
from handbook.extensions import db
from handbook.meetings import attendance, calendar, queries, review
from handbook.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    MinutesRevision,
    Vote,
)
from handbook.members.models import Member
from handbook.notify.models import Notification
from handbook.notify.rules import run_rules
from tests.support import csrf_from, signed_in

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

EDGES = {
    "1 Jan 00:30 (UTC still in the old year)": datetime(2027, 1, 1, 0, 30),
    "3 Jan, meeting day": datetime(2027, 1, 3, 9, 0),
    "31 Jan": datetime(2027, 1, 31, 20, 0),
    "Tết holiday week": datetime(2027, 2, 6, 10, 0),
    "28 Feb of a leap year": datetime(2028, 2, 28, 10, 0),
    "29 Feb": datetime(2028, 2, 29, 6, 45),
    "the 3rd at 19:00, check-in open": datetime(2027, 5, 3, 19, 0),
    "3 Dec, the year's last meeting": datetime(2026, 12, 3, 8, 0),
    "4 Dec, nothing left this year": datetime(2026, 12, 4, 9, 0),
    "31 Dec 23:30": datetime(2026, 12, 31, 23, 30),
    "inside the quiet hours": datetime(2027, 7, 15, 22, 15),
}


@pytest.fixture(params=list(EDGES.values()), ids=list(EDGES))
def moment(request, app, monkeypatch):
    """The demo built at a local edge time, with the production quiet hours; the clock runs on from there."""
    monkeypatch.setitem(app.config, "QUIET_HOURS", "21:30-06:30")
    with time_machine.travel(request.param.replace(tzinfo=HANOI), tick=True):
        assert seed_demo() is not None
        yield request.param


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _member(email: str) -> Member:
    return db.session.scalar(select(Member).join(User, User.id == Member.user_id).where(User.email == email))


def test_the_demo_is_useful_at_every_edge(app, moment):
    now, today = utcnow(), local_today()
    assert (today.year, today.month, today.day) == (moment.year, moment.month, moment.day)
    member, leader = _member("dangvien@demo.vn"), _member("bithu@demo.vn")
    cell_id = member.cell_id

    # an upcoming (or running) regular meeting, within the next five weeks
    upcoming = queries.next_meeting(member, now, access=access_of_member(member))
    assert upcoming is not None and upcoming.kind is MeetingKind.THUONG_KY
    assert as_utc(upcoming.starts_at) + timedelta(minutes=upcoming.duration_minutes) > now
    assert as_utc(upcoming.starts_at) - now < timedelta(days=35)

    # the year's series: this year's while a meeting day is left, and next year's whole series
    years = set(db.session.scalars(select(MeetingSeries.year).where(MeetingSeries.organisation_id == cell_id)))
    assert today.year + 1 in years
    assert (today.year in years) is ((today.month, today.day) <= (12, 3))  # no edge is after the 3rd's meeting

    # last month's meeting (or this month's, once over) is held with attendance, minutes and a vote
    held = db.session.scalar(select(Meeting).where(
        Meeting.organisation_id == cell_id, Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.starts_at.desc()).limit(1))
    assert now - as_utc(held.starts_at) < timedelta(days=32)
    for model in (Attendance, MinutesRevision, Vote):
        assert db.session.scalar(select(func.count(model.id)).where(model.meeting_id == held.id)) > 0

    # the yearly review has someone to show in the year it opens on
    review_year = review.review_year(cell_id, today)
    assert review.needs_review(cell_id, review_year)
    leader_client = signed_in(app, "bithu@demo.vn")
    page = leader_client.get(f"/meetings/review?org={cell_id}").get_data(as_text=True)
    assert "Cần xem xét" in page and f"{review_year}" in page

    # member: home and the meetings list show the next meeting; the meeting page opens
    member_client = signed_in(app, "dangvien@demo.vn")
    home = member_client.get("/")
    assert home.status_code == 200 and upcoming.title in home.get_data(as_text=True)
    assert upcoming.title in member_client.get("/meetings").get_data(as_text=True)
    page = member_client.get(f"/meetings/{upcoming.id}")
    assert page.status_code == 200

    # absence notice before the meeting; refused (with a message, not a 500) once it has started
    sent = member_client.post(f"/meetings/{upcoming.id}/absence",
                              data={"reason": "Đi công tác", "csrf_token": csrf_from(page.get_data(as_text=True))})
    started = as_utc(upcoming.starts_at) <= utcnow()
    assert sent.status_code == (400 if started else 302)
    notice = db.session.scalar(select(Attendance).where(Attendance.meeting_id == upcoming.id,
                                                        Attendance.member_id == member.id))
    assert (notice is not None and notice.status is AttendanceStatus.VANG_CO_LY_DO) is not started

    # check-in: open from 30 minutes before the start; the leader (a member too) checks in with the code
    code, _left = attendance.current_code(upcoming, utcnow())
    leader_page = leader_client.get(f"/meetings/{upcoming.id}").get_data(as_text=True)
    checked = leader_client.post(f"/meetings/{upcoming.id}/check-in",
                                 data={"code": code, "csrf_token": csrf_from(leader_page)})
    is_open = attendance.checkin_open(upcoming, utcnow())
    assert checked.status_code == (302 if is_open else 400)
    assert is_open is (moment.day == 3 and moment.hour == 19)
    mine = db.session.scalar(select(Attendance).where(Attendance.meeting_id == upcoming.id,
                                                      Attendance.member_id == leader.id))
    assert (mine is not None and mine.status is AttendanceStatus.CO_MAT) is is_open

    # the leader's series page opens on a year that can still be planned, and says something either way
    series = leader_client.get(f"/meetings/series/new?org={cell_id}")
    assert series.status_code == 200

    # reminders: what is due now goes to the outbox; a meeting within 24 hours has its reminder
    run_rules()
    reminded = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.url == f"/meetings/{upcoming.id}", Notification.kind == "meeting_reminder"))
    assert (reminded > 0) is (timedelta(0) < as_utc(upcoming.starts_at) - utcnow() <= timedelta(hours=24))

    # the ICS feed carries the next meeting at its local time
    feed = app.test_client().get(f"/calendar/{calendar.issue_token(member)}.ics")
    assert feed.status_code == 200
    starts = {event.decoded("dtstart") for event in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")}
    assert as_utc(upcoming.starts_at).astimezone(HANOI) in starts

    # the inbox opens for both
    for client in (member_client, leader_client):
        assert client.get("/notifications").status_code == 200

    _admission_is_useful(app, leader, member, today)
    _committee_view_is_useful(leader, now, today)


def _committee_view_is_useful(leader: Member, now, today) -> None:
    """The demo ward's committee has something on each of its screens: a last month with meetings held by most cells
    (attendance and minutes), someone on each review list (a retired member still at the workplace, a member absent
    without reason three months in a year, a member with no attendance in the last three months), and reach."""
    from handbook.members.models import OccupationGroup
    from handbook.org.models import CELL_KINDS, Organisation, OrgKind, UnitType

    cell = db.session.get(Organisation, leader.cell_id)
    ward = db.session.scalar(select(Organisation).where(
        Organisation.kind == OrgKind.DANG_BO_XA,
        Organisation.id.in_([int(part) for part in cell.path.strip("/").split("/")])))
    cells = select(Organisation.id).where(Organisation.kind.in_(CELL_KINDS), Organisation.path.startswith(ward.path))
    month = today.replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    held = db.session.scalars(select(Meeting.id).where(
        Meeting.organisation_id.in_(cells), Meeting.kind == MeetingKind.THUONG_KY,
        Meeting.status == MeetingStatus.HELD, Meeting.starts_at >= as_utc(
            datetime.combine(last_month, datetime.min.time(), tzinfo=HANOI)),
        Meeting.starts_at < as_utc(datetime.combine(month, datetime.min.time(), tzinfo=HANOI)))).all()
    assert len(held) >= 0.6 * db.session.scalar(select(func.count()).select_from(cells.subquery()))
    assert db.session.scalar(select(func.count(MinutesRevision.id)).where(MinutesRevision.meeting_id.in_(held)))
    in_ward = select(Member.id).where(Member.cell_id.in_(cells))
    retired = db.session.scalar(select(func.count(Member.id)).join(Organisation, Organisation.id == Member.cell_id)
                                .where(Member.id.in_(in_ward), Member.occupation_group == OccupationGroup.HUU_TRI,
                                       Organisation.unit_type != UnitType.DAN_CU))
    assert retired
    year_ago = now - timedelta(days=365)
    unexcused = db.session.execute(select(Attendance.member_id).join(Meeting, Meeting.id == Attendance.meeting_id)
                                   .where(Attendance.member_id.in_(in_ward), Meeting.starts_at >= year_ago,
                                          Attendance.status == AttendanceStatus.VANG_KHONG_LY_DO)
                                   .group_by(Attendance.member_id).having(func.count(Attendance.id) >= 3)).all()
    assert unexcused
    recent = select(Attendance.member_id).join(Meeting, Meeting.id == Attendance.meeting_id).where(
        Meeting.starts_at >= now - timedelta(days=92))
    present = recent.where(Attendance.status == AttendanceStatus.CO_MAT)
    assert db.session.scalars(recent.where(Attendance.member_id.in_(in_ward),
                                           Attendance.member_id.not_in(present))).first()
    logins = select(func.count(User.id)).join(Member, Member.user_id == User.id).where(
        Member.id.in_(in_ward), User.password_hash.is_not(None))
    assert db.session.scalar(logins.where(User.last_login_at >= now - timedelta(days=30)))


def _admission_is_useful(app, leader: Member, member: Member, today) -> None:
    """The demo's admission files at this moment: every stage on the cell's list, something overdue and something
    soon, a probation ending within the reminder window with the demo member as its sponsor, this year's
    admissions against the ward's target, and the leaders' reminders."""
    from handbook.admission import deadlines
    from handbook.admission.models import Candidate, CandidateStatus
    from handbook.admission.report import admissions_report
    from handbook.org.models import Organisation, OrgKind

    cell = db.session.get(Organisation, leader.cell_id)
    statuses = set(db.session.scalars(select(Candidate.status).where(Candidate.cell_id == cell.id)))
    assert statuses == {CandidateStatus.DANG_XET, CandidateStatus.DU_BI, CandidateStatus.CHINH_THUC}
    items = deadlines.due_items(cell, today)
    codes = {(item.code, item.overdue) for item in items}
    assert ("decision", True) in codes and ("stale", True) in codes, codes
    assert any(item.code == "ceremony" and item.soon and not item.overdue for item in items), codes
    near = [item for item in items if item.code == "recognition" and item.sponsor_id == member.id]
    assert near and 0 < (near[0].probation_end - today).days <= 30

    leader_client = signed_in(app, "bithu@demo.vn")
    listing = leader_client.get(f"/admission/cells/{cell.id}/candidates")
    assert listing.status_code == 200 and "Lê Thị Thu Hà" in listing.get_data(as_text=True)
    assert signed_in(app, "dangvien@demo.vn").get("/admission/sponsored").status_code == 200

    ward = db.session.scalar(select(Organisation).where(
        Organisation.kind == OrgKind.DANG_BO_XA,
        Organisation.id.in_([int(part) for part in cell.path.strip("/").split("/")])))
    report = admissions_report(ward, today.year, today=today)
    assert report.total.admitted >= 1 and report.total.target
    run_rules()
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "admission_task")) > 0
