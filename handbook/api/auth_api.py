"""Tokens and the caller's own identity."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import InputSchema, OutputSchema, UtcDateTime, text
from handbook.audit.service import Actor, record
from handbook.auth import service as auth_service
from handbook.auth import throttle, totp
from handbook.auth.identifiers import IdentifierError
from handbook.caller import current_access
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import utcnow
from handbook.core.web import json_error
from handbook.extensions import db
from handbook.members import service as members
from handbook.org.service import position_title, positions_of

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1", description="Đăng nhập và tài khoản")


class TokenRequest(InputSchema):
    login = text(max_length=254, metadata={"description": "E-mail hoặc số điện thoại"})
    password = text(max_length=128)
    otp = text(required=False, max_length=20, metadata={
        "description": "Mã 6 số từ ứng dụng xác thực (hoặc một mã khôi phục) — bắt buộc với tài khoản đã bật "
                       "xác thực hai bước, trong đó có mọi quản trị viên và cán bộ cấp ủy"})


class TokenResponse(OutputSchema):
    token = fields.String(required=True)
    expires_at = UtcDateTime(required=True)


class PositionOut(OutputSchema):
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    role = fields.String()
    scope = fields.String()
    title = fields.String()


class MeOut(OutputSchema):
    id = fields.Integer(required=True)
    display_name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    is_admin = fields.Boolean()
    member_id = fields.Integer(allow_none=True)
    organisation_id = fields.Integer(allow_none=True, metadata={"description": "Chi bộ của đảng viên"})
    organisation_name = fields.String(allow_none=True)
    group_id = fields.Integer(allow_none=True, metadata={"description": "Tổ đảng, nếu có"})
    positions = fields.List(fields.Nested(PositionOut))


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
@blp.alt_response(401, description="Sai tài khoản, mật khẩu hoặc mã xác thực (`invalid_credentials`, "
                                   "`otp_required`, `invalid_otp`)")
@blp.alt_response(403, description="Cán bộ chưa cài ứng dụng xác thực (`totp_enrolment_required`)")
@blp.alt_response(429, description="Sai quá nhiều lần; thử lại sau số giây trong `Retry-After`")
@throttle.ip_limit("password")
@throttle.account_limit(throttle.login_key, "password")
def issue_token(payload):
    """Đổi e-mail/số điện thoại và mật khẩu (và mã xác thực với cán bộ) lấy một token Bearer."""
    ip = request.remote_addr
    try:
        user = auth_service.authenticate(payload["login"], payload["password"])
    except IdentifierError as exc:
        return json_error(400, str(exc), code="invalid_login")
    except auth_service.AuthError as exc:
        if exc.credential:
            throttle.mark_failed(exc.user_id)
        record("auth.login_failed", Actor(exc.user_id, ip), target_type="user" if exc.user_id else None,
               target_id=exc.user_id, source="api", reason=exc.reason)
        db.session.commit()
        return json_error(401, str(exc), code="invalid_credentials")
    if totp.is_enrolled(user.id):
        if not payload.get("otp"):
            return json_error(401, _("Tài khoản dùng xác thực hai bước: gửi kèm mã 6 số trong trường `otp`."),
                              code="otp_required")
        if not totp.check_second_factor(user.id, payload["otp"]):
            throttle.mark_failed(user.id)
            record("auth.2fa_failed", Actor(user.id, ip), target_type="user", target_id=user.id, source="api")
            db.session.commit()
            return json_error(401, _("Mã xác thực không đúng hoặc đã được dùng."), code="invalid_otp")
    elif totp.required_for(user):
        return json_error(403, _("Cán bộ cấp ủy và quản trị viên phải cài ứng dụng xác thực: hãy đăng nhập trên trang "
                                 "web một lần để thiết lập."), code="totp_enrolment_required")
    token = auth_service.create_api_token(user)
    record("auth.token", Actor(user.id, ip), target_type="user", target_id=user.id)
    db.session.commit()
    days = current_app.config["API_TOKEN_DAYS"]
    return {"token": token, "expires_at": utcnow() + timedelta(days=days)}


@blp.route("/me")
@blp.response(200, MeOut)
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
@login_required
def me():
    """Người đang gọi API: tài khoản, đảng viên, chi bộ và chức vụ."""
    member = members.member_for_user(current_user.id)
    access = current_access()
    return {
        "id": current_user.id,
        "display_name": member.full_name if member else current_user.display_name,
        "email": current_user.email,
        "phone": current_user.phone,
        "is_admin": access.is_admin,
        "member_id": member.id if member else None,
        "organisation_id": access.cell_id,  # none for a member who left: their cell is no longer theirs
        "organisation_name": member.cell.name if access.cell_id else None,
        "group_id": access.group_id,
        "positions": [
            {
                "organisation_id": p.organisation_id,
                "organisation_name": p.organisation.name,
                "role": p.role.value,
                "scope": p.scope.value,
                "title": position_title(p.role, p.organisation),
            }
            for p in positions_of(current_user.id) if access.grants  # a member who left holds none that count
        ],
    }


