"""Demo accounts stay usable at once: they have accepted the privacy notice, and the two staff accounts
(admin@demo.vn, canbo@demo.vn — who must use two-factor login) share a fixed, published TOTP secret.
Never reuse this secret outside a demo."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from handbook.auth.consent import NOTICE_VERSION
from handbook.auth.models import PrivacyConsent, TotpCredential, User
from handbook.extensions import db

DEMO_TOTP_SECRET = "SOTAYDANGVIENDEMOHAIBUOCXACTHUCQ"  # base32; README's demo section shows it
DEMO_STAFF = ("admin@demo.vn", "canbo@demo.vn")


def seed_demo_security(logins: tuple[str, ...], now: datetime) -> None:
    """Consent for every demo login with a password; the demo authenticator for the staff among them."""
    users = db.session.scalars(select(User).where(User.email.in_(logins), User.password_hash.is_not(None))).all()
    for user in users:
        db.session.add(PrivacyConsent(user_id=user.id, version=NOTICE_VERSION, accepted_at=now, ip=None))
        if user.email in DEMO_STAFF:
            db.session.add(TotpCredential(user_id=user.id, secret=DEMO_TOTP_SECRET, created_at=now, confirmed_at=now))
    db.session.commit()
