"""Permanent moves (chuyển sinh hoạt đảng chính thức) through the services: each step, the deadlines in working days,
the member moving with their history, an outside destination making them chuyển đi, lapsing, and overlaps."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from handbook.admission.models import Candidate, CandidateStatus
from handbook.audit.models import AuditEvent
from handbook.audit.service import Actor
from handbook.caller import load_access
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.members import moves
from handbook.members.models import MemberChange, MemberStatus, MemberStatusHistory
from handbook.members.move_models import MemberTransfer, MoveKind, MoveReason, MoveState
from handbook.members.placements import placements_of
from handbook.notify.models import Notification
from handbook.org.models import OrgKind
from tests.members.moves_scene import MONDAY, _ask, _count


@time_machine.travel(MONDAY, tick=False)
def test_a_permanent_move_inside_goes_from_request_to_the_new_cell_with_the_members_history(world, factory):
    w = world
    candidate = factory.candidate(w["cell_a"], status=CandidateStatus.DU_BI, member_id=w["member"].id)
    factory.commit()
    move = _ask(w)
    assert (move.state, move.to_org_id, move.from_cell_id) == (MoveState.REQUESTED, w["cell_b"].id, w["cell_a"].id)
    assert move.request_by == date(2026, 4, 28)  # 60 working days after 26/01, the Tết week not counted
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "member_transfer")))
    assert told == {w["leader_a"].id}  # the sending cell's leader is asked for the letter

    with pytest.raises(LookupError):  # the receiving side does not issue the sending cell's letter
        moves.issue_letter(move, "12-GGT/ĐU", date(2026, 2, 2), actor=Actor(w["leader_b"].id),
                           access=load_access(w["leader_b"]))
    moves.issue_letter(move, "12-GGT/ĐU", date(2026, 2, 2), actor=Actor(w["leader_a"].id),
                       access=load_access(w["leader_a"]))
    assert move.state is MoveState.LETTER
    assert move.present_by == date(2026, 3, 23)  # 30 working days; without Tết it would be 16/03
    assert moves.countdown(move, date(2026, 2, 2)).days_left == 30  # the letter's own day: the whole period

    with time_machine.travel("2026-02-25 10:00 +07:00", tick=False):
        assert moves.countdown(move, date(2026, 2, 25)).days_left == 19  # 25/02 itself to 23/03
        with pytest.raises(LookupError):  # the sending side does not receive for cell B
            moves.receive(move, w["cell_b"], date(2026, 2, 25), actor=Actor(w["leader_a"].id),
                          access=load_access(w["leader_a"]))
        moves.receive(move, w["cell_b"], date(2026, 2, 25), actor=Actor(w["leader_b"].id),
                      access=load_access(w["leader_b"]))
    db.session.expire_all()
    member = w["member"]
    assert (move.state, move.received_cell_id, member.cell_id) == (MoveState.RECEIVED, w["cell_b"].id, w["cell_b"].id)
    now, before = placements_of(member.id)  # every cell the member belonged to, the letter's number on the move
    assert (now.cell_id, now.valid_from, now.decision_number) == (w["cell_b"].id, date(2026, 2, 25), "12-GGT/ĐU")
    assert (before.cell_id, before.valid_to) == (w["cell_a"].id, date(2026, 2, 25))
    assert db.session.get(Candidate, candidate.id).member_id == member.id  # the admission file stays attached
    assert db.session.scalar(select(func.count(MemberChange.id)).where(MemberChange.member_id == member.id,
                                                                       MemberChange.field == "cell_id")) == 1
    access = load_access(w["member_user"])  # access follows at the next request
    assert (access.cell_id, access.has_left) == (w["cell_b"].id, False)
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("member.move%"))))
    assert actions == {"member.move_request", "member.move_letter", "member.move_received"}


@time_machine.travel(MONDAY, tick=False)
def test_a_move_to_a_committee_is_received_into_one_of_its_cells_by_its_staff(world, factory):
    w = world
    move = moves.request_move(w["member"], kind=MoveKind.PERMANENT, reason=MoveReason.CONG_TAC,
                              change_day=date(2026, 2, 2), destination=moves.Destination(org=w["ward_b"]),
                              actor=Actor(w["leader_a"].id), access=load_access(w["leader_a"]))
    moves.issue_letter(move, "7", date(2026, 2, 2), actor=Actor(w["leader_a"].id), access=load_access(w["leader_a"]))
    staff = load_access(w["staff_b"])
    assert [c.id for c in moves.receiving_cells(move, staff)] == [w["cell_b"].id]
    with pytest.raises(moves.MoveError, match="chi bộ tiếp nhận"):
        moves.receive(move, w["cell_a"], date(2026, 2, 2), actor=Actor(w["staff_b"].id), access=staff)
    moves.receive(move, w["cell_b"], date(2026, 2, 2), actor=Actor(w["staff_b"].id), access=staff)
    assert w["member"].cell_id == w["cell_b"].id


@time_machine.travel(MONDAY, tick=False)
def test_a_letter_to_an_organisation_outside_makes_the_member_chuyen_di_and_deletes_nothing(world):
    w = world
    move = _ask(w, entry="outside")
    assert move.to_org_id is None and move.destination_name == "Đảng ủy Công ty X (tỉnh khác)"
    leader = (Actor(w["leader_a"].id), load_access(w["leader_a"]))
    moves.issue_letter(move, "15-GGT/ĐU", date(2026, 2, 2), actor=leader[0], access=leader[1])
    with time_machine.travel("2026-02-12 10:00 +07:00", tick=False):
        moves.record_outside_receipt(move, date(2026, 2, 11), actor=leader[0], access=leader[1])
    db.session.expire_all()
    member = w["member"]
    assert member.status is MemberStatus.CHUYEN_DI and member.cell_id == w["cell_a"].id
    row = db.session.scalar(select(MemberStatusHistory).where(MemberStatusHistory.member_id == member.id,
                                                              MemberStatusHistory.status == MemberStatus.CHUYEN_DI))
    assert row.from_date == date(2026, 2, 11) and "15-GGT/ĐU" in row.reason and "Công ty X" in row.reason
    assert load_access(w["member_user"]).has_left
    assert moves.moves_of(member.id)[0].state is MoveState.RECEIVED  # their own history stays theirs


@time_machine.travel("2026-12-18 09:00 +07:00", tick=False)
def test_deadlines_cross_the_year_end_and_the_day_is_hanois(world):
    w = world
    move = _ask(w, change=date(2026, 12, 18))
    assert move.request_by == date(2027, 3, 22)  # 1/1 and the Tết days of 2027 (4–10/02) not counted
    moves.issue_letter(move, "1", date(2026, 12, 18), actor=Actor(w["leader_a"].id), access=load_access(w["leader_a"]))
    assert move.present_by == date(2027, 2, 1)  # 30 working days, 1/1/2027 not counted
    # 00:30 in Hà Nội on Monday 1/2/2027 is still Sunday in UTC: the last day (1 left, today), not 2 days
    with time_machine.travel("2027-01-31 17:30 +00:00", tick=False):
        assert moves.countdown(move, local_today()).days_left == 1
    assert moves.countdown(move, date(2026, 12, 31)).days_left == 22  # 31/12 counts, 1/1 does not
    assert moves.countdown(move, date(2027, 2, 2)).days_left == -1
    assert moves.countdown(move, date(2027, 2, 6)).days_left == -2  # 2 and 3/2; Tết 2027 begins on 4/2


def test_a_letter_not_presented_in_time_lapses_and_both_are_told(world):
    w = world
    with time_machine.travel(MONDAY, tick=False):
        move = _ask(w)
        moves.issue_letter(move, "9", date(2026, 2, 2), actor=Actor(w["leader_a"].id),
                           access=load_access(w["leader_a"]))
    with time_machine.travel("2026-03-23 23:00 +07:00", tick=False):  # the last day: not yet
        assert moves.lapse_overdue() == 0
    with time_machine.travel("2026-03-24 06:00 +07:00", tick=False):  # 23:00 UTC the day before
        assert moves.state_on(move, date(2026, 3, 24)) is MoveState.LAPSED  # read so before the round runs
        with pytest.raises(moves.MoveError, match="quá hạn"):
            moves.receive(move, w["cell_b"], date(2026, 3, 24), actor=Actor(w["leader_b"].id),
                          access=load_access(w["leader_b"]))
        assert moves.lapse_overdue() == 1
    assert db.session.get(MemberTransfer, move.id).state is MoveState.LAPSED
    assert w["member"].cell_id == w["cell_a"].id
    lapsed = set(db.session.scalars(select(Notification.user_id).where(Notification.dedupe_key.like("%lapsed%"))))
    assert lapsed == {w["member_user"].id, w["leader_a"].id}


@time_machine.travel(MONDAY, tick=False)
def test_cancelling(world):
    w = world
    move = _ask(w)
    moves.cancel(move, actor=Actor(w["member_user"].id), access=load_access(w["member_user"]))
    assert move.state is MoveState.CANCELLED
    again = _ask(w)  # a cancelled move no longer stands in the way
    moves.issue_letter(again, "3", date(2026, 2, 2), actor=Actor(w["leader_a"].id), access=load_access(w["leader_a"]))
    with pytest.raises(moves.MoveError, match="báo chi bộ"):  # signed: only the cell withdraws it now
        moves.cancel(again, actor=Actor(w["member_user"].id), access=load_access(w["member_user"]))
    moves.cancel(again, actor=Actor(w["leader_a"].id), access=load_access(w["leader_a"]))
    assert again.state is MoveState.CANCELLED


# --- overlaps and bad input: a clear message, nothing written -------------------------------------------------

@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("first, second, message", [
    (MoveKind.PERMANENT, MoveKind.PERMANENT, "chuyển sinh hoạt chính thức chưa xong"),
    (MoveKind.PERMANENT, MoveKind.TEMPORARY, "chuyển sinh hoạt chính thức chưa xong"),
    (MoveKind.TEMPORARY, MoveKind.TEMPORARY, "sinh hoạt tạm thời chưa xong"),
    (MoveKind.TEMPORARY, MoveKind.PERMANENT, "sinh hoạt tạm thời chưa xong"),
])
def test_overlapping_moves_are_refused(world, first, second, message):
    w = world

    def ask(kind):
        reason = MoveReason.CU_TRU if kind is MoveKind.PERMANENT else MoveReason.CONG_TAC
        return _ask(w, kind=kind, reason=reason, change=date(2026, 2, 2), entry="inside",
                    until=date(2026, 8, 31) if kind is MoveKind.TEMPORARY else None)

    ask(first)
    before = (_count(MemberTransfer), _count(AuditEvent), _count(Notification))
    with pytest.raises(moves.MoveError, match=message):
        ask(second)
    db.session.rollback()
    assert (_count(MemberTransfer), _count(AuditEvent), _count(Notification)) == before


@time_machine.travel(MONDAY, tick=False)
def test_a_temporary_move_overlapping_a_temporary_placement_is_refused(world):
    w = world
    w["member"].temporary_cell_id, w["member"].temporary_until = w["cell_b"].id, date(2026, 5, 1)
    db.session.commit()
    with pytest.raises(moves.MoveError, match="trùng"):
        _ask(w, kind=MoveKind.TEMPORARY, reason=MoveReason.HOC_TAP, change=date(2026, 3, 1),
             until=date(2027, 3, 1))
    assert _count(MemberTransfer) == 0
    # starting the day after it ends is no overlap
    _ask(w, kind=MoveKind.TEMPORARY, reason=MoveReason.HOC_TAP, change=date(2026, 5, 2), until=date(2027, 3, 1))


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("values, message", [
    ({"reason": MoveReason.HOC_TAP}, "Lý do không phù hợp"),
    ({"change": None}, "ngày có sự thay đổi"),
    ({"change": date(2026, 9, 1)}, "quá xa"),
    ({"change": date(2009, 1, 1)}, "không được trước ngày"),
    ({"entry": None}, "chọn nơi chuyển đến"),
    ({"kind": MoveKind.TEMPORARY, "reason": MoveReason.CONG_TAC, "until": date(2026, 3, 1)}, "từ 3 tháng"),
    ({"kind": MoveKind.TEMPORARY, "reason": MoveReason.CONG_TAC, "until": date(2027, 6, 1)}, "dưới 12 tháng"),
    ({"kind": MoveKind.TEMPORARY, "reason": MoveReason.HOC_TAP, "until": date(2028, 6, 1)}, "không quá 24"),
    ({"kind": MoveKind.TEMPORARY, "reason": MoveReason.HOC_TAP, "until": None}, "Ngày kết thúc"),
])
def test_bad_requests_write_nothing(world, values, message):
    with pytest.raises(moves.MoveError, match=message):
        _ask(world, **values)
    db.session.rollback()
    assert (_count(MemberTransfer), _count(Notification)) == (0, 0)


@time_machine.travel(MONDAY, tick=False)
def test_a_destination_that_is_the_members_own_cell_or_dissolved_is_refused(world):
    w = world
    with pytest.raises(moves.MoveError, match="đang sinh hoạt"):
        moves.request_move(w["member"], kind=MoveKind.PERMANENT, reason=MoveReason.CU_TRU, change_day=date(2026, 2, 2),
                           destination=moves.Destination(org=w["cell_a"]), actor=Actor(w["member_user"].id),
                           access=load_access(w["member_user"]))
    w["cell_b"].dissolved_on = date(2026, 1, 1)
    with pytest.raises(moves.MoveError, match="giải thể"):
        _ask(w)
    db.session.rollback()
    assert _count(MemberTransfer) == 0


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("number, day, message", [
    ("", date(2026, 2, 2), "số giấy giới thiệu"),
    ("x" * 61, date(2026, 2, 2), "dài quá 60"),
    ("5", None, "ngày ký"),
    ("5", date(2026, 2, 3), "tương lai"),
    ("5", date(2026, 2, 1), "trước ngày đề nghị"),
])
def test_bad_letters_write_nothing(world, number, day, message):
    w = world
    move = _ask(w)
    with pytest.raises(moves.MoveError, match=message):
        moves.issue_letter(move, number, day, actor=Actor(w["leader_a"].id), access=load_access(w["leader_a"]))
    db.session.rollback()
    assert db.session.get(MemberTransfer, move.id).state is MoveState.REQUESTED


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("day, message", [
    (None, "ngày tiếp nhận"), (date(2026, 2, 3), "tương lai"), (date(2026, 1, 30), "trước ngày ký"),
])
def test_bad_receipts_write_nothing(world, day, message):
    w = world
    move = _ask(w)
    moves.issue_letter(move, "5", date(2026, 2, 2), actor=Actor(w["leader_a"].id),
                       access=load_access(w["leader_a"]))
    with pytest.raises(moves.MoveError, match=message):
        moves.receive(move, w["cell_b"], day, actor=Actor(w["leader_b"].id), access=load_access(w["leader_b"]))
    db.session.rollback()
    assert db.session.get(MemberTransfer, move.id).state is MoveState.LETTER and w["member"].cell_id == w["cell_a"].id


@time_machine.travel(MONDAY, tick=False)
def test_nobody_else_sees_a_move(world, factory):
    w = world
    move = _ask(w)
    stranger = factory.user("x@test.vn")
    factory.member(factory.org("Chi bộ khác", OrgKind.CHI_BO, w["ward_a"]), stranger)
    factory.commit()
    for user in (w["member_user"], w["leader_a"], w["leader_b"], w["staff_b"]):
        assert moves.visible_move(move.id, load_access(user)) is move
    with pytest.raises(LookupError):
        moves.visible_move(move.id, load_access(stranger))
    with pytest.raises(LookupError):  # nor may they ask for someone else
        moves.request_move(w["member"], kind=MoveKind.PERMANENT, reason=MoveReason.CU_TRU,
                           change_day=date(2026, 2, 2), destination=moves.Destination(entry=w["inside"]),
                           actor=Actor(stranger.id), access=load_access(stranger))


def test_a_member_who_left_while_the_letter_was_awaited_gets_no_letter_and_no_reminders(world):
    from handbook.members.records import record_status
    from handbook.notify.rules import run_rules

    w = world
    with time_machine.travel(MONDAY, tick=False):
        move = _ask(w)  # the letter due by 28/04/2026
        record_status(w["member"], MemberStatus.DA_MAT, date(2026, 2, 2), None, Actor(w["leader_a"].id))
        leader = (Actor(w["leader_a"].id), load_access(w["leader_a"]))
        with pytest.raises(moves.MoveError, match="không còn sinh hoạt đảng"):
            moves.issue_letter(move, "12-GGT/ĐU", date(2026, 2, 2), actor=leader[0], access=leader[1])
        db.session.rollback()
        assert db.session.get(MemberTransfer, move.id).state is MoveState.REQUESTED
    reminders = select(func.count(Notification.id)).where(Notification.dedupe_key.like(f"move:{move.id}:letter:%"))
    with time_machine.travel("2026-04-21 09:00 +07:00", tick=False):
        run_rules(names=["member_moves"])
    assert db.session.scalar(reminders) == 0
