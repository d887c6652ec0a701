"""Every endpoint × every role × every member status × both meeting audiences → the expected status, in one table
(access is decided in one place: handbook/org/access.py).

- ROLES: who asks — nobody, a member of cell A, a member of cell B, cell A's leader (a member of cell A too),
  committee staff above cell A, staff of another ward, an admin.
- STATUS: the member of cell A in each status. Chính thức, dự bị, miễn and tạm miễn sinh hoạt answer as the
  "member" column; chuyển đi, ra khỏi Đảng and đã mất (the last column, "left") keep their own record and the
  privacy pages only. Their sessions were opened while they were in the cell and their status changed behind the
  service, so nothing was revoked: the table checks the decision made at every request.
- AUDIENCE: every meeting endpoint runs for a meeting of the whole cell and for a chi ủy meeting (`_both_audiences`),
  with an invitee (the leader) and a non-invitee member; LISTS checks which meetings each list shows.

Later issues add their endpoints to ENDPOINTS; `test_every_endpoint_is_in_the_table` fails until they do.
"""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import delete, update
from werkzeug.datastructures import FileStorage

from handbook.admission import files as admission_files
from handbook.admission.models import (
    Candidate,
    CandidateStatus,
    DossierStep,
    GeneralEducation,
    Introducer,
    StepStatus,
)
from handbook.auth.models import RateLimitCounter
from handbook.core.timeutil import local_today, utcnow
from handbook.exemptions.models import Exemption, ExemptionKind, ExemptionReason, ExemptionStatus
from handbook.extensions import db
from handbook.meetings import calendar, documents, scheduling
from handbook.meetings.models import MeetingFormat, MeetingKind
from handbook.members.models import (
    LEFT_STATUSES,
    Gender,
    Member,
    MemberStatus,
    TemporaryArrival,
    TemporaryReason,
)
from handbook.members.move_models import MemberTransfer, MoveKind, MoveReason, ReceivingOrganisation
from handbook.notify.models import Notification, PushSubscription
from handbook.org.codes import assign_missing_codes
from handbook.org.models import OrgKind, Role
from handbook.regulations.files import Upload, add_attachment
from tests.factories import Factory
from tests.support import empty_all_tables, get_csrf, login, signed_in

ROLES = ("anonymous", "member", "other_member", "leader", "staff_above", "staff_unrelated", "admin")
COLUMNS = (*ROLES, "left")  # "left": a member of cell A whose record says chuyển đi, ra khỏi Đảng or đã mất
STATUSES = tuple(MemberStatus)  # the status table: each one a member of cell A, answering as "member" or "left"


def _column(status: MemberStatus) -> str:
    return "left" if status in LEFT_STATUSES else "member"


def _new_meeting(ids: dict) -> dict:
    starts = utcnow() + timedelta(days=3)
    return {"organisation_id": ids["cell"], "kind": "thuong_ky", "format": "truc_tuyen",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "online_url": "https://meet.jit.si/chibo-a"}


def _new_candidate(ids: dict) -> dict:
    return {"cell_id": ids["cell"], "full_name": "Lê Thị Mới", "birth_date": "2000-05-06", "gender": "nu",
            "general_education": "thpt"}


def _new_exemption(ids: dict) -> dict:
    """A temporary exemption starting in a month: one a member may ask for in any status while in the cell."""
    start = local_today() + timedelta(days=30)
    return {"kind": "tam_mien", "reason": "lam_an_xa", "starts_on": start.isoformat(),
            "until": (start + timedelta(days=30)).isoformat()}


def _both_audiences(rows):
    """Each meeting row twice: for the whole cell's meeting, then (its ids swapped in) for the chi ủy meeting."""
    committee = lambda ids: {**ids, "meeting": ids["cu_meeting"], "document": ids["cu_document"]}  # noqa: E731
    for method, path, whole, chi_uy, *body in rows:
        yield (method, path, whole, *body)
        yield (method, path, chi_uy, (lambda ids, make=body[0]: make(committee(ids))) if body else None, committee)


# method, path (placeholders filled from the scene), expected status per column in COLUMNS order, optionally a
# function of the scene's ids (plus "role") giving the body (JSON for /api/, form fields otherwise), and (meeting
# rows only) a function choosing the ids of the audience
ENDPOINTS = [
    ("GET", "/", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/ping", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/login", (200, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/login", (400, 302, 302, 302, 302, 302, 302, 302)),  # an empty form
    ("GET", "/activate", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/activate", (400, 400, 400, 400, 400, 400, 400, 400)),  # an empty form
    ("GET", "/password", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/password", (302, 400, 400, 400, 400, 400, 400, 400)),  # an empty form
    ("POST", "/language/{lang}", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/profile", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/meetings", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/regulations", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/regulations/{doc_a}", (302, 200, 404, 200, 200, 404, 200, 404)),
    ("GET", "/regulations/{draft_a}", (302, 404, 404, 404, 200, 404, 200, 404)),
    ("GET", "/regulations/articles/{article_a}", (302, 200, 404, 200, 200, 404, 200, 404)),
    ("POST", "/regulations/articles/{article_a}/bookmark", (302, 302, 404, 302, 302, 404, 302, 404)),
    ("GET", "/regulations/saved", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/regulations/text-size", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/regulations/attachments/{attachment_a}", (302, 200, 404, 200, 200, 404, 200, 404)),
    ("GET", "/regulations/new", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("POST", "/regulations/new", (302, 403, 403, 400, 400, 400, 400, 403)),  # an empty form
    ("POST", "/regulations/{draft_a}/publish", (302, 404, 404, 404, 302, 404, 302, 404)),
    ("POST", "/regulations/{doc_a}/status", (302, 403, 404, 403, 302, 404, 302, 404)),
    ("POST", "/regulations/{draft_a}/discard", (302, 404, 404, 404, 302, 404, 302, 404)),
    ("GET", "/notifications", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/org/", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/org/{cell}", (302, 200, 404, 200, 200, 404, 200, 404)),
    ("GET", "/org/{cell}/temporary", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/org/{cell}/temporary", (302, 403, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("POST", "/org/{cell}/temporary/{member}/end", (302, 403, 404, 404, 404, 404, 404, 404)),  # not there temporarily
    ("GET", "/org/{ward}", (302, 404, 404, 404, 200, 404, 200, 404)),
    ("GET", "/members/{member}", (302, 200, 404, 200, 200, 404, 200, 200)),
    ("GET", "/members/{other_member}", (302, 404, 200, 404, 404, 200, 200, 404)),
    ("POST", "/members/{member}/activation-code", (302, 403, 404, 200, 200, 404, 200, 403)),
    ("GET", "/members/{member}/edit", (302, 403, 404, 200, 200, 404, 200, 403)),
    ("POST", "/members/{member}/edit", (302, 403, 404, 400, 400, 404, 400, 403)),  # an empty form
    ("GET", "/members/{member}/contact", (302, 200, 404, 200, 200, 404, 200, 200)),
    ("POST", "/members/{member}/status", (302, 403, 404, 400, 400, 404, 400, 403)),  # an empty form
    ("POST", "/members/{member}/photo", (302, 400, 404, 400, 400, 404, 400, 400)),  # no file
    ("GET", "/members/{member}/photo", (302, 200, 404, 200, 200, 404, 200, 200)),
    ("POST", "/members/{member}/contact", (302, 302, 404, 302, 302, 404, 302, 302)),  # clears the contact fields
    ("GET", "/members/import", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("GET", "/members/import/template.xlsx", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("POST", "/members/import", (302, 403, 403, 400, 400, 400, 400, 403)),  # no organisation, no file
    ("POST", "/members/import/{token}", (302, 404, 404, 404, 404, 404, 404, 404)),  # nobody's upload
    ("GET", "/members/import/{token}/rejected.xlsx", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("POST", "/members/import/{token}/cancel", (302, 404, 404, 404, 404, 404, 404, 404)),
    ("GET", "/org/{cell}/members.xlsx", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/org/{cell}/members/print", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/org/tree/import", (302, 403, 403, 403, 200, 200, 200, 403)),  # committees and admins
    ("GET", "/org/tree/template.xlsx", (302, 403, 403, 403, 200, 200, 200, 403)),
    ("POST", "/org/tree/import", (302, 403, 403, 403, 400, 400, 400, 403)),  # no file
    ("POST", "/org/tree/import/{token}", (302, 403, 403, 403, 409, 409, 409, 403)),  # nothing uploaded under it
    ("GET", "/org/tree/export.xlsx", (302, 403, 403, 403, 200, 200, 200, 403)),
    ("GET", "/org/{cell}/activation-codes", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/org/{cell}/activation-codes", (302, 403, 404, 400, 400, 404, 400, 404)),  # everyone has an account
    ("GET", "/org/{ward}/activation-codes", (302, 404, 404, 404, 404, 404, 404, 404)),  # cell by cell only
    ("GET", "/org/{cell}/activation-codes/{token}/slips", (302, 403, 404, 404, 404, 404, 404, 404)),  # nobody's
    ("GET", "/org/{cell}/activation-codes/{token}/sms", (302, 403, 404, 404, 404, 404, 404, 404)),
    ("GET", "/members/duplicates/", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("POST", "/members/duplicates/merge", (302, 403, 403, 400, 400, 400, 400, 403)),  # no records named
    ("POST", "/members/duplicates/dismiss", (302, 403, 403, 400, 400, 400, 400, 403)),
    ("GET", "/admin/audit/", (302, 403, 403, 403, 403, 403, 200, 403)),
    ("GET", "/api/v1/openapi.json", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/auth/token", (401, 401, 401, 401, 401, 401, 401, 401)),
    ("GET", "/api/v1/me", (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/organisations/{cell}", (401, 200, 404, 200, 200, 404, 200, 404)),
    ("GET", "/api/v1/organisations/{ward}", (401, 404, 404, 404, 200, 404, 200, 404)),
    ("GET", "/api/v1/regulations", (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/regulations/{doc_a}", (401, 200, 404, 200, 200, 404, 200, 404)),
    ("GET", "/api/v1/regulations/{draft_a}", (401, 404, 404, 404, 404, 404, 404, 404)),  # drafts are not in the API
    ("GET", "/api/v1/members/{member}", (401, 200, 404, 200, 200, 404, 200, 200)),
    ("GET", "/api/v1/members/{cellmate}", (401, 200, 404, 200, 200, 404, 200, 404)),  # a member gets the card only
    ("GET", "/api/v1/members/{other_member}", (401, 404, 200, 404, 404, 200, 200, 404)),
    ("GET", "/api/v1/organisations/{cell}/members", (401, 200, 404, 200, 200, 404, 200, 404)),
    ("GET", "/api/v1/organisations/{cell}/changes", (401, 404, 404, 200, 200, 404, 200, 404)),
    ("GET", "/api/v1/organisations/{ward}/changes", (401, 404, 404, 404, 200, 404, 200, 404)),
    # the tree's pages: committee staff (their subtree) and admins; a cell's leader restructures nothing
    ("GET", "/tree", (302, 403, 403, 403, 200, 200, 200, 403)),
    ("GET", "/tree/{ward}", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("GET", "/tree/{cell}", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("GET", "/tree/{ward}/children", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("GET", "/tree/{ward}/new", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("POST", "/tree/{ward}/new", (302, 403, 403, 403, 400, 404, 400, 403)),  # an empty form
    ("GET", "/tree/{ward}/rename", (302, 403, 403, 403, 403, 404, 200, 403)),  # not one's own committee
    ("GET", "/tree/{cell}/rename", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("POST", "/tree/{cell}/rename", (302, 403, 403, 403, 400, 404, 400, 403)),  # an empty form
    ("GET", "/tree/{cell}/move", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("POST", "/tree/{cell}/move", (302, 403, 403, 403, 400, 404, 400, 403)),  # an empty form
    ("GET", "/tree/{cell}/merge", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("POST", "/tree/{cell}/merge", (302, 403, 403, 403, 400, 404, 400, 403)),  # nothing chosen
    ("GET", "/tree/{cell}/split", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("POST", "/tree/{cell}/split", (302, 403, 403, 403, 400, 404, 400, 403)),  # an empty form
    ("GET", "/tree/{cell}/dissolve", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("POST", "/tree/{cell}/dissolve", (302, 403, 403, 403, 400, 404, 400, 403)),  # members remain
    ("GET", "/tree/{cell}/members/move", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("POST", "/tree/{cell}/members/move", (302, 403, 403, 403, 400, 404, 400, 403)),  # an empty form
    ("GET", "/api/v1/organisations/{ward}/members", (401, 404, 404, 404, 200, 404, 200, 404)),
    # meetings, for both audiences: {meeting} is a scheduled in-person meeting of the whole of cell A three days
    # ahead, then a chi ủy meeting of cell A two days ahead, each with a PDF ({document}). The leader (a member of
    # cell A, its bí thư) is invited to both; "member" only to the first: the chi ủy meeting does not exist for
    # them (404, as for strangers). Staff and admin have no member record.
    *_both_audiences([
        # method, path, (the whole cell's meeting, per column), (the chi ủy meeting, per column)[, body]
        ("GET", "/meetings/{meeting}",
         (302, 200, 404, 200, 200, 404, 200, 404), (302, 404, 404, 200, 200, 404, 200, 404)),
        ("GET", "/meetings/{meeting}.ics",
         (302, 200, 404, 200, 200, 404, 200, 404), (302, 404, 404, 200, 200, 404, 200, 404)),
        ("GET", "/meetings/{meeting}/documents/{document}",
         (302, 200, 404, 200, 200, 404, 200, 404), (302, 404, 404, 200, 200, 404, 200, 404)),
        ("POST", "/meetings/{meeting}/absence",  # no reason
         (302, 400, 404, 400, 403, 404, 403, 404), (302, 404, 404, 400, 403, 404, 403, 404)),
        ("POST", "/meetings/{meeting}/absence/withdraw",  # none to withdraw
         (302, 302, 404, 302, 403, 404, 403, 404), (302, 404, 404, 302, 403, 404, 403, 404)),
        ("POST", "/meetings/{meeting}/check-in",  # not open yet
         (302, 400, 404, 400, 403, 404, 403, 404), (302, 404, 404, 400, 403, 404, 403, 404)),
        ("GET", "/meetings/{meeting}/edit",
         (302, 403, 404, 200, 200, 404, 200, 404), (302, 404, 404, 200, 200, 404, 200, 404)),
        ("POST", "/meetings/{meeting}/edit",  # an empty form
         (302, 403, 404, 400, 400, 404, 400, 404), (302, 404, 404, 400, 400, 404, 400, 404)),
        ("POST", "/meetings/{meeting}/documents",  # neither file nor link
         (302, 403, 404, 400, 400, 404, 400, 404), (302, 404, 404, 400, 400, 404, 400, 404)),
        ("GET", "/meetings/{meeting}/checkin-code",
         (302, 403, 404, 200, 200, 404, 200, 404), (302, 404, 404, 200, 200, 404, 200, 404)),
        ("GET", "/meetings/{meeting}/attendance",
         (302, 403, 404, 200, 200, 404, 200, 404), (302, 404, 404, 200, 200, 404, 200, 404)),
        ("POST", "/meetings/{meeting}/attendance",  # an empty sheet
         (302, 403, 404, 302, 302, 404, 302, 404), (302, 404, 404, 302, 302, 404, 302, 404)),
        ("GET", "/meetings/{meeting}/minutes",
         (302, 403, 404, 200, 200, 404, 200, 404), (302, 404, 404, 200, 200, 404, 200, 404)),
        ("POST", "/meetings/{meeting}/minutes",  # no text
         (302, 403, 404, 400, 400, 404, 400, 404), (302, 404, 404, 400, 400, 404, 400, 404)),
        ("GET", "/meetings/{meeting}/minutes/print",
         (302, 403, 404, 200, 200, 404, 200, 404), (302, 404, 404, 200, 200, 404, 200, 404)),
        ("POST", "/meetings/{meeting}/resolutions",  # an empty form
         (302, 403, 404, 400, 400, 404, 400, 404), (302, 404, 404, 400, 400, 404, 400, 404)),
        ("POST", "/meetings/{meeting}/votes",  # an empty form
         (302, 403, 404, 400, 400, 404, 400, 404), (302, 404, 404, 400, 400, 404, 400, 404)),
        ("POST", "/meetings/{meeting}/cancel",  # no reason
         (302, 403, 404, 400, 400, 404, 400, 404), (302, 404, 404, 400, 400, 404, 400, 404)),
        ("GET", "/api/v1/meetings/{meeting}",
         (401, 200, 404, 200, 200, 404, 200, 404), (401, 404, 404, 200, 200, 404, 200, 404)),
        ("POST", "/api/v1/meetings/{meeting}/absence",
         (401, 201, 404, 201, 403, 404, 403, 404), (401, 404, 404, 201, 403, 404, 403, 404),
         lambda ids: {"reason": "Đi công tác", "client_id": f"absence-{ids['role']}-{ids['meeting']}"}),
        ("POST", "/api/v1/meetings/{meeting}/absence/withdraw",
         (401, 200, 404, 200, 403, 404, 403, 404), (401, 404, 404, 200, 403, 404, 403, 404),
         lambda ids: {"client_id": f"withdraw-{ids['role']}-{ids['meeting']}"}),
        ("POST", "/api/v1/meetings/{meeting}/check-in",  # not open yet
         (401, 400, 404, 400, 403, 404, 403, 404), (401, 404, 404, 400, 403, 404, 403, 404),
         lambda ids: {"client_id": f"check-in-{ids['role']}-{ids['meeting']}"}),
    ]),
    # the feed of the member (and, in the status table, of each member): the token is the credential
    ("GET", "/calendar/{feed_token}.ics", (200, 200, 200, 200, 200, 200, 200, 404)),
    ("POST", "/calendar/tokens", (302, 302, 302, 302, 403, 403, 403, 403)),  # only members in a cell have a feed
    ("GET", "/calendar/tokens", (302, 200, 200, 200, 403, 403, 403, 403)),  # where a new address is shown once
    ("POST", "/calendar/tokens/{feed}/revoke", (302, 302, 404, 404, 403, 403, 403, 403)),
    ("GET", "/meetings/new?org={cell}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/meetings/new?org={cell}", (302, 403, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("GET", "/meetings/series/new?org={cell}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/meetings/series/new?org={cell}", (302, 403, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("GET", "/meetings/review?org={cell}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/meetings/committee", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("GET", "/api/v1/meetings", (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/meetings", (401, 403, 404, 201, 201, 404, 201, 404), _new_meeting),
    ("GET", "/manifest.webmanifest", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/sw.js", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/pwa/seen-installed", (401, 204, 204, 204, 204, 204, 204, 204)),  # the installed app, once a session
    ("GET", "/offline", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/settings/text-size", (400, 400, 400, 400, 400, 400, 400, 400)),  # no size chosen
    # notifications: one of the member's notifications and one of the member's devices
    ("GET", "/notifications/{notification}", (302, 302, 404, 404, 404, 404, 404, 302)),  # opens its link
    ("POST", "/notifications/read-all", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/notifications/settings", (302, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/notifications/settings/preferences", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/notifications/settings/test", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/notifications/settings/devices/{device}/delete", (302, 302, 404, 404, 404, 404, 404, 302)),
    ("GET", "/admin/notify", (302, 403, 403, 403, 403, 403, 200, 403)),
    ("GET", "/api/v1/push/vapid-public-key", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/push/subscriptions", (401, 422, 422, 422, 422, 422, 422, 422)),  # an empty body
    ("DELETE", "/api/v1/push/subscriptions", (401, 422, 422, 422, 422, 422, 422, 422)),  # an empty body
    ("GET", "/api/v1/notifications", (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/notifications/read", (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/healthz", (200, 200, 200, 200, 200, 200, 200, 200)),  # public: load balancers and monitoring
    ("GET", "/me/data", (302, 200, 200, 200, 200, 200, 200, 200)),  # one's own data only
    ("GET", "/me/data.json", (302, 200, 200, 200, 200, 200, 200, 200)),
    # security: the second login step (nothing pending → back to the login page), own sessions, privacy notice
    ("GET", "/login/2fa", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/login/2fa", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/login/2fa/setup", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("POST", "/login/2fa/setup", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/account/2fa", (302, 200, 200, 200, 302, 302, 302, 200)),  # staff already have it → profile
    ("POST", "/account/2fa", (302, 400, 400, 400, 302, 302, 302, 400)),  # an empty form
    ("GET", "/account/2fa/disable", (302, 302, 302, 302, 403, 403, 403, 302)),  # staff may not turn it off
    ("POST", "/account/2fa/disable", (302, 302, 302, 302, 403, 403, 403, 302)),
    ("POST", "/account/sessions/{session_id}/revoke", (302, 404, 404, 404, 404, 404, 404, 404)),  # not one of mine
    ("POST", "/account/sessions/revoke-others", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/privacy", (200, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/privacy/accept", (302, 302, 302, 302, 302, 302, 302, 302)),
    ("GET", "/api/v1/privacy", (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/privacy/consent", (401, 200, 200, 200, 200, 200, 200, 200), lambda ids: {"version": "2026-01"}),
    # security review: a regulation is managed by its owner (ward A), not by the cell it is addressed to
    ("GET", "/regulations/{doc_cell}", (302, 200, 404, 200, 200, 404, 200, 404)),
    ("GET", "/regulations/{draft_cell}", (302, 404, 404, 404, 200, 404, 200, 404)),
    ("POST", "/regulations/{draft_cell}/publish", (302, 404, 404, 404, 302, 404, 302, 404)),
    ("POST", "/regulations/{doc_cell}/status", (302, 403, 404, 403, 302, 404, 302, 404)),
    ("POST", "/regulations/{draft_cell}/discard", (302, 404, 404, 404, 302, 404, 302, 404)),
    # sinh hoạt tạm thời: cell B asks for the member of cell A; cell A (or the committee above) answers
    ("GET", "/org/{ward}/temporary", (302, 404, 404, 404, 200, 404, 200, 404)),  # the committee's pending requests
    ("POST", "/org/{cell}/temporary/requests/{arrival}/confirm",
     (302, 403, 404, 400, 400, 404, 400, 404)),  # no "current" placement sent
    ("POST", "/org/{cell_b}/temporary/requests/{arrival}/confirm", (302, 404, 403, 404, 404, 404, 404, 404)),  # asker
    ("POST", "/org/{cell_b}/temporary/requests/{arrival}/refuse", (302, 404, 403, 404, 404, 404, 404, 404)),
    ("POST", "/org/{cell}/temporary/requests/{arrival}/refuse", (302, 403, 404, 302, 302, 404, 302, 404)),
    # admission: a candidate of cell A ({candidate}, with a scan and an introducer) is managed by cell A's leaders and
    # the committees above; {sponsored} is a dự bị member's file whose sponsor is the caller (each member column's
    # own), which they read and write notes on — nothing more; a sponsor who left reads nothing
    ("GET", "/admission/cells/{cell}/candidates", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/admission/cells/{cell}/candidates/new", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/admission/cells/{cell}/candidates/new", (302, 403, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("POST", "/admission/cells/{cell}/reviews", (302, 403, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("GET", "/admission/cells/{cell}/due", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/admission/due", (302, 200, 200, 200, 200, 200, 200, 200)),  # each their own scope
    ("GET", "/admission/sponsored", (302, 200, 200, 200, 200, 200, 200, 200)),  # each their own list
    ("GET", "/admission/candidates/{candidate}", (302, 404, 404, 200, 200, 404, 200, 404)),
    ("GET", "/admission/candidates/{sponsored}", (302, 200, 404, 200, 200, 404, 200, 404)),
    ("GET", "/admission/candidates/{candidate}/edit", (302, 404, 404, 200, 200, 404, 200, 404)),
    ("POST", "/admission/candidates/{candidate}/edit", (302, 404, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("GET", "/admission/candidates/{sponsored}/edit", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/admission/candidates/{candidate}/steps/{application}", (302, 404, 404, 200, 200, 404, 200, 404)),
    ("POST", "/admission/candidates/{candidate}/steps/{application}", (302, 404, 404, 400, 400, 404, 400, 404)),
    ("GET", "/admission/candidates/{sponsored}/steps/{self_review}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/admission/candidates/{candidate}/steps/{awareness}/file", (302, 404, 404, 200, 200, 404, 200, 404)),
    ("GET", "/admission/candidates/{sponsored}/steps/{self_review}/file", (302, 200, 404, 200, 200, 404, 200, 404)),
    ("POST", "/admission/candidates/{candidate}/introducers", (302, 404, 404, 400, 400, 404, 400, 404)),
    ("POST", "/admission/candidates/{candidate}/extend", (302, 404, 404, 400, 400, 404, 400, 404)),  # no resolution
    ("GET", "/admission/candidates/{candidate}/ceremony", (302, 404, 404, 200, 200, 404, 200, 404)),
    ("POST", "/admission/candidates/{candidate}/ceremony", (302, 404, 404, 400, 400, 404, 400, 404)),
    ("GET", "/admission/candidates/{sponsored}/ceremony", (302, 403, 404, 302, 302, 404, 302, 404)),  # held: the file
    ("GET", "/admission/candidates/{sponsored}/notes", (302, 200, 404, 200, 200, 404, 200, 404)),
    ("POST", "/admission/candidates/{sponsored}/notes", (302, 400, 404, 400, 400, 404, 400, 404)),  # an empty note
    ("GET", "/admission/candidates/{candidate}/notes", (302, 404, 404, 200, 200, 404, 200, 404)),
    ("POST", "/admission/candidates/{sponsored}/sponsor", (302, 403, 404, 400, 400, 404, 400, 404)),
    ("GET", "/admission/candidates/{sponsored}/recognition", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/admission/candidates/{sponsored}/recognition", (302, 403, 404, 400, 400, 404, 400, 404)),
    ("POST", "/admission/members/{member}/probation-file", (302, 403, 404, 400, 400, 404, 400, 403)),  # chính thức
    ("GET", "/api/v1/candidates", (401, 200, 200, 200, 200, 200, 200, 200)),  # each their own scope
    ("GET", "/api/v1/candidates/{candidate}", (401, 404, 404, 200, 200, 404, 200, 404)),
    ("GET", "/api/v1/candidates/{sponsored}", (401, 200, 404, 200, 200, 404, 200, 404)),
    ("POST", "/api/v1/candidates", (401, 403, 404, 201, 201, 404, 201, 404), _new_candidate),
    # the admissions report and targets: those who manage the organisation (a cell's leaders: their cell only);
    # targets are set by committees for what lies below them, not by a cell's leaders
    ("GET", "/admission/report", (302, 403, 403, 200, 200, 200, 200, 403)),  # each their own organisation
    ("GET", "/admission/report?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/admission/report.xlsx?organisation_id={cell}", (302, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/admission/report/print?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/admission/targets?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("POST", "/admission/targets?organisation_id={ward}", (302, 403, 403, 404, 302, 404, 302, 403)),  # nothing set
    ("GET", "/api/v1/reports/admissions?organisation_id={ward}", (401, 403, 403, 404, 200, 404, 200, 403)),
    # the committee's reports: those who manage the organisation (a cell's leaders: their cell only)
    ("GET", "/reports", (302, 403, 403, 200, 200, 200, 200, 403)),  # each their own organisation
    ("GET", "/reports?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/composition", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("GET", "/reports/composition?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/composition.xlsx?organisation_id={cell}", (302, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/composition/print?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/meetings?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/meetings.xlsx?organisation_id={cell}", (302, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/meetings/print", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("GET", "/reports/attendance?organisation_id={cell}", (302, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/attendance.xlsx?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/attendance/print", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("GET", "/reports/reach?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/reach.xlsx?organisation_id={cell}", (302, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/reach/print", (302, 403, 403, 200, 200, 200, 200, 403)),
    ("GET", "/api/v1/reports/composition?organisation_id={ward}", (401, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/api/v1/reports/meetings?organisation_id={cell}", (401, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/reviews", (302, 403, 403, 200, 200, 200, 200, 403)),  # each their own organisation
    ("GET", "/reports/reviews?organisation_id={ward}&kind=no_attendance", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/reviews.xlsx?organisation_id={cell}", (302, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/reviews/print?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("POST", "/reports/reviews?organisation_id={ward}&kind=retired_workplace",
     (302, 403, 403, 404, 302, 404, 302, 403)),
    ("GET", "/tree/{cell}/unit-type", (302, 403, 403, 403, 200, 404, 200, 403)),
    ("POST", "/tree/{cell}/unit-type", (302, 403, 403, 403, 400, 404, 400, 403)),  # an empty form
    # dues: each member their own months (also after leaving); the cell's collectors (its committee) and committee
    # staff above record; a committee sets the region
    ("GET", "/dues/me", (302, 200, 200, 200, 404, 404, 404, 200)),
    ("GET", "/api/v1/me/dues", (401, 200, 200, 200, 404, 404, 404, 200)),
    ("GET", "/dues/cells/{cell}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/dues/cells/{cell}", (302, 403, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("GET", "/dues/cells/{cell}/members/{member}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/dues/cells/{cell}/members/{member}/profile", (302, 403, 404, 400, 400, 404, 400, 404)),
    ("POST", "/dues/cells/{cell}/members/{member}/reliefs", (302, 403, 404, 400, 400, 404, 400, 404)),
    ("POST", "/dues/cells/{cell}/members/{member}/payments", (302, 403, 404, 400, 400, 404, 400, 404)),
    ("GET", "/dues/organisations/{ward}/region", (302, 404, 404, 404, 200, 404, 200, 404)),
    ("POST", "/dues/organisations/{ward}/region", (302, 404, 404, 404, 400, 404, 400, 404)),  # an empty form
    ("GET", "/dues/cells/{cell}.xlsx", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/reports/dues", (302, 403, 403, 200, 200, 200, 200, 403)),  # each their own organisation
    ("GET", "/reports/dues?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/dues.xlsx?organisation_id={cell}", (302, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/dues/print?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("POST", "/admission/candidates/{candidate}/stop", (302, 404, 404, 400, 400, 404, 400, 404)),  # no reason
    ("POST", "/admission/candidates/{candidate}/reopen", (302, 404, 404, 400, 400, 404, 400, 404)),  # not stopped
    ("POST", "/admission/candidates/{candidate}/introducers/{introducer}/remove",  # last: it changes the file
     (302, 404, 404, 302, 302, 404, 302, 404)),
    # exemptions: the member's own page and API (those placed in a cell); a cell's requests, decisions and early ends
    # by those who manage the cell; a member's history by whoever sees their record; {exemption} is the pending
    # request of another member of cell A
    ("GET", "/me/exemptions", (302, 200, 200, 200, 404, 404, 404, 404)),
    ("POST", "/me/exemptions", (302, 400, 400, 400, 404, 404, 404, 404)),  # an empty form
    ("POST", "/me/exemptions/{exemption}/withdraw", (302, 404, 404, 404, 404, 404, 404, 404)),  # not theirs
    ("GET", "/cells/{cell}/exemptions", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/cells/{cell}/exemptions/new", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/cells/{cell}/exemptions/new", (302, 403, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("GET", "/exemptions/{exemption}", (302, 404, 404, 200, 200, 404, 200, 404)),
    ("POST", "/exemptions/{exemption}", (302, 404, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("POST", "/exemptions/{exemption}/end", (302, 404, 404, 400, 400, 404, 400, 404)),  # still pending
    ("GET", "/members/{member}/exemptions", (302, 200, 404, 200, 200, 404, 200, 200)),  # their own, even after
    ("GET", "/api/v1/me/exemptions", (401, 200, 200, 200, 404, 404, 404, 404)),
    ("POST", "/api/v1/me/exemptions", (401, 201, 201, 201, 404, 404, 404, 404), _new_exemption),
    # evaluation: a member writes their own self-assessment (an empty one is refused: 400, the round open or not);
    # those who manage the cell open and close its round and rate its members; the member and those managers see
    # the member's history; the committee's report like the other reports
    ("GET", "/evaluation", (302, 200, 200, 200, 404, 404, 404, 200)),  # no member record: nothing to show
    ("GET", "/evaluation/{eval_year}/orgs/{cell}/self", (302, 200, 404, 200, 404, 404, 404, 404)),
    ("POST", "/evaluation/{eval_year}/orgs/{cell}/self", (302, 400, 404, 400, 404, 404, 404, 404),
     lambda ids: {"action": "submit"}),
    ("GET", "/evaluation/orgs/{cell}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/evaluation/orgs/{cell}/open", (302, 403, 404, 400, 400, 404, 400, 404),
     lambda ids: {"deadline": "01/01/2000"}),
    ("POST", "/evaluation/orgs/{cell}/close", (302, 403, 404, 400, 400, 404, 400, 404),
     lambda ids: {"year": "1999"}),
    ("GET", "/evaluation/orgs/{cell}/members/{member}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/evaluation/orgs/{cell}/members/{member}", (302, 403, 404, 400, 400, 404, 400, 404)),  # no score
    ("POST", "/evaluation/orgs/{cell}/members/{member}/reopen", (302, 403, 404, 404, 404, 404, 404, 404)),  # none
    ("POST", "/evaluation/orgs/{cell}/members/{member}/form", (302, 403, 404, 400, 400, 404, 400, 404)),  # no form
    ("GET", "/evaluation/orgs/{cell}/collective", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/evaluation/members/{member}", (302, 200, 404, 200, 200, 404, 200, 200)),
    ("GET", "/reports/evaluation", (302, 403, 403, 200, 200, 200, 200, 403)),  # each their own organisation
    ("GET", "/reports/evaluation?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/reports/evaluation.xlsx?organisation_id={cell}", (302, 403, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/evaluation/print?organisation_id={ward}", (302, 403, 403, 404, 200, 404, 200, 403)),
    ("GET", "/api/v1/me/evaluations", (401, 200, 200, 200, 200, 200, 200, 200)),
    # transfers: {move} is the member of cell A's permanent move to cell B (requested); {entry} a directory entry
    # of ward A. The sending side (cell A and above) issues the letter, the receiving side (cell B and above) receives;
    # the member sees their own (also once they left: 403 on the steps that are not theirs); nobody else. The rows
    # that cancel or delete come last.
    ("GET", "/me/moves", (302, 200, 200, 200, 404, 404, 404, 200)),  # one's own moves (staff have no record)
    ("GET", "/me/moves/new", (302, 200, 200, 200, 404, 404, 404, 403)),
    ("POST", "/me/moves/new", (302, 400, 400, 400, 404, 404, 404, 403)),  # an empty form
    ("GET", "/org/{cell}/moves", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("GET", "/org/{cell_b}/moves", (302, 404, 403, 404, 404, 200, 200, 404)),
    ("GET", "/org/{cell}/moves/new/{member}", (302, 403, 404, 200, 200, 404, 200, 404)),
    ("POST", "/org/{cell}/moves/new/{member}", (302, 403, 404, 400, 400, 404, 400, 404)),  # an empty form
    ("POST", "/moves/{move}/letter", (302, 403, 404, 400, 400, 403, 400, 403)),  # no number
    ("POST", "/moves/{move}/receive", (302, 403, 404, 403, 403, 400, 400, 403)),  # no letter yet
    ("POST", "/moves/{move}/outside", (302, 403, 404, 400, 400, 403, 400, 403)),  # inside the deployment
    ("GET", "/api/v1/me/transfer", (401, 200, 200, 200, 404, 404, 404, 200)),
    ("GET", "/org/{ward}/move-directory", (302, 404, 404, 404, 200, 404, 200, 404)),
    ("POST", "/org/{ward}/move-directory", (302, 404, 404, 404, 400, 404, 400, 404)),  # no name
    ("GET", "/move-directory/{entry}/edit", (302, 404, 404, 404, 200, 404, 200, 404)),
    ("POST", "/move-directory/{entry}/edit", (302, 404, 404, 404, 400, 404, 400, 404)),  # no name
    ("POST", "/move-directory/{entry}/delete", (302, 404, 404, 404, 302, 404, 302, 404)),
    ("POST", "/me/moves/{move}/cancel", (302, 302, 404, 404, 404, 404, 404, 404)),  # the member's own
    ("POST", "/moves/{move}/cancel", (302, 403, 404, 302, 302, 403, 302, 403)),
    ("POST", "/logout", (302, 302, 302, 302, 302, 302, 302, 302)),
]


# Lists that show meetings, fetched by each column's own client: which of cell A's two meetings each shows
# ("cell": the whole cell's, "cu": the chi ủy one). Columns not named show neither. The home page shows the next
# meeting only: the chi ủy one is sooner. {own_feed} is the caller's own calendar feed (columns without a member
# record have none: skipped).
LISTS = [
    ("/", {"member": {"cell"}, "leader": {"cu"}}),
    ("/meetings", {"member": {"cell"}, "leader": {"cell", "cu"}, "staff_above": {"cell", "cu"}}),
    ("/api/v1/meetings", {"member": {"cell"}, "leader": {"cell", "cu"}}),
    ("/calendar/{own_feed}.ics", {"member": {"cell"}, "leader": {"cell", "cu"}}),
    ("/api/v1/notifications", {"member": {"cell"}, "leader": {"cell", "cu"}}),  # "Lịch sinh hoạt mới": to invitees
]


def _own_things(factory: Factory, user, cell, name: str) -> Member:
    """A member of `cell` for `user` with a photo, a notification and a push device."""
    member = factory.member(cell, user, name=name)
    member.photo_file = "scene.jpg"
    db.session.add_all([
        Notification(user_id=user.id, kind="test", title="Thông báo", body="…", url="/", tag="t",
                     dedupe_key=f"scene-{user.id}"),
        PushSubscription(user_id=user.id, endpoint=f"https://fcm.googleapis.com/fcm/send/scene-{user.id}",
                         p256dh="x", auth="y"),
    ])
    return member


def _personal(member: Member) -> dict:
    """The placeholders that name the caller's own things."""
    notification = db.session.scalar(db.select(Notification.id).where(Notification.user_id == member.user_id,
                                                                       Notification.kind == "test"))
    device = db.session.scalar(db.select(PushSubscription.id).where(PushSubscription.user_id == member.user_id))
    token = calendar.issue_token(member)
    return {"member": member.id, "feed": calendar.tokens_of(member)[-1].id, "feed_token": token, "own_feed": token,
            "notification": notification, "device": device, "sponsored": _sponsored_file(member)}


def _sponsored_file(sponsor: Member) -> int:
    """A dự bị member's file in the sponsor's cell, the sponsor assigned, with a scan of the self-review."""
    admitted = local_today() - timedelta(days=200)
    du_bi = Member(cell_id=sponsor.cell_id, full_name=f"Đảng viên dự bị của {sponsor.id}", status=MemberStatus.DU_BI,
                   admission_date=admitted)
    db.session.add(du_bi)
    db.session.flush()
    candidate = Candidate(cell_id=sponsor.cell_id, full_name=du_bi.full_name, birth_date=date(1999, 1, 2),
                          gender=Gender.NAM, general_education=GeneralEducation.THPT, status=CandidateStatus.DU_BI,
                          member_id=du_bi.id, sponsor_id=sponsor.id, admitted_on=admitted)
    db.session.add(candidate)
    db.session.flush()
    _scanned(candidate, "self_review")
    return candidate.id


def _move_to(member: Member, cell) -> int:
    """A permanent move of `member` to `cell`, requested, waiting for its letter."""
    move = MemberTransfer(member_id=member.id, kind=MoveKind.PERMANENT, reason=MoveReason.CU_TRU,
                          from_cell_id=member.cell_id, to_org_id=cell.id, destination_name=cell.name,
                          change_day=local_today(), request_by=local_today() + timedelta(days=80))
    db.session.add(move)
    db.session.flush()
    return move.id


def _scanned(candidate: Candidate, code: str) -> None:
    key, media_type = admission_files.store(admission_files.Scan("ban-chup.pdf", b"%PDF-1.4 test"))
    db.session.add(DossierStep(candidate_id=candidate.id, step=code, status=StepStatus.XONG, done_on=local_today(),
                               file_key=key, file_name="ban-chup.pdf", file_type=media_type, file_size=13))


def _build_scene(app, factory: Factory, statuses=(), before_meetings=None):
    """City → ward A → cell A (+ a tổ đảng), ward B → cell B; one account per role and one member of cell A per
    status in `statuses`, each with their own things; `before_meetings(people)` runs next (the status table signs
    them in and changes their statuses there), then the meetings are made: the whole cell's, three days ahead,
    and a chi ủy one, two days ahead, each with a PDF (their notices go to whoever is invited then)."""
    city = factory.org("Đảng bộ Thành phố", OrgKind.DANG_BO_TINH)
    ward_a = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA, city)
    ward_b = factory.org("Đảng bộ phường B", OrgKind.DANG_BO_XA, city)
    cell_a = factory.org("Chi bộ A", OrgKind.CHI_BO, ward_a)
    factory.org("Tổ đảng số 1", OrgKind.TO_DANG, cell_a)
    cell_b = factory.org("Chi bộ B", OrgKind.CHI_BO, ward_b)
    users = {role: factory.user(f"{role}@test.vn") for role in ROLES[1:]}
    users["admin"].is_admin = True
    member = _own_things(factory, users["member"], cell_a, "Nguyễn Văn Một")
    other = factory.member(cell_b, users["other_member"], phone="+84912000111")
    cellmate = factory.member(cell_a, users["leader"])
    factory.grant(users["leader"], cell_a, Role.BI_THU)
    factory.grant(users["staff_above"], ward_a, Role.CAN_BO)
    factory.grant(users["staff_unrelated"], ward_b, Role.CAN_BO)
    people = {status: _own_things(factory, factory.user(f"{status.value}@test.vn"), cell_a, f"Đảng viên {status.value}")
              for status in statuses}
    doc_a = factory.document(ward_a)  # for ward A and everything below it
    draft_a = factory.document(ward_a, published=False)
    doc_cell = factory.document(cell_a, owner_org_id=ward_a.id)  # the ward's documents for cell A
    draft_cell = factory.document(cell_a, published=False, owner_org_id=ward_a.id)
    attachment = add_attachment(doc_a, Upload("quy-dinh.pdf", b"%PDF-1.4 test"))
    photos = Path(app.instance_path) / "member_photos"
    photos.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 4)).save(photos / "scene.jpg", "JPEG")
    arrival = TemporaryArrival(cell_id=cell_b.id, card_number="48000001", member_id=member.id,  # cell B asks for
                               reason=TemporaryReason.CONG_TAC, until=local_today() + timedelta(days=120))  # A's member
    db.session.add(arrival)
    candidate = factory.candidate(cell_a, name="Quần chúng A")
    _scanned(candidate, "awareness")
    introducer = Introducer(candidate_id=candidate.id, member_id=cellmate.id, known_since=date(2015, 1, 1),
                            signed_on=local_today())
    db.session.add(introducer)
    # exemptions: a pending request of a member of cell A without an account
    asking = factory.member(cell_a, name="Người xin miễn")
    exemption = Exemption(member_id=asking.id, kind=ExemptionKind.MIEN, reason=ExemptionReason.TUOI_CAO,
                          starts_on=local_today() + timedelta(days=5), status=ExemptionStatus.PENDING)
    db.session.add(exemption)
    entry = ReceivingOrganisation(owner_id=ward_a.id, name="Đảng ủy phường C", address="1 Hàng Bài")  # ward A's
    db.session.add(entry)
    assign_missing_codes()  # the tree's export refuses organisations without a code
    factory.commit()
    own = {"member": _personal(member), "other_member": {"own_feed": calendar.issue_token(other)},
           "leader": {"own_feed": calendar.issue_token(cellmate)}}
    own.update({status: _personal(person) for status, person in people.items()})
    for key, person in (("member", member), *people.items()):  # transfers: each one's move to cell B, no letter yet
        own[key]["move"] = _move_to(person, cell_b)
    factory.commit()
    if before_meetings:
        before_meetings(people)
    meetings = {}
    for key, kind, days in (("meeting", MeetingKind.THUONG_KY, 3), ("cu_meeting", MeetingKind.CHI_UY, 2)):
        starts = utcnow() + timedelta(days=days)
        meeting = scheduling.create_meeting(cell_a, scheduling.MeetingInput(
            kind=kind, format=MeetingFormat.TRUC_TIEP, starts_at=starts, ends_at=starts + timedelta(minutes=90),
            place="Nhà văn hóa khu A"), users["leader"].id)
        upload = FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="du-thao.pdf")
        document = documents.add_upload(meeting, upload, "Dự thảo nghị quyết", users["leader"].id)
        meetings[key], meetings[key.replace("meeting", "document")] = meeting.id, document.id
    ids = {"token": "0" * 32, "cellmate": cellmate.id, "session_id": "0" * 64, "lang": "en", "cell": cell_a.id,
           "ward": ward_a.id, "other_member": other.id, "doc_a": doc_a.id, "draft_a": draft_a.id,
           "article_a": doc_a.articles[0].id, "attachment_a": attachment.id, **meetings, **own["member"],
           "doc_cell": doc_cell.id, "draft_cell": draft_cell.id, "cell_b": cell_b.id, "arrival": arrival.id,
           "candidate": candidate.id, "introducer": introducer.id, "exemption": exemption.id, "entry": entry.id,
           **{code: code for code in ("application", "awareness", "self_review")}}  # steps of a file
    # evaluation: the year of a self-assessment's page (this year: a page of any year up to today answers)
    ids["eval_year"] = local_today().year
    return users, ids, own


@pytest.fixture
def scene(app, factory):
    return _build_scene(app, factory)


def _call(client, method: str, path: str, token: str, body: dict | None = None):
    headers = {"X-CSRFToken": token}
    if method == "GET":
        return client.get(path)
    if path == "/api/v1/auth/token":
        return client.post(path, json={"login": "khongco@test.vn", "password": "sai-mat-khau"}, headers=headers)
    if method == "DELETE":
        return client.delete(path, json={}, headers=headers)
    if path.startswith("/api/"):
        return client.post(path, json=body or {}, headers=headers)
    return client.post(path, data={"csrf_token": token, **(body or {})}, headers=headers)


def _shown(body: str, ids: dict) -> set[str]:
    """Which of cell A's meetings a page, JSON answer or calendar links to."""
    return {name for name, key in (("cell", "meeting"), ("cu", "cu_meeting"))
            if re.search(rf"/meetings/{ids[key]}\b", body)}


def _check(client, ids: dict, column: str, who: str) -> list[str]:
    """Run LISTS, then every row of ENDPOINTS (POST /logout last) as `client`; what differs from `column`."""
    index, mismatches = COLUMNS.index(column), []
    for path, shows in LISTS:
        if "{own_feed}" in path and "own_feed" not in ids:
            continue
        seen = _shown(client.get(path.format(**ids)).get_data(as_text=True), ids)
        if seen != shows.get(column, set()):
            mismatches.append(f"GET {path} shows {sorted(seen)}, expected {sorted(shows.get(column, set()))}")
    token = get_csrf(client, "/activate")
    for method, template, expected, *rest in ENDPOINTS:
        make_body, audience = (rest + [None, None])[:2]
        row_ids = audience(ids) if audience else ids
        path = template.format(**row_ids)
        body = make_body({**row_ids, "role": who}) if make_body else None
        status = _call(client, method, path, token, body).status_code
        if status != expected[index]:
            mismatches.append(f"{method} {path}{' (chi ủy)' if audience else ''}: "
                              f"expected {expected[index]}, got {status}")
    return mismatches


def _ids_for(ids: dict, own: dict, role: str) -> dict:
    """The scene's ids with the caller's own feed for LISTS (roles without a member record have none)."""
    found = {key: value for key, value in ids.items() if key != "own_feed"}
    if role in own:
        found["own_feed"] = own[role]["own_feed"]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_access_table(app, scene, role):
    users, ids, own = scene
    client = app.test_client()
    if role != "anonymous":
        assert login(client, users[role].email).status_code == 302
    mismatches = _check(client, _ids_for(ids, own, role), role, role)
    assert not mismatches, f"role {role}:\n" + "\n".join(mismatches)


# A member of cell B attending cell A temporarily: cell A's meetings (not its chi ủy meeting), never its directory
# with phones, nor its members' records; once the placement is past its end day, not even the meetings.
TEMPORARY = [
    ("GET", "/org/{cell}", 404, 404),
    ("GET", "/api/v1/organisations/{cell}", 404, 404),
    ("GET", "/api/v1/organisations/{cell}/members", 404, 404),
    ("GET", "/members/{member}", 404, 404),
    ("GET", "/api/v1/members/{cellmate}", 404, 404),
    ("GET", "/meetings/{meeting}", 200, 404),
    ("GET", "/meetings/{meeting}.ics", 200, 404),
    ("GET", "/meetings/{meeting}/documents/{document}", 200, 404),
    ("GET", "/api/v1/meetings/{meeting}", 200, 404),
    ("GET", "/meetings/{meeting}/attendance", 403, 404),
    ("GET", "/meetings/{cu_meeting}", 404, 404),
    ("GET", "/api/v1/meetings/{cu_meeting}", 404, 404),
    ("GET", "/org/{cell_b}", 200, 200),  # their own cell, as ever
]


@pytest.mark.parametrize("expired", [False, True], ids=["attending", "past_its_end"])
def test_temporary_attendee_table(app, scene, expired):
    users, ids, own = scene
    until = local_today() + timedelta(days=-1 if expired else 30)
    db.session.execute(update(Member).where(Member.id == ids["other_member"])
                       .values(temporary_cell_id=ids["cell"], temporary_until=until))
    db.session.commit()
    client = signed_in(app, users["other_member"].email)
    mismatches = []
    for method, template, attending, past in TEMPORARY:
        status = client.get(template.format(**ids)).status_code
        if status != (past if expired else attending):
            mismatches.append(f"{method} {template}: expected {past if expired else attending}, got {status}")
    for path in ("/meetings", "/api/v1/meetings", "/"):
        seen = _shown(client.get(path).get_data(as_text=True), ids)
        if seen != (set() if expired else {"cell"}):
            mismatches.append(f"GET {path} shows {sorted(seen)}")
    assert not mismatches, "\n".join(mismatches)


@pytest.fixture(scope="module")
def status_scene(_app):
    """Built once for the status table: every status is a member of cell A with their own record, feed,
    notification and device, signed in while chính thức; then the statuses change behind the service (no
    session, token or feed is revoked), then the meetings are made."""
    with _app.app_context():
        clients = {}

        def sign_in_then_change(people):
            for status, person in people.items():
                clients[status] = signed_in(_app, f"{status.value}@test.vn")
                db.session.execute(update(Member).where(Member.id == person.id).values(status=status))
            db.session.commit()

        _users, ids, own = _build_scene(_app, Factory(), STATUSES, sign_in_then_change)
        yield clients, ids, own
        db.session.rollback()
        empty_all_tables()
        db.session.remove()


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: s.value)
def test_status_table(status_scene, status):
    """The member of cell A in each status, through every endpoint: as "member" while in the cell (exempt
    included), as "left" once transferred out, out of the Party or deceased — whatever their session says."""
    clients, ids, own = status_scene
    db.session.execute(delete(RateLimitCounter))  # the failed token request of the previous run counts per address
    db.session.commit()
    mismatches = _check(clients[status], {**ids, **own[status]}, _column(status), status.value)
    assert not mismatches, f"status {status.value}:\n" + "\n".join(mismatches)


def test_every_row_has_a_status_per_column():
    short = [f"{method} {path}" for method, path, expected, *_rest in ENDPOINTS if len(expected) != len(COLUMNS)]
    assert not short, "rows without one expected status per column (" + ", ".join(COLUMNS) + "): " + ", ".join(short)
    assert {column for _path, shows in LISTS for column in shows} <= set(COLUMNS)


def _shape(path: str) -> str:
    """'/org/<int:org_id>' and '/org/{cell}' both become '/org/*'; a query string is not part of the rule."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "*", path.split("?", 1)[0])


def test_shape_matches_rules_and_table_paths():
    assert _shape("/meetings/new?org={cell}") == _shape("/meetings/new") == "/meetings/new"
    assert _shape("/meetings/{meeting}.ics") == _shape("/meetings/<int:meeting_id>.ics") == "/meetings/*.ics"
    assert _shape("/meetings/{meeting}/edit") != _shape("/meetings/new")


def test_every_endpoint_is_in_the_table(app):
    listed = {(row[0], _shape(row[1])) for row in ENDPOINTS}
    missing = [
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if (method, _shape(rule.rule)) not in listed
    ]
    assert not missing, "endpoints missing from the access table: " + ", ".join(missing)
