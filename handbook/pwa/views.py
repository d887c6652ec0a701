"""Manifest, service worker, offline page and the large-text setting."""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from handbook.core.i18n import gettext as _
from handbook.core.i18n import select_locale
from handbook.core.web import error_response, json_error
from handbook.pwa.assets import static_url
from handbook.pwa.installed import record_seen_installed

bp = Blueprint("pwa", __name__)

THEME = "#b71c1c"
BACKGROUND = "#faf7f2"
SHELL_FILES = ("app.css", "app.js", "icons/icon-192.png", "icons/icon-512.png", "icons/maskable-512.png",
               "icons/apple-touch-icon.png", "icons/favicon-32.png")
TEXT_SIZES = ("normal", "large")
TEXT_COOKIE = "text_size"
YEAR = 365 * 24 * 3600


@functools.lru_cache(maxsize=4096)
def user_key(secret: str, user_id: int) -> str:
    """An opaque per-account key (the service worker's personal cache is named after it)."""
    return hmac.new(secret.encode(), f"pwa-user:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def text_size() -> str:
    chosen = session.get(TEXT_COOKIE) or request.cookies.get(TEXT_COOKIE)
    return chosen if chosen in TEXT_SIZES else "normal"


@bp.app_context_processor
def pwa_context():
    signed_in = current_user.is_authenticated
    key = user_key(current_app.config["SECRET_KEY"], current_user.id) if signed_in else ""
    # `signed_in` spares the layout three trips through the current_user proxy
    return {"user_key": key, "text_size": text_size(), "signed_in": signed_in}


def manifest_dict() -> dict:
    icon = lambda name, size, purpose: {  # noqa: E731
        "src": static_url(f"icons/{name}"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
    return {
        "id": "/",
        "name": _("Sổ tay đảng viên điện tử"),
        "short_name": _("Sổ tay ĐV"),
        "description": _("Lịch sinh hoạt chi bộ, văn bản, thông báo cho đảng viên."),
        "lang": select_locale(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [icon("icon-192.png", 192, "any"), icon("icon-512.png", 512, "any"),
                  icon("maskable-512.png", 512, "maskable")],
    }


@bp.get("/manifest.webmanifest")
def manifest():
    body = json.dumps(manifest_dict(), ensure_ascii=False, separators=(",", ":"))
    return Response(body, mimetype="application/manifest+json", headers={"Cache-Control": "no-cache"})


def sw_version() -> str:
    """Changes whenever a precached file or PWA_VERSION does, so the browser sees a new worker."""
    parts = [str(current_app.config.get("PWA_VERSION", "1"))] + [static_url(f) for f in SHELL_FILES]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    shell = [static_url(f) for f in SHELL_FILES] + [url_for(".offline"), url_for(".manifest")]
    body = render_template("pwa/sw.js", version=sw_version(), shell=shell, offline=url_for(".offline"))
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")


@bp.post("/settings/text-size")
def set_text_size():
    """Large text for members who need it: kept in the session and a year-long cookie; works without JS."""
    size = request.form.get("size")
    if size not in TEXT_SIZES:  # the CSRF token is checked before this view (CSRFProtect)
        return error_response(400, _("Cỡ chữ không hợp lệ. Vui lòng chọn “Chữ thường” hoặc “Chữ lớn”."))
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or urlsplit(target).netloc:
        target = url_for("home.profile")
    response = redirect(target)
    session[TEXT_COOKIE] = size
    response.set_cookie(TEXT_COOKIE, size, max_age=YEAR, samesite="Lax", httponly=True, secure=request.is_secure)
    return response


@bp.post("/pwa/seen-installed")
def seen_installed():
    """The app, running installed, says so once per browser session (app.js): 204 and the time kept for a signed-in
    account; 401 (JSON) for anyone else, nothing kept."""
    if not current_user.is_authenticated:  # the CSRF token was checked before this view (CSRFProtect)
        return json_error(401)
    record_seen_installed(current_user._get_current_object())
    return "", 204
