"""Tokens and the caller's own identity."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import InputSchema, OutputSchema, UtcDateTime, text
from handbook.auth import service as auth_service
from handbook.auth.identifiers import IdentifierError
from handbook.core.timeutil import utcnow
from handbook.core.web import current_access, json_error
from handbook.members import service as members
from handbook.org.service import position_title, positions_of

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1", description="Đăng nhập và tài khoản")


class TokenRequest(InputSchema):
    login = text(max_length=254, metadata={"description": "E-mail hoặc số điện thoại"})
    password = text(max_length=128)


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
@blp.alt_response(401, description="Sai tài khoản hoặc mật khẩu")
def issue_token(payload):
    """Đổi e-mail/số điện thoại và mật khẩu lấy một token Bearer."""
    try:
        user = auth_service.authenticate(payload["login"], payload["password"])
    except IdentifierError as exc:
        return json_error(400, str(exc), code="invalid_login")
    except auth_service.AuthError as exc:
        return json_error(401, str(exc), code="invalid_credentials")
    token = auth_service.create_api_token(user)
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
        "organisation_id": member.cell_id if member else None,
        "organisation_name": member.cell.name if member else None,
        "group_id": member.group_id if member else None,
        "positions": [
            {
                "organisation_id": p.organisation_id,
                "organisation_name": p.organisation.name,
                "role": p.role.value,
                "scope": p.scope.value,
                "title": position_title(p.role, p.organisation),
            }
            for p in positions_of(current_user.id)
        ],
    }


