"""The privacy notice over JSON: read its version, accept it (until then the API answers 403 consent_required)."""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import InputSchema, OutputSchema, text
from handbook.auth import consent
from handbook.core.i18n import gettext as _
from handbook.core.web import json_error

blp = Blueprint("api_privacy", __name__, url_prefix="/api/v1", description="Thông báo xử lý dữ liệu cá nhân")
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]


class NoticeOut(OutputSchema):
    version = fields.String(metadata={"description": "Phiên bản thông báo hiện hành"})
    url = fields.String(metadata={"description": "Trang đọc toàn văn thông báo"})
    accepted = fields.Boolean()
    accepted_at = fields.DateTime(allow_none=True)


class ConsentIn(InputSchema):
    version = text(max_length=20, metadata={"description": "Phiên bản đã đọc (phải là phiên bản hiện hành)"})


def _notice() -> dict:
    when = consent.accepted_at(current_user.id)
    return {"version": consent.NOTICE_VERSION, "url": url_for("account.privacy", _external=True),
            "accepted": when is not None, "accepted_at": when}


@blp.route("/privacy")
@blp.response(200, NoticeOut)
@blp.doc(security=SECURITY)
@login_required
def notice():
    """Phiên bản thông báo xử lý dữ liệu cá nhân và việc người gọi đã đồng ý hay chưa."""
    return _notice()


@blp.route("/privacy/consent", methods=["POST"])
@blp.arguments(ConsentIn)
@blp.response(200, NoticeOut)
@blp.alt_response(409, description="Phiên bản gửi lên không phải phiên bản hiện hành (`notice_outdated`)")
@blp.doc(security=SECURITY)
@login_required
def accept(payload):
    """Đồng ý với thông báo xử lý dữ liệu cá nhân (ghi lại người, phiên bản, thời điểm, địa chỉ IP)."""
    if payload["version"] != consent.NOTICE_VERSION:
        return json_error(409, _("Thông báo đã có phiên bản mới (%(v)s). Hãy đọc lại rồi đồng ý.",
                                 v=consent.NOTICE_VERSION), code="notice_outdated")
    consent.accept(current_user.id, request.remote_addr)
    return _notice()
