"""Temporary moves in the same flow: the member (or their cell) starts one with its period, the letter, the receiving
cell's receipt making the member attend it until the end day; the receiving cell's own request (sinh hoạt tạm thời)
refused while a move is under way."""
from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import func, select

from handbook.audit.service import Actor
from handbook.caller import load_access
from handbook.extensions import db
from handbook.members import moves, transfers
from handbook.members.models import ArrivalStatus, TemporaryArrival, TemporaryReason
from handbook.members.move_models import MoveKind, MoveReason, MoveState
from tests.members.moves_scene import MONDAY, _ask


@time_machine.travel(MONDAY, tick=False)
def test_a_temporary_move_makes_the_member_attend_the_receiving_cell_until_its_end(world):
    w = world
    move = _ask(w, kind=MoveKind.TEMPORARY, reason=MoveReason.HOC_TAP, change=date(2026, 2, 9),
                until=date(2027, 6, 30))  # study: up to 24 months
    assert move.request_by is None and move.until == date(2027, 6, 30)
    moves.issue_letter(move, "T-4", date(2026, 2, 2), actor=Actor(w["leader_a"].id), access=load_access(w["leader_a"]))
    with time_machine.travel("2026-02-10 08:00 +07:00", tick=False):
        moves.receive(move, w["cell_b"], date(2026, 2, 10), actor=Actor(w["leader_b"].id),
                      access=load_access(w["leader_b"]))
    db.session.expire_all()
    member = w["member"]
    assert move.state is MoveState.RECEIVED
    assert (member.cell_id, member.temporary_cell_id, member.temporary_until) == (
        w["cell_a"].id, w["cell_b"].id, date(2027, 6, 30))  # the record stays home
    assert load_access(w["member_user"]).temporary_cell_id == w["cell_b"].id
    listed = moves.moves_of(member.id)  # one list of the member's moves, temporary and permanent
    assert [(m.kind, m.state) for m in listed] == [(MoveKind.TEMPORARY, MoveState.RECEIVED)]


@time_machine.travel(MONDAY, tick=False)
def test_the_receiving_cells_request_cannot_be_confirmed_while_a_move_is_under_way(world):
    w = world
    _ask(w)  # a permanent move requested
    arrival = TemporaryArrival(cell_id=w["cell_b"].id, card_number="1", member_id=w["member"].id,
                               reason=TemporaryReason.CONG_TAC, until=date(2026, 8, 1))
    db.session.add(arrival)
    db.session.commit()
    try:
        transfers.confirm_arrival(w["cell_a"], arrival.id, None, load_access(w["leader_a"]), Actor(w["leader_a"].id))
    except transfers.TransferError as exc:
        assert "chưa xong" in str(exc)
    else:
        raise AssertionError("confirmed despite the open move")
    db.session.rollback()
    assert db.session.get(TemporaryArrival, arrival.id).status is ArrivalStatus.PENDING
    assert w["member"].temporary_cell_id is None
    assert db.session.scalar(select(func.count(TemporaryArrival.id))) == 1
