"""The demo's moves on any day of the year: a member of the demo cell moving to another ward with a few working
days left to present the letter, one who arrived last year (two cells in their history), the other ward's
directory."""
from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import select

from handbook.auth.models import User
from handbook.core.timeutil import local_today
from handbook.demo.seed import MEMBER, SECRETARY, seed_demo
from handbook.extensions import db
from handbook.members import moves
from handbook.members.move_models import MemberTransfer, MoveState, ReceivingOrganisation
from handbook.members.placements import placements_of
from tests.support import build_app


@pytest.mark.parametrize("instant", [
    "2027-02-08 10:00 +07:00",  # in the Tết break of 2027
    "2026-12-31 23:30 +07:00",  # the year's last evening
    "2027-01-01 00:30 +07:00",  # New Year's night, still 31/12 in UTC
    "2028-02-29 09:00 +07:00",  # a leap day
])
def test_the_demo_has_a_move_in_progress_and_one_done_last_year(tmp_path, instant):
    app = build_app(tmp_path, "moves")
    with app.app_context(), time_machine.travel(instant, tick=False):
        seed_demo(members=60)
        today = local_today()
        going, done = db.session.scalars(select(MemberTransfer).order_by(MemberTransfer.id)).all()
        assert going.state is MoveState.LETTER and going.to_org_id is not None
        demo_accounts = set(db.session.scalars(select(User.id).where(User.email.in_((MEMBER["email"],
                                                                                     SECRETARY["email"])))))
        assert len(demo_accounts) == 2 and going.member.user_id not in demo_accounts  # they stay in their cell
        left = moves.countdown(going, today)
        assert 1 <= left.days_left <= 6 and not left.overdue
        assert going.from_cell.parent_id != going.to_org.parent_id  # another ward
        assert done.state is MoveState.RECEIVED and done.received_day.year == today.year - 1
        cells = [p.cell_id for p in placements_of(done.member_id)]
        assert cells == [going.from_cell_id, done.from_cell_id]  # now the demo cell; before, the other ward's
        assert db.session.scalar(select(ReceivingOrganisation.id).where(
            ReceivingOrganisation.organisation_id == going.to_org_id)) is not None
        db.session.remove()
