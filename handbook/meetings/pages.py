"""Loading a meeting or organisation for a page, with the caller's access decided: 404 outside the audience (so
existence does not leak), 403 for those who see but may not manage."""
from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from handbook.caller import current_access, organisation_in_scope
from handbook.core.web import require
from handbook.extensions import db
from handbook.meetings import queries
from handbook.meetings.audience import can_see_meeting
from handbook.meetings.models import Meeting
from handbook.org.access import can_manage_org
from handbook.org.models import Organisation

# the meeting pages and one-tap actions: built once (benchmarks/load.py)
_MEETING = select(Meeting).options(joinedload(Meeting.organisation)).where(Meeting.id == bindparam("meeting_id"))


def visible_meeting(meeting_id: int, *, details: bool = True) -> Meeting:
    """The meeting if the caller is in its audience (`can_see_meeting`); 404 otherwise. `details=False` for the
    one-tap actions: agenda and documents are not loaded (two queries fewer)."""
    meeting = db.session.scalar(_MEETING, {"meeting_id": meeting_id})
    if meeting is None:
        abort(404)
    require(can_see_meeting(current_access(), meeting))
    return queries.load_details(meeting) if details else meeting


def managed_meeting(meeting_id: int) -> Meeting:
    """The meeting if the caller manages its organisation (403 if they only see it)."""
    meeting = visible_meeting(meeting_id)
    require(can_manage_org(current_access(), meeting.organisation), 403)
    return meeting


def managed_org(org_id: int | None) -> Organisation:
    return organisation_in_scope(org_id, manage=True)
