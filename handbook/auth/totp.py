"""Two-factor login with an authenticator app (TOTP, RFC 6238) and one-time recovery codes."""
from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from sqlalchemy import delete, or_, select, update

from handbook.audit.service import Actor, record
from handbook.auth.models import RecoveryCode, TotpCredential, User
from handbook.auth.sessions import end_other_access
from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.org.models import CELL_KINDS, Organisation, OrgKind, Position

ISSUER = "Sổ tay đảng viên"
RECOVERY_CODES = 10
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def required_for(user: User) -> bool:
    """Admins and committee staff — anyone holding a position above cell level — must sign in with a second
    factor (TOTP). Cell leaders (bí thư chi bộ) and members may turn it on but need not (one query)."""
    if user.is_admin:
        return True
    above_cells = select(Position.id).join(Organisation, Organisation.id == Position.organisation_id).where(
        Position.user_id == user.id, Organisation.kind.not_in((*CELL_KINDS, OrgKind.TO_DANG)))
    return bool(db.session.scalar(select(above_cells.exists())))


def credential(user_id: int) -> TotpCredential | None:
    return db.session.get(TotpCredential, user_id)


def is_enrolled(user_id: int) -> bool:
    cred = credential(user_id)
    return cred is not None and cred.confirmed_at is not None


def pending_secret(user: User) -> str:
    """The secret being set up (kept across reloads of the set-up page until confirmed)."""
    cred = credential(user.id)
    if cred is not None and cred.secret is None:  # sealed under an earlier SECRET_KEY: start again
        db.session.delete(cred)
        db.session.flush()
        cred = None
    if cred is None:
        cred = TotpCredential(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(cred)
        db.session.commit()
    return cred.secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login_name, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG (no style attributes, so the Content-Security-Policy allows it)."""
    import segno  # only while setting up an authenticator

    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1c1c1c")


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (±1 around now) whose code is `code`, or None."""
    code = "".join(ch for ch in code or "" if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify(user_id: int, code: str, *, confirming: bool = False) -> bool:
    """Check a 6-digit code; each code is accepted once (a replay, even within its 30 s, is refused)."""
    cred = credential(user_id)
    if cred is None or cred.secret is None or (cred.confirmed_at is None) != confirming:
        return False
    step = _matching_step(cred.secret, code)
    if step is None:
        return False
    accepted = db.session.execute(
        update(TotpCredential)
        .where(TotpCredential.user_id == user_id,
               or_(TotpCredential.last_step.is_(None), TotpCredential.last_step < step))
        .values(last_step=step)
    ).rowcount
    db.session.commit()
    return bool(accepted)


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def new_recovery_codes(user_id: int) -> list[str]:
    """Replace the member's recovery codes; the codes are returned once and only their hashes kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _i in range(10)) for _n in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user_id, code_hash=_digest(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def confirm(user: User, code: str, *, actor: Actor, keep_session: str | None = None) -> list[str] | None:
    """Finish setting up: the first correct code turns the credential on, and the member's other sessions and API
    tokens end (`keep_session`: the signed-in member's own) — one transaction, audited. Returns the recovery
    codes."""
    if not verify(user.id, code, confirming=True):
        return None
    cred = credential(user.id)
    cred.confirmed_at = utcnow()
    codes = new_recovery_codes(user.id)
    record("auth.2fa_enrol", actor, target_type="user", target_id=user.id)
    end_other_access(user.id, keep_session, actor=actor, reason="2fa_enrol")
    db.session.commit()
    return codes


def use_recovery_code(user_id: int, raw: str) -> bool:
    code = _normalise(raw)
    if len(code) != 10:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == _digest(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    db.session.commit()
    return bool(used)


def check_second_factor(user_id: int, raw: str) -> str | None:
    """'totp' or 'recovery' when `raw` is a valid code of either kind, else None."""
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    if len(digits) == 6 and len(_normalise(raw)) == 6:
        return "totp" if verify(user_id, digits) else None
    return "recovery" if use_recovery_code(user_id, raw) else None


def remaining_recovery_codes(user_id: int) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user_id,
                                                                RecoveryCode.used_at.is_(None))).all())


def disable(user_id: int, *, actor: Actor, reason: str, keep_session: str | None = None) -> int:
    """Remove the authenticator and the recovery codes, and end the member's other sessions and API tokens
    (`keep_session`: the member's own, when they turn it off themselves; `reason` for the audit log). The caller
    checks it is allowed, records its own event and commits. Returns how many sessions ended."""
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user_id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    return end_other_access(user_id, keep_session, actor=actor, reason=reason)
