"""The privacy notice (Decree 13/2023/NĐ-CP, Personal Data Protection Law 2025): every member accepts the
current version before using the app; a new version asks again."""
from __future__ import annotations

from flask import g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handbook.auth.models import PrivacyConsent
from handbook.core.timeutil import utcnow
from handbook.extensions import db

# Bump when templates/auth/privacy.html changes in substance: everybody is asked to accept again.
NOTICE_VERSION = "2026-01"
NOTICE_DATE = "01/01/2026"


def has_accepted(user_id: int, version: str | None = None) -> bool:
    version = version or NOTICE_VERSION
    return db.session.scalar(
        select(PrivacyConsent.id).where(PrivacyConsent.user_id == user_id, PrivacyConsent.version == version)
    ) is not None


def accepted_at(user_id: int, version: str | None = None):
    version = version or NOTICE_VERSION
    return db.session.scalar(
        select(PrivacyConsent.accepted_at).where(PrivacyConsent.user_id == user_id, PrivacyConsent.version == version)
    )


def accept(user_id: int, ip: str | None, version: str | None = None) -> bool:
    """Record the consent (once per version). Returns False if it had been given already."""
    version = version or NOTICE_VERSION
    if has_accepted(user_id, version):
        return False
    from handbook.audit.service import Actor, record

    db.session.add(PrivacyConsent(user_id=user_id, version=version, accepted_at=utcnow(), ip=ip))
    record("privacy.consent", Actor(user_id=user_id, ip=ip), target_type="user", target_id=user_id)
    try:
        db.session.commit()
    except IntegrityError:  # the same member accepted at the same moment from another tab
        db.session.rollback()
        return False
    return True


# What a signed-in member may open before accepting the privacy notice (/healthz too: it must not look up the
# caller's session — monitoring sends no cookie, and a test client that does must still get the JSON answer).
BEFORE_CONSENT = {"ops.healthz", "static", "pwa.service_worker", "pwa.manifest", "pwa.offline", "pwa.set_text_size",
                  "auth.login",
                  "auth.logout", "auth.set_language", "account.privacy", "account.accept_privacy",
                  "api_privacy.notice", "api_privacy.accept", "api_auth.issue_token"}


def consent_gate():
    """Until the member accepts the current privacy notice: pages redirect to it, the API answers 403."""
    endpoint = request.endpoint or ""
    if endpoint in BEFORE_CONSENT or endpoint.startswith("api-docs.") or not current_user.is_authenticated:
        return None
    cookie_session = not g.get("api_bearer")
    if cookie_session and session.get("consent") == NOTICE_VERSION:
        return None
    if has_accepted(current_user.id):
        if cookie_session:
            session["consent"] = NOTICE_VERSION
        return None
    from handbook.core.i18n import gettext as _
    from handbook.core.web import json_error, wants_json

    if wants_json():
        return json_error(403, _("Đồng chí cần đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân trước khi sử dụng. "
                                 "Gửi POST /api/v1/privacy/consent để đồng ý."), code="consent_required")
    return redirect(url_for("account.privacy", next=request.full_path.rstrip("?")))
