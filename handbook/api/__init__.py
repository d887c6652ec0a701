"""JSON API under /api/v1, documented by the OpenAPI document flask-smorest builds from this code."""
from __future__ import annotations

import json

from flask import g, request
from flask_login import current_user
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema

from handbook.api.fields import ErrorOut
from handbook.core.i18n import gettext as _
from handbook.core.inputs import json_problem
from handbook.core.web import IdConverter, json_error
from handbook.extensions import csrf


class HandbookApi(Api):
    """flask-smorest's Api without its own error handler: errors go through core.web for the whole app."""

    ERROR_SCHEMA = ErrorOut  # what core.web.json_error really sends, so the OpenAPI document says so

    def _register_error_handlers(self):  # noqa: D401 - replaced on purpose
        return None


UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def check_request():
    """Before every API request: the body must be JSON, well-formed; session callers need the CSRF header."""
    if not request.path.startswith("/api/"):
        return None
    if request.method in UNSAFE:
        if request.content_length or request.get_data(cache=True):
            if not request.is_json:
                return json_error(415, _("Nội dung gửi lên phải là JSON (Content-Type: application/json)."))
            try:
                document = json.loads(request.get_data(cache=True))
            except ValueError:
                return json_error(400, _("Dữ liệu JSON không hợp lệ."), code="invalid_json")
            problem = json_problem(document)  # lone surrogates, NUL and other control characters
            if problem:
                return json_error(400, problem, code="invalid_characters")
        if current_user.is_authenticated and not g.get("api_bearer"):
            csrf.protect()
    return None


def init_app(app) -> None:
    """The JSON API under /api/v1 and its OpenAPI document."""
    from handbook.api import (
        auth_api,
        candidates_api,
        dues_api,
        evaluation_api,
        exemptions_api,
        meeting_reports_api,
        meetings_api,
        members_api,
        moves_api,
        notify_api,
        org_api,
        privacy_api,
        regulations_api,
        reports_api,
    )

    api = HandbookApi(app, spec_kwargs={"info": {"description": "API của Sổ tay đảng viên điện tử."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "sessionCookie", {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")}
    )
    api.register_converter(IdConverter, integerconverter2paramschema)
    app.before_request(check_request)
    for blueprint in (auth_api.blp, org_api.blp, meetings_api.blp, members_api.blp, regulations_api.blp,
                      notify_api.blp, privacy_api.blp, candidates_api.blp, reports_api.blp,
                      meeting_reports_api.blp, dues_api.blp, exemptions_api.blp, evaluation_api.blp, moves_api.blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
