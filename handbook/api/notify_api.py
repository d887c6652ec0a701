"""Web Push subscriptions and the in-app inbox over JSON."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, fields

from handbook.api.fields import FIELD_ERRORS, ID_RANGE, InputSchema, OutputSchema, UtcDateTime, page_field, text
from handbook.core.web import json_error
from handbook.notify import inbox, subscriptions

blp = Blueprint("api_notify", __name__, url_prefix="/api/v1", description="Thông báo và Web Push")
SECURITY = [{"bearerAuth": []}, {"sessionCookie": []}]


class VapidKeyOut(OutputSchema):
    publicKey = fields.String(metadata={"description": "applicationServerKey (URL-safe base64, điểm P-256)"})


class KeysIn(InputSchema):
    p256dh = text(max_length=200)
    auth = text(max_length=100)


class SubscriptionIn(InputSchema):
    """The browser's `PushSubscription.toJSON()`."""

    endpoint = text(max_length=1000)
    expirationTime = fields.Float(allow_none=True, load_default=None)
    keys = fields.Nested(KeysIn, required=True, error_messages=FIELD_ERRORS)


class SubscriptionOut(OutputSchema):
    id = fields.Integer()
    endpoint = fields.String()
    created_at = UtcDateTime()
    last_success_at = UtcDateTime(allow_none=True)


class EndpointIn(InputSchema):
    """Which device to forget. Browsers send their whole `PushSubscription.toJSON()`, as when subscribing: only
    `endpoint` is read; `expirationTime`, `keys` and any other field are accepted and ignored."""

    class Meta:
        unknown = EXCLUDE

    endpoint = text(max_length=1000)
    expirationTime = fields.Raw(load_default=None, allow_none=True, metadata={
        "type": "number", "nullable": True, "description": "bỏ qua (trình duyệt gửi kèm)"})
    keys = fields.Raw(load_default=None, allow_none=True, metadata={
        "type": "object", "nullable": True, "description": "bỏ qua (trình duyệt gửi kèm)",
        "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}}})


class NotificationOut(OutputSchema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    url = fields.String()
    tag = fields.String()
    created_at = UtcDateTime()
    read_at = UtcDateTime(allow_none=True)


class NotificationPageOut(OutputSchema):
    items = fields.List(fields.Nested(NotificationOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    unread = fields.Integer()


class PageArgs(InputSchema):
    page = page_field()


class ReadIn(InputSchema):
    id = fields.Integer(load_default=None, allow_none=True, strict=True, error_messages=FIELD_ERRORS, validate=ID_RANGE,
                        metadata={"description": "bỏ trống: đánh dấu tất cả"})  # strict: 5e-292 was read as 0


class ReadOut(OutputSchema):
    marked = fields.Integer()
    unread = fields.Integer()


@blp.route("/push/vapid-public-key")
@blp.response(200, VapidKeyOut)
def vapid_public_key():
    """Khóa công khai VAPID dùng cho `pushManager.subscribe({applicationServerKey})`."""
    return {"publicKey": current_app.config["VAPID_PUBLIC_KEY"]}


@blp.route("/push/subscriptions", methods=["POST"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(SubscriptionIn)
@blp.response(201, SubscriptionOut)
@blp.alt_response(200, description="Thiết bị đã đăng ký trước đó: cập nhật")
@blp.alt_response(400, description="Dịch vụ push không được phép, hoặc khóa không hợp lệ")
@blp.doc(security=SECURITY)
def subscribe(payload):
    """Đăng ký nhận thông báo cho thiết bị này (thân là `PushSubscription.toJSON()`)."""
    try:
        row, created = subscriptions.save(current_user.id, payload["endpoint"], payload["keys"]["p256dh"],
                                          payload["keys"]["auth"], request.headers.get("User-Agent"))
    except subscriptions.SubscriptionError as exc:
        return json_error(400, str(exc), code="invalid_subscription")
    return row, 201 if created else 200


@blp.route("/push/subscriptions", methods=["DELETE"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(EndpointIn)
@blp.response(204)
@blp.alt_response(404, description="Không có đăng ký này")
@blp.doc(security=SECURITY)
def unsubscribe(payload):
    """Hủy đăng ký của một thiết bị (thân chỉ cần `endpoint`; có thể gửi nguyên `PushSubscription.toJSON()`)."""
    if not subscriptions.remove(current_user.id, endpoint=payload["endpoint"]):
        return json_error(404)
    return None


@blp.route("/notifications")
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(PageArgs, location="query")
@blp.response(200, NotificationPageOut)
@blp.doc(security=SECURITY)
def list_notifications(args):
    """Hộp thư thông báo của tôi, mới nhất trước."""
    items, total = inbox.page_of(current_user.id, args["page"])
    return {"items": items, "page": args["page"], "per_page": inbox.PER_PAGE, "total": total,
            "unread": inbox.unread_count(current_user.id)}


@blp.route("/notifications/read", methods=["POST"])
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(ReadIn)
@blp.response(200, ReadOut)
@blp.doc(security=SECURITY)
def mark_read(payload):
    """Đánh dấu đã đọc một thông báo (`id`) hoặc tất cả."""
    marked = inbox.mark_read(current_user.id, payload.get("id"))
    return {"marked": marked, "unread": inbox.unread_count(current_user.id)}
