"""Minutes revisions, resolutions, votes (quorum and majority), and the yearly review flag."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handbook.extensions import db
from handbook.meetings import minutes, review
from handbook.meetings.attendance import record_sheet
from handbook.meetings.models import AttendanceStatus, MeetingKind, MeetingStatus, MinutesRevision
from handbook.meetings.validation import MeetingError
from handbook.members.models import MemberStatus
from tests.meetings.scenes import NOW, make_meeting

P, X, E = AttendanceStatus.CO_MAT, AttendanceStatus.VANG_KHONG_LY_DO, AttendanceStatus.VANG_CO_LY_DO


@pytest.fixture
def held(cell):
    meeting = make_meeting(cell.org, NOW - timedelta(hours=3), agenda=["Kết nạp đảng viên", "Công tác tháng 12"])
    assert meeting.status is MeetingStatus.HELD
    return meeting


# --- minutes ---------------------------------------------------------------------------------------

def test_every_save_is_a_revision_and_an_identical_save_is_not(cell, held):
    first = minutes.save_minutes(held, "Biên bản lần 1", cell.leader_user.id)
    second = minutes.save_minutes(held, "Biên bản lần 2 — bổ sung ý kiến", cell.leader_user.id)
    again = minutes.save_minutes(held, "  Biên bản lần 2 — bổ sung ý kiến \n", cell.leader_user.id)
    assert again.id == second.id
    assert db.session.query(MinutesRevision).count() == 2
    assert [r.id for r in minutes.minutes_history(held)] == [second.id, first.id]  # newest first
    assert minutes.current_minutes(held).body == "Biên bản lần 2 — bổ sung ý kiến"
    assert first.author_id == cell.leader_user.id and first.created_at is not None
    # going back to an earlier text is a new revision, not a rewrite of history
    third = minutes.save_minutes(held, "Biên bản lần 1", cell.leader_user.id)
    assert third.id not in (first.id, second.id)
    assert len(minutes.minutes_history(held)) == 3


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_empty_minutes_are_refused(cell, held, body):
    with pytest.raises(MeetingError, match="Biên bản không được để trống."):
        minutes.save_minutes(held, body, cell.leader_user.id)
    assert minutes.current_minutes(held) is None


def test_resolution_needs_title_and_body(cell, held):
    with pytest.raises(MeetingError, match="Nghị quyết cần có tiêu đề và nội dung."):
        minutes.add_resolution(held, "Nghị quyết tháng 11", "  ", cell.leader_user.id)
    minutes.add_resolution(held, "Nghị quyết tháng 11", "Chi bộ thống nhất ...", cell.leader_user.id)
    assert [r.title for r in minutes.resolutions(held)] == ["Nghị quyết tháng 11"]


# --- votes -----------------------------------------------------------------------------------------

@pytest.fixture
def five(cell, factory):
    """Five official members (leader, member, three more); the dự bị and exempt ones do not vote."""
    extra = [factory.member(cell.org, name=f"Đảng viên {n}") for n in ("Ba", "Bốn", "Năm")]
    factory.commit()
    return [cell.leader, cell.member, *extra]


def _present(meeting, cell, members, also=()):
    entries = {m.id: (P, None) for m in (*members, *also)}
    record_sheet(meeting, entries, cell.leader_user.id)


def test_without_quorum_nothing_passes(cell, held, five):
    _present(held, cell, five[:2], also=[cell.probation])   # 2 of 5 officials (+ a dự bị, who does not count)
    t = minutes.tally(held)
    assert (t.entitled, t.present, t.quorum) == (5, 2, 3)
    vote = minutes.record_vote(held, "Thông qua nghị quyết", (2, 0, 0), "half", cell.leader_user.id)
    assert (vote.quorum_met, vote.passed) == (False, False)


def test_half_rule(cell, held, five):
    _present(held, cell, five[:3])
    passed = minutes.record_vote(held, "Kết nạp quần chúng A", (3, 0, 0), "half", cell.leader_user.id,
                                 agenda_item_id=held.agenda[0].id)
    failed = minutes.record_vote(held, "Kết nạp quần chúng B", (2, 1, 0), "half", cell.leader_user.id)
    assert (passed.quorum_met, passed.passed) == (True, True)
    assert passed.agenda_item_id == held.agenda[0].id
    assert (failed.quorum_met, failed.passed) == (True, False)   # 2 is not more than half of 5
    assert (passed.entitled_count, passed.present_count) == (5, 3)


def test_two_thirds_rule(cell, held, five):
    _present(held, cell, five[:4])
    assert minutes.record_vote(held, "Đề nghị khen thưởng", (3, 1, 0), "half", cell.leader_user.id).passed
    assert not minutes.record_vote(held, "Đề nghị khen thưởng", (3, 1, 0), "two_thirds", cell.leader_user.id).passed
    assert minutes.record_vote(held, "Đề nghị khen thưởng", (4, 0, 0), "two_thirds", cell.leader_user.id).passed


def test_the_vote_records_who_was_entitled(cell, held, five):
    _present(held, cell, five[:3])
    vote = minutes.record_vote(held, "Thông qua biên bản", (3, 0, 0), "half", cell.leader_user.id)
    assert sorted(vote.entitled_member_ids) == sorted(m.id for m in five)
    assert vote.entitled_count == len(vote.entitled_member_ids)
    # a member who becomes official later does not change the recorded vote
    cell.probation.status = MemberStatus.CHINH_THUC
    db.session.commit()
    db.session.expire_all()
    assert sorted(minutes.votes(held)[0].entitled_member_ids) == sorted(m.id for m in five)
    assert minutes.tally(held).entitled == 6


def test_counts_above_those_present_are_refused(cell, held, five):
    _present(held, cell, five[:3])
    with pytest.raises(MeetingError) as caught:
        minutes.record_vote(held, "Thông qua nghị quyết", (2, 1, 1), "half", cell.leader_user.id)
    assert str(caught.value) == "Tổng số phiếu (4) vượt quá số đảng viên chính thức có mặt (3)."
    assert minutes.votes(held) == []


@pytest.mark.parametrize("counts,rule,item,message", [
    ((3, -1, 0), "half", None, "Số phiếu không được âm."),
    ((1, 0, 0), "unanimous", None, "Tỷ lệ thông qua không hợp lệ."),
    ((1, 0, 0), "half", 99999, "Nội dung chương trình không thuộc buổi họp này."),
])
def test_bad_votes_are_refused(cell, held, five, counts, rule, item, message):
    _present(held, cell, five[:3])
    with pytest.raises(MeetingError, match=message):
        minutes.record_vote(held, "Biểu quyết", counts, rule, cell.leader_user.id, agenda_item_id=item)
    with pytest.raises(MeetingError, match="Nội dung biểu quyết cần có"):
        minutes.record_vote(held, "  ", (1, 0, 0), "half", cell.leader_user.id)
    assert minutes.votes(held) == []


# --- the review rule -------------------------------------------------------------------------------

def _regular(cell, month: int, day: int = 3, kind: MeetingKind = MeetingKind.THUONG_KY):
    return make_meeting(cell.org, datetime(2026, month, day, 12, 30, tzinfo=UTC), kind=kind)


def _absent(cell, meeting, member, status=X, reason=None):
    record_sheet(meeting, {member.id: (status, reason)}, cell.leader_user.id)


def test_three_months_of_unexcused_absence_are_flagged(cell):
    for month in (2, 5, 9):
        _absent(cell, _regular(cell, month), cell.member)
    _absent(cell, _regular(cell, 5, day=20), cell.member)        # a second one in May is still one month
    for month in (3, 6):                                       # two months only: not flagged
        _absent(cell, _regular(cell, month), cell.probation)
    for month in (4, 7, 8):                                   # excused absences do not count
        _absent(cell, _regular(cell, month), cell.leader, E, "Ốm")
    for month in (1, 10, 11):                                  # thematic meetings do not count
        _absent(cell, _regular(cell, month, kind=MeetingKind.CHUYEN_DE), cell.probation)

    months = review.unexcused_months([cell.member.id, cell.probation.id, cell.leader.id], 2026)
    assert months == {cell.member.id: [2, 5, 9], cell.probation.id: [3, 6]}
    flagged = review.needs_review(cell.org.id, 2026)
    assert [(m.id, found) for m, found in flagged] == [(cell.member.id, [2, 5, 9])]
    assert review.needs_review(cell.org.id, 2025) == []
    assert cell.member.status is MemberStatus.CHINH_THUC  # the software flags, never changes a status


def test_the_month_is_the_local_one(cell):
    # 3 meetings at 23:30 local on the last day of a month = 16:30 UTC the same day; and one at 00:30 local
    # on the 1st (17:30 UTC the day before): the local month counts
    starts = [datetime(2026, 1, 31, 16, 30, tzinfo=UTC), datetime(2026, 2, 28, 17, 30, tzinfo=UTC),
              datetime(2026, 4, 30, 16, 30, tzinfo=UTC)]
    for start in starts:
        _absent(cell, make_meeting(cell.org, start), cell.member)
    assert review.unexcused_months([cell.member.id], 2026) == {cell.member.id: [1, 3, 4]}


def test_editing_the_meeting_keeps_votes_linked_to_their_agenda_item(cell, held, five):
    from handbook.meetings.scheduling import update_meeting
    from tests.meetings.scenes import meeting_input

    _present(held, cell, five[:3])
    item_id = held.agenda[0].id
    vote = minutes.record_vote(held, "Kết nạp quần chúng A", (3, 0, 0), "half", cell.leader_user.id,
                               agenda_item_id=item_id)
    # the leader adds a link and an agenda line after the meeting; "Kết nạp đảng viên" is unchanged
    update_meeting(held, meeting_input(NOW - timedelta(hours=3), agenda=[
        "Thông tin thời sự", "Kết nạp đảng viên", "Công tác tháng 12"]), now=NOW)
    db.session.expire_all()
    assert [(a.position, a.title) for a in held.agenda] == [
        (1, "Thông tin thời sự"), (2, "Kết nạp đảng viên"), (3, "Công tác tháng 12")]
    assert held.agenda[1].id == item_id
    assert minutes.votes(held)[0].agenda_item_id == item_id == vote.agenda_item_id
