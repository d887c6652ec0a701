"""Who a meeting is for — its audience — on every path that shows one (pages, API, calendar files, lists).

A meeting, its agenda, documents, minutes and votes are for whoever sees its organisation (`org.access`) and for
those attending that cell temporarily, except a chi ủy meeting (`MeetingKind.CHI_UY`): it is for those who manage
its organisation — the cell's bí thư, phó bí thư and chi ủy viên, and committee staff above it by scope. Its
invitees (`attendance.invitees`: members holding a committee position there) are among them, since a position is a
grant over its organisation. Notices reach only the invitees through their recipients. Callers answer 404 to
everyone else, so existence does not leak.
"""
from __future__ import annotations

from sqlalchemy import or_, true
from sqlalchemy.sql.elements import ColumnElement

from handbook.meetings.models import Meeting, MeetingKind
from handbook.org.access import Access, can_manage_org, can_see_org, managed_org_ids


def attends_temporarily(access: Access, org) -> bool:
    """`org` is a cell the caller attends temporarily (not past its end day: `caller`): its meetings are for them,
    though the cell itself — its directory — is not theirs to see (`org.access.can_see_org`)."""
    return access.temporary_cell_id is not None and org.id == access.temporary_cell_id


def can_see_meeting(access: Access, meeting: Meeting) -> bool:
    """Whether the meeting is for the caller (`audience_clause` is the same rule for lists)."""
    org = meeting.organisation
    if not (can_see_org(access, org) or attends_temporarily(access, org)):
        return False
    return meeting.kind is not MeetingKind.CHI_UY or can_manage_org(access, org)


def audience_clause(access: Access) -> ColumnElement[bool]:
    """`can_see_meeting`'s audience as a WHERE clause on Meeting, for lists. The caller restricts the
    organisations as the list requires (the member's own, those they manage); this clause adds who a chi ủy
    meeting is for."""
    if access.is_admin:
        return true()
    open_to_all = Meeting.kind != MeetingKind.CHI_UY
    if not access.grants:
        return open_to_all
    return or_(open_to_all, Meeting.organisation_id.in_(managed_org_ids(access)))
