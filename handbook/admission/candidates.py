"""A cell's candidates (quần chúng ưu tú): putting one on the list, editing the file's identity, taking them off
the list and back. Each write is one transaction with its audit event."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from handbook.admission.errors import AdmissionError
from handbook.admission.models import Candidate, CandidateStatus
from handbook.admission.validation import CccdTaken, cccd_taken_message, clean_candidate
from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.members import records
from handbook.org.models import Organisation

REASON_MAX = 255


def _checks_cccd(raw: dict[str, Any], candidate: Candidate | None) -> bool:
    value = str(raw.get("cccd") or "").strip()
    return bool(value) and (candidate is None or value != (candidate.cccd or ""))


def _clean(raw: dict[str, Any], actor: Actor, today: date, candidate: Candidate | None):
    """clean_candidate, with a refused CCCD counted like a member record's (members.records: a used number must
    not be learnt by trying many); at the limit, records.TooManyRefusals whatever the number."""
    if _checks_cccd(raw, candidate):
        records.refuse_if_blocked(actor)
    try:
        return clean_candidate(raw, today=today, candidate=candidate)
    except CccdTaken:
        target_id = candidate.id if candidate is not None else None
        records.count_refusal(actor, ["cccd"], target_type="candidate", target_id=target_id)
        raise


def _commit_unique() -> None:
    """Commit; a CCCD taken at the same moment by another file is refused by the unique column."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CccdTaken(cccd_taken_message(), "cccd") from None


def create_candidate(cell: Organisation, raw: dict[str, Any], actor: Actor, *, today: date
                     ) -> tuple[Candidate, list[str]]:
    """Put a person on `cell`'s candidate list; returns the file and the warnings to show."""
    if cell is None or not cell.is_cell:
        raise AdmissionError(_("Quần chúng ưu tú chỉ được đưa vào danh sách của một chi bộ."), "cell_id")
    if getattr(cell, "dissolved_on", None) is not None:
        raise AdmissionError(_("Chi bộ này đã giải thể."), "cell_id")
    values, warnings = _clean(raw, actor, today, None)
    candidate = Candidate(cell_id=cell.id, created_by_id=actor.user_id, status=CandidateStatus.DANG_XET, **values)
    db.session.add(candidate)
    db.session.flush()
    audit.record("candidate.create", actor, target_type="candidate", target_id=candidate.id,
                 organisation_id=cell.id)
    _commit_unique()
    return candidate, warnings


def update_candidate(candidate: Candidate, raw: dict[str, Any], actor: Actor, *, today: date) -> list[str]:
    """Change the file's identity and background fields; returns the warnings."""
    values, warnings = _clean(raw, actor, today, candidate)
    changed = []
    for name, value in values.items():
        if getattr(candidate, name) != value:
            setattr(candidate, name, value)
            changed.append(name)
    if changed:
        audit.record("candidate.update", actor, target_type="candidate", target_id=candidate.id, fields=changed)
        _commit_unique()
    return warnings


def stop_candidate(candidate: Candidate, reason: str | None, actor: Actor, *, today: date) -> None:
    """Take the candidate off the list (withdrew, moved away, failed verification…), with the reason."""
    if candidate.status is not CandidateStatus.DANG_XET:
        raise AdmissionError(_("Chỉ dừng xem xét được hồ sơ đang bồi dưỡng, xét kết nạp."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise AdmissionError(_("Hãy ghi lý do dừng xem xét."), "reason")
    if len(reason) > REASON_MAX:
        raise AdmissionError(_("Dài quá %(n)d ký tự.", n=REASON_MAX), "reason")
    candidate.status = CandidateStatus.DUNG
    candidate.status_reason = reason
    audit.record("candidate.stop", actor, target_type="candidate", target_id=candidate.id, reason=reason)
    db.session.commit()


def reopen_candidate(candidate: Candidate, actor: Actor, *, today: date) -> None:
    """Put a stopped candidate back on the list."""
    if candidate.status is not CandidateStatus.DUNG:
        raise AdmissionError(_("Chỉ xem xét lại được hồ sơ đã dừng."))
    candidate.status = CandidateStatus.DANG_XET
    candidate.status_reason = None
    audit.record("candidate.reopen", actor, target_type="candidate", target_id=candidate.id)
    db.session.commit()
