"""The demo's year of activity for the committee's view: unit types, occupation groups, retired members at their
former workplace, a year of meetings in every cell, the review lists, and the app's reach."""
from __future__ import annotations

from datetime import time, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.auth.models import User
from handbook.core.timeutil import as_utc, local_today, utcnow
from handbook.demo.seed import seed_demo
from handbook.extensions import db
from handbook.meetings.models import (
    Attendance,
    AttendanceStatus,
    DocumentRead,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingStatus,
    MinutesRevision,
    Vote,
)
from handbook.meetings.scheduling import local_datetime
from handbook.members.models import Member, MemberStatus, OccupationGroup
from handbook.notify.models import PushSubscription
from handbook.org.models import CELL_KINDS, Organisation, OrgKind, UnitType
from tests.support import build_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("activity"), "activity")
    with app.app_context(), time_machine.travel("2027-03-15 10:00 +07:00", tick=False):
        seed_demo()
        yield app
        db.session.remove()


def _ward() -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == "Đảng bộ phường Hải Châu"))


def _cells(prefix: str = "/") -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.kind.in_(CELL_KINDS),
                                                              Organisation.path.startswith(prefix))))


def test_unit_types_follow_the_cells(seeded):
    orgs = list(db.session.scalars(select(Organisation)))
    by_id = {o.id: o for o in orgs}
    for org in orgs:
        if org.is_cell:
            assert org.unit_type is not None, org.name
        if org.kind is OrgKind.TO_DANG:
            assert org.unit_type is by_id[org.parent_id].unit_type
        if org.kind in (OrgKind.DANG_BO_TINH, OrgKind.DANG_BO_XA):
            assert org.unit_type is None  # they hold every kind
    names = {o.name: o.unit_type for o in orgs}
    assert names["Chi bộ Khu dân cư số 3"] is UnitType.DAN_CU
    assert {t for n, t in names.items() if n.startswith("Chi bộ Cơ quan")} == {UnitType.CO_QUAN}
    assert {t for n, t in names.items() if n.startswith("Chi bộ Trường")} <= {UnitType.SU_NGHIEP}


def test_occupation_groups_and_retired_members_at_their_workplace(seeded):
    members = list(db.session.scalars(select(Member)))
    assert all(m.occupation_group is not None for m in members)
    groups = {m.occupation_group for m in members}
    assert {OccupationGroup.HUU_TRI, OccupationGroup.CONG_CHUC, OccupationGroup.LUC_LUONG_VU_TRANG} <= groups
    today = local_today()
    cells = {c.id: c for c in _cells()}
    workplace_retired = [m for m in members if m.occupation_group is OccupationGroup.HUU_TRI
                         and cells[m.cell_id].unit_type is not UnitType.DAN_CU]
    ward = _ward()
    in_ward = [m for m in workplace_retired if cells[m.cell_id].path.startswith(ward.path)]
    assert in_ward, "the demo ward's retired-members review has someone to show"
    for member in workplace_retired:
        assert member.status is MemberStatus.CHINH_THUC and member.occupation == "Hưu trí"
        assert (today - member.birth_date).days >= 63 * 365
        assert member.cccd[4:6] == f"{member.birth_date.year % 100:02d}"


def test_a_year_of_meetings_in_every_cell(seeded):
    now = utcnow()
    ward = _ward()
    last_month = (local_today().replace(day=1) - timedelta(days=1)).replace(day=1)
    cells = _cells()
    held_by_cell = dict(db.session.execute(select(Meeting.organisation_id, func.count(Meeting.id)).where(
        Meeting.status == MeetingStatus.HELD, Meeting.kind == MeetingKind.THUONG_KY)
        .group_by(Meeting.organisation_id)).all())
    assert sum(1 for c in cells if held_by_cell.get(c.id, 0) >= 9) >= 0.7 * len(cells)
    meetings = list(db.session.scalars(select(Meeting)))
    assert all(as_utc(m.starts_at) > now - timedelta(days=400) for m in meetings)
    in_ward = {c.id for c in _cells(ward.path)}
    last = [m for m in meetings if m.organisation_id in in_ward and m.kind is MeetingKind.THUONG_KY
            and m.status is MeetingStatus.HELD and as_utc(m.starts_at) >= local_datetime(last_month, time(0, 0))]
    assert last
    assert any(m.kind is MeetingKind.CHUYEN_DE for m in meetings)
    assert any(m.status is MeetingStatus.SCHEDULED for m in meetings)
    lengths = [m.duration_minutes for m in meetings]
    assert sum(90 <= n <= 120 for n in lengths) > 0.6 * len(lengths) and min(lengths) < 90
    held_ids = {m.id for m in meetings if m.status is MeetingStatus.HELD}
    for model in (Attendance, MinutesRevision, Vote, MeetingDocument, DocumentRead):
        ids = set(db.session.scalars(select(model.meeting_id).distinct()))
        assert ids and ids <= {m.id for m in meetings}, model
        if model is not MeetingDocument:
            assert ids <= held_ids, model
    starts = {m.id: as_utc(m.starts_at) for m in meetings}
    documents = list(db.session.scalars(select(MeetingDocument)))
    early = [d for d in documents if starts[d.meeting_id] - as_utc(d.created_at) >= timedelta(days=1)]
    assert len(early) > len(documents) / 2 and len(early) < len(documents)
    assert all(d.link_url.startswith("/regulations") for d in documents)
    reads = list(db.session.scalars(select(DocumentRead)))
    assert all(as_utc(r.first_read_at) < starts[r.meeting_id] for r in reads)
    assert not db.session.scalar(select(func.count(PushSubscription.id)))


def test_the_review_lists_have_someone_in_the_demo_ward(seeded):
    ward = _ward()
    in_ward = select(Member.id).join(Organisation, Organisation.id == Member.cell_id).where(
        Organisation.path.startswith(ward.path))
    unexcused = db.session.execute(select(Attendance.member_id, func.count(Attendance.id)).where(
        Attendance.status == AttendanceStatus.VANG_KHONG_LY_DO, Attendance.member_id.in_(in_ward))
        .group_by(Attendance.member_id).having(func.count(Attendance.id) >= 3)).all()
    assert unexcused
    since = utcnow() - timedelta(days=92)
    recent = select(Attendance.member_id).join(Meeting, Meeting.id == Attendance.meeting_id).where(
        Meeting.starts_at >= since)
    present = recent.where(Attendance.status == AttendanceStatus.CO_MAT)
    quiet = db.session.scalars(recent.where(Attendance.member_id.in_(in_ward),
                                            Attendance.member_id.not_in(present)).distinct()).all()
    assert quiet


def test_reach_varies_by_cell(seeded):
    now = utcnow()
    rows = db.session.execute(select(Member.cell_id, func.count(Member.id), func.count(User.password_hash))
                              .outerjoin(User, User.id == Member.user_id).group_by(Member.cell_id)).all()
    shares = [active / total for _cell, total, active in rows]
    assert min(shares) < 0.2 and max(shares) > 0.5
    logins = list(db.session.scalars(select(User.last_login_at).where(User.last_login_at.is_not(None))))
    assert any(now - as_utc(t) <= timedelta(days=30) for t in logins)
    assert any(now - as_utc(t) > timedelta(days=90) for t in logins)
    assert all(as_utc(t) <= now for t in logins)
    assert db.session.scalar(select(func.count(User.id)).where(User.app_seen_at.is_not(None)))
