"""Merging two records of one person carries over EVERYTHING that refers to the dropped record — attendance and
absence notices (keeping the more informative row when both records have one for a meeting), status and change
history, calendar feeds, 'not a duplicate' decisions, votes' lists of who was entitled, the temporary placement,
the meeting documents read, the periodic reviews' lists —
so nothing is left pointing at a deleted member (nor deleted with it by PostgreSQL's cascade). The references are
enumerated from the schema: a new table referring to members fails here until the merge is told about it."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from handbook.audit.service import Actor
from handbook.core.timeutil import as_utc
from handbook.extensions import db
from handbook.meetings import calendar
from handbook.meetings.models import Attendance, AttendanceStatus, DocumentRead, Vote
from handbook.members import duplicates
from handbook.members.models import (
    DuplicateDismissal,
    Member,
    MemberChange,
    MemberStatus,
    MemberStatusHistory,
    TemporaryArrival,
    TemporaryReason,
)
from handbook.org.models import OrgKind
from handbook.reports.models import PeriodicReview, PeriodicReviewMember, ReviewKind
from tests.meetings.scenes import make_meeting

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def test_every_reference_to_members_is_known_to_the_merge(app):
    found = duplicates.member_references()
    known = set(duplicates.CARRIED_SPECIALLY) | duplicates.MOVED_AS_THEY_ARE
    assert found == known, (
        f"tables referring to members that the merge does not know: {sorted(found - known)}; decide how "
        "members.duplicates.merge carries them (and add rows for them to the test below)")


@pytest.fixture
def scene(factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO, ward)
    elsewhere = factory.org("Chi bộ 2", OrgKind.CHI_BO, ward)
    born = date(1975, 3, 4)
    keep = factory.member(cell, factory.user("dv@test.vn"), name="Trần Văn Minh", birth_date=born)
    drop = factory.member(cell, name="TRẦN VĂN MINH", birth_date=born, cccd="001075000001",
                          temporary_cell_id=elsewhere.id, temporary_until=date(2027, 1, 1))
    other = factory.member(cell, name="Lê Văn Khác", birth_date=born)
    third = factory.member(cell, name="Phạm Văn Ba", birth_date=born)
    factory.commit()
    meetings = [make_meeting(cell, NOW - timedelta(days=40 - 7 * i), place=f"Hội trường {i}") for i in range(4)]
    return cell, keep, drop, other, third, meetings


def _attendance(meeting, member, status, source, reason=None, minutes=0, client_ref=None):
    db.session.add(Attendance(meeting_id=meeting.id, member_id=member.id, status=status, source=source,
                              reason=reason, client_ref=client_ref,
                              updated_at=meeting.starts_at + timedelta(minutes=minutes)))


def _vote(meeting, ids):
    vote = Vote(meeting_id=meeting.id, question="Thông qua nghị quyết", rule="half", for_count=len(ids),
                against_count=0, abstain_count=0, entitled_count=len(ids), present_count=len(ids),
                entitled_member_ids=ids, quorum_met=True, passed=True)
    db.session.add(vote)
    return vote


def test_a_merge_carries_every_reference(app, scene):
    cell, keep, drop, other, third, (m1, m2, m3, m4) = scene
    keep_id, drop_id = keep.id, drop.id
    _attendance(m1, drop, AttendanceStatus.CO_MAT, "code", client_ref="phone-1-abcdef")  # only the dropped record
    _attendance(m2, keep, AttendanceStatus.VANG_KHONG_LY_DO, "leader")                  # both: present wins
    _attendance(m2, drop, AttendanceStatus.CO_MAT, "code")
    _attendance(m3, keep, AttendanceStatus.CO_MAT, "code", minutes=1,                   # both: present stays
                client_ref="phone-1-abcdef")  # the same offline id as the dropped record's row at m1
    _attendance(m3, drop, AttendanceStatus.VANG_CO_LY_DO, "notice", reason="Ốm", minutes=5)
    _attendance(m4, drop, AttendanceStatus.VANG_CO_LY_DO, "notice", reason="Đi công tác")  # an absence notice
    db.session.add(MemberStatusHistory(member_id=drop.id, status=MemberStatus.CHINH_THUC,
                                       from_date=date(2006, 5, 19), reason="Nhập từ tệp"))
    db.session.add(MemberChange(member_id=drop.id, field="created", new_value="import:web"))
    db.session.add(TemporaryArrival(cell_id=cell.id, card_number="12345678", member_id=drop.id,
                                    reason=TemporaryReason.CONG_TAC, until=date(2027, 1, 1)))
    db.session.add(DuplicateDismissal(member_a_id=min(drop.id, other.id), member_b_id=max(drop.id, other.id)))
    db.session.add(DuplicateDismissal(member_a_id=min(drop.id, keep.id), member_b_id=max(drop.id, keep.id)))
    db.session.add(DuplicateDismissal(member_a_id=min(drop.id, third.id), member_b_id=max(drop.id, third.id)))
    db.session.add(DuplicateDismissal(member_a_id=min(keep.id, third.id), member_b_id=max(keep.id, third.id)))
    read_at = NOW - timedelta(days=30)
    db.session.add_all([DocumentRead(meeting_id=m1.id, member_id=drop.id, first_read_at=read_at),  # dropped only
                        DocumentRead(meeting_id=m2.id, member_id=keep.id, first_read_at=read_at),  # both: the earlier
                        DocumentRead(meeting_id=m2.id, member_id=drop.id, first_read_at=read_at - timedelta(days=1))])
    reviews = [PeriodicReview(organisation_id=cell.id, kind=ReviewKind.NO_ATTENDANCE, reviewed_on=date(2026, 11, n),
                              listed=2) for n in (1, 2)]
    db.session.add_all(reviews)
    db.session.flush()
    db.session.add_all([PeriodicReviewMember(review_id=reviews[0].id, member_id=keep.id),  # both on one list
                        PeriodicReviewMember(review_id=reviews[0].id, member_id=drop.id),
                        PeriodicReviewMember(review_id=reviews[1].id, member_id=drop.id)])
    both = _vote(m2, [keep.id, drop.id, other.id])
    dropped_only = _vote(m1, [drop.id, other.id])
    unrelated = _vote(m3, [other.id, third.id])
    db.session.commit()
    feed = calendar.issue_token(drop)

    duplicates.merge(keep, drop, Actor(None))

    db.session.expire_all()
    assert db.session.get(Member, drop_id) is None
    for table, column in duplicates.member_references():  # nothing anywhere still points at the dropped record
        rows = db.session.scalar(select(func.count()).select_from(db.metadata.tables[table])
                                 .where(db.metadata.tables[table].c[column] == drop_id))
        assert rows == 0, (table, column)
    attendance = {a.meeting_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.member_id == keep_id))}
    assert {m: (a.status, a.source) for m, a in attendance.items()} == {
        m1.id: (AttendanceStatus.CO_MAT, "code"), m2.id: (AttendanceStatus.CO_MAT, "code"),
        m3.id: (AttendanceStatus.CO_MAT, "code"), m4.id: (AttendanceStatus.VANG_CO_LY_DO, "notice")}
    assert (attendance[m1.id].client_ref, attendance[m3.id].client_ref) == (None, "phone-1-abcdef")
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 4
    assert "Nhập từ tệp" in db.session.scalars(select(MemberStatusHistory.reason).where(
        MemberStatusHistory.member_id == keep_id)).all()
    assert "created" in db.session.scalars(select(MemberChange.field).where(MemberChange.member_id == keep_id)).all()
    assert calendar.reader_for_token(feed)[0].id == keep_id
    assert db.session.scalar(select(TemporaryArrival.member_id)) == keep_id
    pairs = set(db.session.execute(select(DuplicateDismissal.member_a_id, DuplicateDismissal.member_b_id)).all())
    assert pairs == {tuple(sorted((keep_id, other.id))), tuple(sorted((keep_id, third.id)))}
    assert db.session.get(Vote, both.id).entitled_member_ids == [keep_id, other.id]
    reads = dict(db.session.execute(select(DocumentRead.meeting_id, DocumentRead.first_read_at)
                                    .where(DocumentRead.member_id == keep_id)).all())
    assert set(reads) == {m1.id, m2.id} and as_utc(reads[m2.id]) == read_at - timedelta(days=1)
    listed = db.session.execute(select(PeriodicReviewMember.review_id, PeriodicReviewMember.member_id)).all()
    assert sorted(listed) == [(reviews[0].id, keep_id), (reviews[1].id, keep_id)]
    assert db.session.get(Vote, dropped_only.id).entitled_member_ids == [keep_id, other.id]
    assert db.session.get(Vote, unrelated.id).entitled_member_ids == [other.id, third.id]
    kept = db.session.get(Member, keep_id)
    assert kept.cccd == "001075000001" and kept.temporary_cell_id is not None
    assert kept.temporary_until == date(2027, 1, 1)


def test_a_merge_through_the_page_keeps_the_attendance(app, client, scene, factory):
    from handbook.org.models import Role
    from tests.support import csrf_from, login

    cell, keep, drop, _other, _third, (m1, *_rest) = scene
    staff = factory.user("canbo@test.vn")
    factory.grant(staff, db.session.get(type(cell), cell.parent_id), Role.CAN_BO)
    _attendance(m1, drop, AttendanceStatus.CO_MAT, "code")
    factory.commit()
    keep_id = keep.id
    login(client, "canbo@test.vn")
    token = csrf_from(client.get("/members/duplicates/").get_data(as_text=True))
    response = client.post("/members/duplicates/merge", data={"csrf_token": token, "a": keep.id, "b": drop.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Attendance.member_id)) == keep_id
