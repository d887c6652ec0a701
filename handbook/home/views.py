"""Home, profile and the bottom-navigation pages."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from handbook.admission.probation import sponsors_anyone
from handbook.caller import current_access
from handbook.core.forms import EmptyForm
from handbook.core.timeutil import local_today
from handbook.home.checklist import checklist_for
from handbook.meetings import calendar
from handbook.meetings.attendance import checkin_open, is_invited, join_open
from handbook.meetings.forms import CheckinForm
from handbook.meetings.labels import TEMPLATE_LABELS as MEETING_LABELS
from handbook.meetings.models import AttendanceStatus
from handbook.meetings.queries import attendance_of, next_meeting
from handbook.members import moves, transfers
from handbook.members import service as members
from handbook.members.labels import GENDER_LABELS, OCCUPATION_GROUP_LABELS, STATUS_LABELS
from handbook.org.access import can_manage_candidates
from handbook.org.service import ancestors

bp = Blueprint("home", __name__)


@bp.get("/ping")
def ping():
    """Hello world: no session, no database — the ceiling benchmarks/load.py compares the pages with."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/")
@login_required
def index():
    access = current_access()
    member, open_moves = moves.member_and_open_moves(current_user.id)  # one statement, as member_for_user is
    titles = members.titles_for_user(current_user.id, bool(access.grants))
    meeting = next_meeting(access.member, access=access)  # none for a member who left
    mine = attendance_of(member, [meeting.id]).get(meeting.id) if meeting else None
    # on the day: the one-tap buttons, once the check-in (30 min before) or the online room (15 min) is open
    can_check_in = (meeting is not None and checkin_open(meeting) and is_invited(meeting, member)
                    and not (mine and mine.status is AttendanceStatus.CO_MAT))
    return render_template(
        "home/index.html", member=member, titles=titles, member_status_labels=STATUS_LABELS,
        has_left=access.has_left, is_leader=access.is_leader,
        meeting=meeting, mine=mine, join_open=join_open(meeting) if meeting else False,
        can_check_in=can_check_in, checkin_form=CheckinForm() if can_check_in else None, **MEETING_LABELS,
        checklist=checklist_for(access) if access.is_leader else None,
        sponsors=access.member is not None and sponsors_anyone(access.member_id),
        # a cell's own leaders reach its candidates in one tap (no query: the grants are in the Access)
        leads_own_cell=member is not None and not access.has_left and can_manage_candidates(access, member.cell),
        moves=[] if access.has_left else open_moves,
        countdown=moves.countdown, move_states=moves.STATE_LABELS, move_kinds=moves.KIND_LABELS, today=local_today(),
    )


@bp.get("/profile")
@login_required
def profile():
    member = members.member_for_user(current_user.id)
    in_cell = current_access().member is not None  # a member who left keeps no calendar
    return render_template(
        "home/profile.html",
        in_cell=in_cell,
        feeds=calendar.tokens_of(member) if in_cell else [],
        waiting=transfers.waiting_for_member(member) if in_cell else [],
        form=EmptyForm(),
        member=member,
        titles=members.titles_for_user(current_user.id, bool(current_access().grants)),
        path=ancestors(member.cell) if member else [],
        status_labels=STATUS_LABELS,
        gender_labels=GENDER_LABELS,
        occupation_group_labels=OCCUPATION_GROUP_LABELS,
        phone_is_login=bool(member and member.phone and member.phone == current_user.phone),
    )
