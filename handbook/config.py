"""Configuration from the environment (README: Configuration), with secrets generated once into instance/."""
from __future__ import annotations

import base64
import os
import secrets
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com,android.googleapis.com,updates.push.services.mozilla.com,"
    "web.push.apple.com,api.push.apple.com,wns2-par02p.notify.windows.com,notify.windows.com"
)


def _write_once(path: Path, content: bytes) -> bytes:
    """Create `path` with `content` unless another process got there first; return what is on disk."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return content


def _secret_key(instance: Path) -> str:
    return _write_once(instance / "secret_key", secrets.token_hex(32).encode()).decode().strip()


def _vapid_keys(instance: Path) -> tuple[str, str]:
    """Return (private PEM, public key as URL-safe base64 of the uncompressed point)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem = _write_once(instance / "vapid_private.pem", pem)
    loaded = serialization.load_pem_private_key(pem, password=None)
    raw = loaded.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return pem.decode(), base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _cookie_config(secure: bool) -> dict:
    """HttpOnly, SameSite=Lax always; behind HTTPS (SECURE_COOKIES=1) also Secure with the `__Host-` prefix
    (which requires Path=/ and no Domain, so no other host under the same domain can set or read it)."""
    config = {"SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax", "REMEMBER_COOKIE_HTTPONLY": True,
              "REMEMBER_COOKIE_SAMESITE": "Lax", "SESSION_COOKIE_PATH": "/", "SESSION_COOKIE_DOMAIN": None,
              "REMEMBER_COOKIE_PATH": "/", "REMEMBER_COOKIE_DOMAIN": None}
    if secure:
        config.update({"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_NAME": "__Host-session",
                       "REMEMBER_COOKIE_SECURE": True, "REMEMBER_COOKIE_NAME": "__Host-remember_token"})
    return config


def _day_month(raw: str) -> tuple[int, int]:
    """"15/12" → (12, 15): a day of every year, as (month, day); a day that is not in every year is refused."""
    try:
        day, month = (int(part) for part in raw.strip().split("/"))
        date(2025, month, day)  # a year without 29 February
    except ValueError:
        raise ValueError(f"expected a day of the year as dd/mm, got {raw!r}") from None
    return month, day


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Everything the app reads from the environment, in one dict."""
    env = os.environ
    overrides = overrides or {}
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or env.get(
        "DATABASE_URL", f"sqlite:///{instance / 'handbook.db'}"
    )
    if database_url.startswith("postgres://"):  # Heroku-style URLs
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]

    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": env.get("SECRET_KEY") or overrides.get("SECRET_KEY") or _secret_key(instance),
        "APP_TIMEZONE": env.get("APP_TIMEZONE", "Asia/Ho_Chi_Minh"),
        "QUIET_HOURS": env.get("QUIET_HOURS", "21:30-06:30"),
        "PUSH_ALLOWED_HOSTS": [
            h.strip().lower() for h in env.get("PUSH_ALLOWED_HOSTS", DEFAULT_PUSH_HOSTS).split(",") if h.strip()
        ],
        "PUSH_ALLOW_HTTP": _flag(env.get("PUSH_ALLOW_HTTP")),
        "VAPID_SUBJECT": env.get("VAPID_SUBJECT", "mailto:admin@demo.vn"),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": env.get("APP_TIMEZONE", "Asia/Ho_Chi_Minh"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "LANGUAGES": ["vi", "en"],
        "ACTIVATION_CODE_HOURS": int(env.get("ACTIVATION_CODE_HOURS", "72")),
        "API_TOKEN_DAYS": int(env.get("API_TOKEN_DAYS", "30")),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        **_cookie_config(_flag(str(overrides.get("SECURE_COOKIES") or env.get("SECURE_COOKIES") or ""))),
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "60")),
        "SESSION_MAX_HOURS": int(env.get("SESSION_MAX_HOURS", "12")),
        # Login throttling (Flask-Limiter); the default storage is our own database, shared by every process.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "handbook-db://"),
        "RATELIMIT_STRATEGY": "fixed-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "hb",
        "LOGIN_LIMIT_ACCOUNT": env.get("LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_IP": env.get("LOGIN_LIMIT_IP", "30 per 15 minutes"),
        # The member import's preview looks every row up among all records: at most this many rows per file
        # (a cell rarely has more than a few hundred members) and this many previews per user per hour.
        "IMPORT_PREVIEW_MAX_ROWS": int(env.get("IMPORT_PREVIEW_MAX_ROWS", "1000")),
        "IMPORT_PREVIEWS_PER_HOUR": int(env.get("IMPORT_PREVIEWS_PER_HOUR", "10")),
        # Requests to receive a member for temporary attendance (sinh hoạt tạm thời), per user per day.
        "TEMPORARY_REQUESTS_PER_DAY": int(env.get("TEMPORARY_REQUESTS_PER_DAY", "10")),
        # Admission (admission/): organisations' own practice, with the usual defaults (docs/domain.md: Admission).
        "ADMISSION_REVIEW_MONTHS": int(env.get("ADMISSION_REVIEW_MONTHS", "1")),  # the candidate list reviewed
        "ADMISSION_AWARENESS_VALID_MONTHS": int(env.get("ADMISSION_AWARENESS_VALID_MONTHS", "60")),  # the course
        "ADMISSION_STALE_MONTHS": int(env.get("ADMISSION_STALE_MONTHS", "12")),  # a file without the resolution
        "ADMISSION_IDLE_YEARS": int(env.get("ADMISSION_IDLE_YEARS", "3")),  # cells without an admission
        "ADMISSION_REMIND_DAYS": int(env.get("ADMISSION_REMIND_DAYS", "30")),  # before the probation ends
        "ADMISSION_SOON_WORKING_DAYS": int(env.get("ADMISSION_SOON_WORKING_DAYS", "10")),  # "due soon"
        "ADMISSION_FILE_MAX_BYTES": int(env.get("ADMISSION_FILE_MAX_BYTES", str(10 * 1024 * 1024))),  # a scan
        # Exemptions (exemptions/): a temporary exemption lasts under this many months; the member and the leaders
        # are reminded this many days before it ends (docs/domain.md: Exemption).
        "EXEMPTION_MAX_MONTHS": int(env.get("EXEMPTION_MAX_MONTHS", "12")),
        "EXEMPTION_REMINDER_DAYS": int(env.get("EXEMPTION_REMINDER_DAYS", "14")),
        # Dues (dues/): months a payment may cover ahead of this one; the day of the month unpaid members are reminded;
        # the share of what a cell collects that it keeps (the rest goes up) — docs/domain.md: Dues.
        "DUES_MAX_ADVANCE_MONTHS": int(env.get("DUES_MAX_ADVANCE_MONTHS", "12")),
        "DUES_REMINDER_DAY": int(env.get("DUES_REMINDER_DAY", "10")),
        "DUES_CELL_KEEPS_PERCENT": int(env.get("DUES_CELL_KEEPS_PERCENT", "30")),
        # Evaluation (evaluation/): the day (dd/mm) a year's round opens by itself, the day self-assessments are due,
        # and how many days before that members who have not submitted are reminded.
        "EVALUATION_OPENS": _day_month(env.get("EVALUATION_OPENS", "01/11")),
        "EVALUATION_DUE": _day_month(env.get("EVALUATION_DUE", "15/12")),
        "EVALUATION_REMIND_DAYS": int(env.get("EVALUATION_REMIND_DAYS", "7")),
        # the congress term (nhiệm kỳ) the report compares with the previous one's same period: its first day (ISO)
        # and its length; a start older than one term moves forward by whole terms
        "ADMISSION_TERM_START": env.get("ADMISSION_TERM_START", "2025-10-01"),
        "ADMISSION_TERM_YEARS": int(env.get("ADMISSION_TERM_YEARS", "5")),
        # the periodic review of members who stopped attending: meetings of the last this many months are read
        "REPORTS_NO_ATTENDANCE_MONTHS": int(env.get("REPORTS_NO_ATTENDANCE_MONTHS", "3")),
        # a report that took longer than this to compute (a province's) is kept this long per process (reports/kept.py)
        "REPORTS_KEEP_SLOWER_THAN_MS": int(env.get("REPORTS_KEEP_SLOWER_THAN_MS", "250")),
        "REPORTS_KEEP_SECONDS": int(env.get("REPORTS_KEEP_SECONDS", "600")),
        # Member import (members/importer.py): bounds on the work of reading a sheet, whatever the file's size.
        "IMPORT_MAX_ROWS": int(env.get("IMPORT_MAX_ROWS", "200000")),  # non-empty rows
        "IMPORT_MAX_CELLS": int(env.get("IMPORT_MAX_CELLS", "6000000")),  # cells read, empty ones too
        "IMPORT_MAX_EMPTY_RUN": int(env.get("IMPORT_MAX_EMPTY_RUN", "1000")),  # empty rows in a row end the table
        # Refused uniqueness checks on a record's form (another account's phone, a CCCD or card number already on
        # record): each tells something about the whole deployment, so they are counted per user (members/records.py).
        "RECORD_REFUSALS_LIMIT": env.get("RECORD_REFUSALS_LIMIT", "10 per 1 hour"),
        # Wrong meeting check-in codes (meetings/checkin_guard.py): per member and meeting, then per meeting.
        "CHECKIN_LIMIT_MEMBER": env.get("CHECKIN_LIMIT_MEMBER", "5 per 1 day"),
        "CHECKIN_LIMIT_MEETING": env.get("CHECKIN_LIMIT_MEETING", "20 per 1 minute"),
        "PRIVACY_CONTACT": env.get("PRIVACY_CONTACT") or env.get("VAPID_SUBJECT", "mailto:admin@demo.vn").removeprefix(
            "mailto:"),
        "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session
        # WTForms ships no Vietnamese catalogue and our forms carry their own Vietnamese messages; with this on,
        # flask-wtf searched the disk for one on every request that built a form.
        "WTF_I18N_ENABLED": False,
        # flask-smorest: the OpenAPI document is generated from the API's code.
        "API_TITLE": "Sổ tay đảng viên điện tử API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        # PWA: bump PWA_VERSION to make every phone fetch a new service worker (it also follows the shell files).
        "PWA_VERSION": env.get("PWA_VERSION", "1"),
        # Behind a reverse proxy: how many proxies to trust for each X-Forwarded-* header (0 = ignore it).
        **{f"PROXY_FIX_X_{name}": int(env.get(f"PROXY_FIX_X_{name}", "0") or 0)
           for name in ("FOR", "PROTO", "HOST", "PORT", "PREFIX")},
        # Audit events older than this are deleted by `flask audit purge` (and daily by `flask worker`).
        "AUDIT_RETENTION_DAYS": int(env.get("AUDIT_RETENTION_DAYS", "730")),
        "BACKUP_DIR": env.get("BACKUP_DIR", str(instance / "backups")),
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "application/json", "application/manifest+json", "image/svg+xml", "text/calendar"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
    }
    if env.get("VAPID_PRIVATE_KEY") and env.get("VAPID_PUBLIC_KEY"):
        config["VAPID_PRIVATE_KEY"] = env["VAPID_PRIVATE_KEY"]
        config["VAPID_PUBLIC_KEY"] = env["VAPID_PUBLIC_KEY"]
    else:
        config["VAPID_PRIVATE_KEY"], config["VAPID_PUBLIC_KEY"] = _vapid_keys(instance)
    if database_url.startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    else:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {}  # idle connections are pinged: handbook/core/dbping.py
    config.update(overrides)
    return config
