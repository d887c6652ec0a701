"""Accepting a browser's push subscription: the SSRF guard and key checks, then one row per endpoint."""
from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from sqlalchemy import delete, select, update

from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.notify.models import Delivery, DeliveryStatus, PushSubscription

MAX_SUBSCRIPTIONS = 20  # devices per user; the oldest goes when a new one arrives


class SubscriptionError(ValueError):
    """Refused input, with a message for the user."""


def b64decode(text: str) -> bytes:
    text = (text or "").strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_endpoint(endpoint: str) -> str:
    """Only the configured push services (host or host:port), over https unless PUSH_ALLOW_HTTP."""
    endpoint = (endpoint or "").strip()
    if not endpoint or len(endpoint) > 1000:
        raise SubscriptionError(_("Địa chỉ nhận thông báo (endpoint) không hợp lệ."))
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise SubscriptionError(_("Địa chỉ nhận thông báo (endpoint) không hợp lệ.")) from None
    allowed_schemes = {"https", "http"} if current_app.config.get("PUSH_ALLOW_HTTP") else {"https"}
    if parts.scheme not in allowed_schemes:
        raise SubscriptionError(_("Địa chỉ nhận thông báo phải dùng https."))
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise SubscriptionError(_("Địa chỉ nhận thông báo (endpoint) không hợp lệ."))
    allowed = set(current_app.config.get("PUSH_ALLOWED_HOSTS") or ())
    # exact names only: "fcm.googleapis.com.evil.example" and "evil-fcm.googleapis.com" are other hosts
    named = f"{host}:{port}" if port is not None else host
    if named not in allowed and not (port is None and host in allowed):
        raise SubscriptionError(_("Dịch vụ nhận thông báo này không được hỗ trợ."))
    return endpoint


def check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    try:
        raw = b64decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        if len(raw) != 65:
            raise ValueError("not an uncompressed point")
    except (ValueError, TypeError, binascii.Error):
        raise SubscriptionError(_("Khóa p256dh không phải là một khóa công khai P-256 hợp lệ.")) from None
    try:
        secret = b64decode(auth)
    except (ValueError, TypeError, binascii.Error):
        secret = b""
    if len(secret) != 16:
        raise SubscriptionError(_("Khóa auth phải dài đúng 16 byte."))
    return p256dh.strip().rstrip("="), auth.strip().rstrip("=")


def save(user_id: int, endpoint: str, p256dh: str, auth: str, user_agent: str | None) -> tuple[PushSubscription, bool]:
    """Store (or refresh) a subscription for this user; return it and whether it is new. Commits."""
    endpoint = check_endpoint(endpoint)
    p256dh, auth = check_keys(p256dh, auth)
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    created = row is None
    if row is None:
        row = PushSubscription(endpoint=endpoint)
        db.session.add(row)
    # the same endpoint re-posted (keys rotated, or another account on the same browser): the newest wins
    row.user_id, row.p256dh, row.auth = user_id, p256dh, auth
    row.user_agent = (user_agent or "")[:300] or None
    row.failure_count = 0
    db.session.flush()
    ids = db.session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == user_id)
                             .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())).all()
    if len(ids) > MAX_SUBSCRIPTIONS:
        forget(ids[MAX_SUBSCRIPTIONS:])
    db.session.commit()
    return row, created


def remove(user_id: int, endpoint: str | None = None, subscription_id: int | None = None) -> bool:
    """Forget one of this user's devices. Commits."""
    query = select(PushSubscription).where(PushSubscription.user_id == user_id)
    if subscription_id is not None:
        query = query.where(PushSubscription.id == subscription_id)
    else:
        query = query.where(PushSubscription.endpoint == (endpoint or "").strip())
    ids = list(db.session.scalars(query.with_only_columns(PushSubscription.id)))
    forget(ids)
    db.session.commit()
    return bool(ids)


def forget(ids: list[int]) -> None:
    """Drop these subscriptions and fail what still waits for them (no commit)."""
    if not ids:
        return
    db.session.execute(
        update(Delivery).where(Delivery.subscription_id.in_(ids), Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED, last_error="gone").execution_options(synchronize_session=False))
    db.session.execute(update(Delivery).where(Delivery.subscription_id.in_(ids)).values(subscription_id=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(ids))
                       .execution_options(synchronize_session=False))


def forget_all(user_id: int) -> int:
    """Drop every device of an account (no commit: part of the caller's transaction); how many there were."""
    ids = list(db.session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == user_id)))
    forget(ids)
    return len(ids)


def forget_devices_of_account(_sender, *, user_id: int) -> dict[str, int]:
    """`auth.events.credentials_changed`: the account's push devices go with its other sessions (in the caller's
    transaction); a device still signed in subscribes again with one tap."""
    return {"devices": forget_all(user_id)}


def devices(user_id: int) -> list[PushSubscription]:
    return list(db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == user_id)
                                   .order_by(PushSubscription.created_at)))
