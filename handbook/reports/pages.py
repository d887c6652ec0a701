"""The guards every report page shares: which organisation it is about, and the crumb to the one above."""
from __future__ import annotations

from flask import request

from handbook.core.web import require
from handbook.org.access import Access, can_manage_org, can_view_reports
from handbook.org.models import Organisation
from handbook.org.scope import managed_org


def report_org(access: Access) -> Organisation:
    """The organisation of `?organisation_id=` (or the caller's highest): 403 for a caller who manages nothing, 404
    outside what they manage."""
    require(access.is_leader, 403)
    org = managed_org(access, request.args.get("organisation_id"))
    require(can_view_reports(access, org))
    return org


def parent_crumb(access: Access, org: Organisation) -> Organisation | None:
    """The organisation above `org`, when the caller manages it too (the page links back up to it)."""
    return org.parent if org.parent is not None and can_manage_org(access, org.parent) else None
