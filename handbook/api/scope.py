"""The organisation a report in the API is asked about (`?organisation_id=`), decided alike for every report."""
from __future__ import annotations

from flask import abort

from handbook.core.i18n import gettext as _
from handbook.core.web import json_error, require
from handbook.org.access import Access, can_view_reports
from handbook.org.models import Organisation
from handbook.org.scope import managed_org


def report_organisation(access: Access, raw: str | None) -> Organisation:
    """The organisation of `raw` (an id; empty: the caller's highest): 403 for a caller who manages nothing, 400
    (JSON, `invalid_organisation_id`) for an id that is not a number, 404 when it is outside the caller's scope."""
    require(access.is_leader, 403)
    raw = (raw or "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        abort(json_error(400, _("Mã tổ chức phải là một số."), code="invalid_organisation_id"))
    org = managed_org(access, raw)
    require(can_view_reports(access, org))
    return org
