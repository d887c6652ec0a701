"""The privacy notice (Decree 13/2023/NĐ-CP, Personal Data Protection Law 2025): every member accepts the
current version before using the app; a new version asks again."""
from __future__ import annotations

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
