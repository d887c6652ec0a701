"""A cell with a bí thư and members of every status; helpers to make meetings at a fixed 'now'."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from handbook.meetings.events import meeting_changed
from handbook.members.models import MemberStatus
from handbook.org.models import OrgKind, Role


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


@pytest.fixture
def changes():
    """Every `meeting_changed` signal sent during the test, as (meeting id, change)."""
    seen: list[tuple[int, str]] = []

    def receiver(sender, meeting, change):
        assert sender is meeting
        seen.append((meeting.id, change))

    with meeting_changed.connected_to(receiver):
        yield seen
