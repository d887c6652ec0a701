"""Security policy applied to every response in one place: headers (CSP without inline script, HSTS behind
HTTPS…), `Cache-Control: no-store` for personal pages and the API, and the privacy-notice gate."""
from __future__ import annotations

from flask import g, redirect, request, session, url_for
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'; img-src 'self' data:; style-src 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # Nothing here uses the camera, microphone, location or payment APIs.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
}
HSTS = "max-age=31536000; includeSubDomains"
# Responses that keep their own caching: static files, the service worker, the manifest, the offline page.
CACHEABLE_ENDPOINTS = {"static", "pwa.service_worker", "pwa.manifest", "pwa.offline"}
# What a signed-in member may open before accepting the privacy notice (/healthz too: it must not look up the
# caller's session — monitoring sends no cookie, and a test client that does must still get the JSON answer).
BEFORE_CONSENT = {"ops.healthz", "static", "pwa.service_worker", "pwa.manifest", "pwa.offline", "pwa.set_text_size",
                  "auth.login",
                  "auth.logout", "auth.set_language", "account.privacy", "account.accept_privacy",
                  "api_privacy.notice", "api_privacy.accept", "api_auth.issue_token"}


def _signed_in() -> bool:
    """Whether the request had a signed-in user, without loading one just to find out — nor reloading it: after
    a commit its columns are expired, and `is_authenticated` would read `is_active_account` again."""
    user = g.get("_login_user")
    return user is not None and not user.is_anonymous


def apply_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    personal = request.endpoint not in CACHEABLE_ENDPOINTS and _signed_in() and "Cache-Control" not in response.headers
    if request.path.startswith("/api/") or personal:
        response.headers["Cache-Control"] = "no-store"
    return response


def consent_gate():
    """Until the member accepts the current privacy notice: pages redirect to it, the API answers 403."""
    endpoint = request.endpoint or ""
    if endpoint in BEFORE_CONSENT or endpoint.startswith("api-docs.") or not current_user.is_authenticated:
        return None
    from handbook.auth import consent

    cookie_session = not g.get("api_bearer")
    if cookie_session and session.get("consent") == consent.NOTICE_VERSION:
        return None
    if consent.has_accepted(current_user.id):
        if cookie_session:
            session["consent"] = consent.NOTICE_VERSION
        return None
    from handbook.core.i18n import gettext as _
    from handbook.core.web import json_error, wants_json

    if wants_json():
        return json_error(403, _("Đồng chí cần đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân trước khi sử dụng. "
                                 "Gửi POST /api/v1/privacy/consent để đồng ý."), code="consent_required")
    return redirect(url_for("account.privacy", next=request.full_path.rstrip("?")))


def init_app(app) -> None:
    app.after_request(apply_headers)
    app.before_request(consent_gate)
