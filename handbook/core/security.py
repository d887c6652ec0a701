"""Security policy applied to every response in one place: headers (CSP without inline script, HSTS behind
HTTPS…), `Cache-Control: no-store` for personal pages and the API."""
from __future__ import annotations

from flask import g, request

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


def init_app(app) -> None:
    app.after_request(apply_headers)
