"""A cell with a bí thư and members of every status; helpers to make meetings at a fixed 'now'."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from handbook.auth.models import User
from handbook.extensions import db
from handbook.meetings import scheduling
from handbook.meetings.events import meeting_changed
from handbook.meetings.models import MeetingFormat, MeetingKind
from handbook.members.models import MemberStatus
from handbook.org.models import OrgKind, Role

# A fixed instant for the service tests (10:00 in Hà Nội); pages use the real clock.
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


@pytest.fixture
def cell(factory):
    """Ward → cell (+ a tổ đảng) with: the bí thư (a member too), an official member, a dự bị member,
    an exempt and a temporarily exempt member, one transferred out; a member of another cell."""
    ward = factory.org("Đảng bộ phường Hải Châu", OrgKind.DANG_BO_XA)
    org = factory.org("Chi bộ Khu dân cư số 1", OrgKind.CHI_BO, ward)
    group = factory.org("Tổ đảng số 1", OrgKind.TO_DANG, org)
    other_cell = factory.org("Chi bộ Khu dân cư số 2", OrgKind.CHI_BO, ward)
    leader_user = factory.user("bithu@test.vn", name="Nguyễn Thị Hồng")
    member_user = factory.user("dangvien@test.vn", name="Trần Văn Minh")
    leader = factory.member(org, leader_user, name="Nguyễn Thị Hồng")
    factory.grant(leader_user, org, Role.BI_THU)
    member = factory.member(org, member_user, name="Trần Văn Minh")
    probation = factory.member(org, name="Lê Thị Dự Bị", status=MemberStatus.DU_BI)
    exempt = factory.member(org, name="Phạm Văn Miễn", status=MemberStatus.MIEN_SINH_HOAT)
    paused = factory.member(org, name="Hoàng Thị Tạm Miễn", status=MemberStatus.TAM_MIEN)
    gone = factory.member(org, name="Võ Văn Chuyển Đi", status=MemberStatus.CHUYEN_DI)
    outsider = factory.member(other_cell, name="Đỗ Văn Ngoài")
    factory.commit()
    return SimpleNamespace(ward=ward, org=org, group=group, other_cell=other_cell, leader_user=leader_user,
                           member_user=member_user, leader=leader, member=member, probation=probation,
                           exempt=exempt, paused=paused, gone=gone, outsider=outsider)


def meeting_input(starts_at: datetime, minutes: int = 90, **fields) -> scheduling.MeetingInput:
    values = {"kind": MeetingKind.THUONG_KY, "format": MeetingFormat.TRUC_TIEP, "place": "Nhà văn hóa tổ 5"}
    values.update(fields)
    return scheduling.MeetingInput(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **values)


def make_meeting(org, starts_at: datetime, by=None, now: datetime = NOW, minutes: int = 90, **fields):
    """A meeting created through the service; `recording_held` is set for a start before `now`."""
    fields.setdefault("recording_held", starts_at < now - timedelta(minutes=5))
    return scheduling.create_meeting(org, meeting_input(starts_at, minutes, **fields), getattr(by, "id", by), now=now)


def signed_in(app, email: str):
    """A signed-in client without the password round (argon2 costs ~0.4 s); the login form has its own tests."""
    user = db.session.scalar(select(User).where(User.email == email))
    client = app.test_client()
    from handbook.auth import consent, sessions

    token = sessions.start(user, "127.0.0.1", "pytest")  # a live server-side session, as the login page makes
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"], session["sid"] = str(user.id), True, token
        if consent.has_accepted(user.id):
            session["consent"] = consent.NOTICE_VERSION
    return client


@pytest.fixture
def changes():
    """Every `meeting_changed` signal sent during the test, as (meeting id, change)."""
    seen: list[tuple[int, str]] = []

    def receiver(sender, meeting, change):
        assert sender is meeting
        seen.append((meeting.id, change))

    with meeting_changed.connected_to(receiver):
        yield seen
