"""The cell's reviews of its candidate list (rà soát danh sách quần chúng ưu tú), on a schedule: every
ADMISSION_REVIEW_MONTHS months (docs/domain.md: Admission)."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from handbook.admission import steps
from handbook.admission.errors import AdmissionError
from handbook.admission.models import Candidate, CandidateReview, CandidateStatus
from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.org.models import Organisation

NOTE_MAX = 1000


def record_review(cell: Organisation, reviewed_on: date | None, note: str | None, actor: Actor, *,
                  today: date) -> CandidateReview:
    """The cell reviewed its list on `reviewed_on`: kept with the number of candidates on the list that day."""
    if not cell.is_cell:
        raise AdmissionError(_("Chỉ chi bộ mới rà soát danh sách quần chúng ưu tú."))
    if reviewed_on is None:
        raise AdmissionError(_("Hãy nhập ngày rà soát."), "reviewed_on")
    if reviewed_on > today:
        raise AdmissionError(_("Ngày rà soát %(day)s ở tương lai.", day=reviewed_on.strftime("%d/%m/%Y")),
                             "reviewed_on")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise AdmissionError(_("Dài quá %(n)d ký tự.", n=NOTE_MAX), "note")
    count = db.session.scalar(select(func.count(Candidate.id)).where(
        Candidate.cell_id == cell.id, Candidate.status == CandidateStatus.DANG_XET))
    review = CandidateReview(cell_id=cell.id, reviewed_on=reviewed_on, candidates=count or 0, note=note or None,
                             reviewed_by_id=actor.user_id)
    db.session.add(review)
    db.session.flush()
    audit.record("admission.review", actor, target_type="organisation", target_id=cell.id, count=review.candidates)
    db.session.commit()
    return review


def last_review(cell_id: int) -> CandidateReview | None:
    return db.session.scalar(select(CandidateReview).where(CandidateReview.cell_id == cell_id)
                             .order_by(CandidateReview.reviewed_on.desc(), CandidateReview.id.desc()).limit(1))


def next_review_due(cell_id: int, today: date) -> date:
    """The last review + ADMISSION_REVIEW_MONTHS months; none recorded yet → due today."""
    last = last_review(cell_id)
    if last is None:
        return today
    return last.reviewed_on + relativedelta(months=steps.setting("ADMISSION_REVIEW_MONTHS"))
