"""What is overdue or due soon in admission files: the decision (60 working days after the cell's resolution, 90
with the extension), the ceremony (30 working days after the decision), recognition at the end of probation (the
cell within 30 working days of the 12 months' end), a dossier gone stale without the cell's resolution, and the
cell's review of its candidate list (docs/domain.md: Admission).

One query reads the open files in scope with the dates of the steps that matter (aggregated per candidate in
SQL); the working days are counted in Python (`core.workdays` looks them up by bisection)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, func, select

from handbook.admission import steps
from handbook.admission.models import Candidate, CandidateReview, CandidateStatus, DossierStep, StepStatus
from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.org.access import Access, can_manage_candidates, candidates_clause, in_subtree
from handbook.org.history import day_of
from handbook.org.models import Organisation

DECISION, CEREMONY, RECOGNITION, STALE, REVIEW = "decision", "ceremony", "recognition", "stale", "review"
LABELS = {
    DECISION: _l("Quyết định kết nạp của cấp ủy có thẩm quyền"),
    CEREMONY: _l("Tổ chức lễ kết nạp"),
    RECOGNITION: _l("Xét công nhận đảng viên chính thức"),
    STALE: _l("Hồ sơ quá hạn chưa có nghị quyết của chi bộ: cần làm lại một số thành phần"),
    REVIEW: _l("Rà soát danh sách quần chúng ưu tú của chi bộ"),
}


@dataclass(frozen=True)
class DueItem:
    candidate_id: int | None  # None: the cell's list review
    full_name: str
    cell_id: int
    cell_name: str
    what: object  # the label (lazy text)
    due_on: date
    overdue: bool
    soon: bool
    code: str = ""  #: DECISION, CEREMONY, RECOGNITION, STALE or REVIEW
    sponsor_id: int | None = None  #: a probationary member's sponsor (told ahead of the probation's end)
    probation_end: date | None = None


def _done(code: str, *statuses: StepStatus):
    """MAX(CASE …): the date of the candidate's step `code` in one of `statuses` (done), NULL otherwise."""
    return func.max(case((and_(DossierStep.step == code, DossierStep.status.in_(statuses)), DossierStep.done_on)))


FINISHED = (StepStatus.XONG, StepStatus.KHONG_DAT)


def _scope_clause(scope):
    """Access: the files the caller sees; an Organisation: its subtree; None: everything (the reminder rule)."""
    if scope is None:
        return None
    if isinstance(scope, Access):
        return candidates_clause(scope, Organisation.path, Candidate.sponsor_id)
    return in_subtree(Organisation.path, scope.path)


def _rows(scope):
    query = (
        select(Candidate.id, Candidate.full_name, Candidate.cell_id, Organisation.name, Organisation.path,
               Candidate.status, Candidate.decision_extended, Candidate.admitted_on, Candidate.sponsor_id,
               day_of(Candidate.created_at).label("listed_on"),
               _done("application", StepStatus.XONG).label("application"),
               _done("cell_resolution", StepStatus.XONG).label("cell_resolution"),
               _done("decision", *FINISHED).label("decision"),
               _done("ceremony", *FINISHED).label("ceremony"),
               _done("recog_decision", *FINISHED).label("recog_decision"))
        .join(Organisation, Organisation.id == Candidate.cell_id)
        .outerjoin(DossierStep, DossierStep.candidate_id == Candidate.id)
        .where(Candidate.status.in_((CandidateStatus.DANG_XET, CandidateStatus.DU_BI)))
        .group_by(Candidate.id, Candidate.full_name, Candidate.cell_id, Organisation.name, Organisation.path,
                  Candidate.status, Candidate.decision_extended, Candidate.admitted_on, Candidate.sponsor_id,
                  Candidate.created_at)
    )
    clause = _scope_clause(scope)
    if clause is not None:
        query = query.where(clause)
    return db.session.execute(query).all()


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite hands an aggregated date back as text


class _Clock:
    """today, and 'soon' as working days (cached per due day: thousands of files share a few hundred days)."""

    def __init__(self, today: date):
        self.today = today
        self.soon_days = steps.setting("ADMISSION_SOON_WORKING_DAYS")
        self._states: dict[date, tuple[bool, bool]] = {}

    def state(self, due: date) -> tuple[bool, bool]:
        if due not in self._states:
            self._states[due] = steps.due_state(due, self.today, self.soon_days)
        return self._states[due]


def due_items(scope, today: date) -> list[DueItem]:
    """The overdue and soon-due items of the open files in `scope` (an Access, an Organisation's subtree, or None
    for all), overdue first, then by due day: each candidate's decision, ceremony, recognition or stale dossier,
    and each cell's list review. A probationary member's recognition is listed from ADMISSION_REMIND_DAYS days
    before the 12 months end, whether or not it is already 'soon'."""
    clock = _Clock(today)
    remind_days = steps.setting("ADMISSION_REMIND_DAYS")
    stale_after = relativedelta(months=steps.setting("ADMISSION_STALE_MONTHS"))
    # thousands of files share a few hundred dates: each deadline is computed once per date
    probation_end, recognition_due = lru_cache(None)(steps.probation_end), lru_cache(None)(steps.recognition_due)
    decision_due, ceremony_due = lru_cache(None)(steps.decision_due), lru_cache(None)(steps.ceremony_due)
    stale_on = lru_cache(None)(lambda day: day + stale_after)
    items: list[DueItem] = []
    cells: dict[int, SimpleNamespace] = {}  # cells with candidates on the list: their list review is due

    def add(row, code: str, due: date, *, always: bool = False, **more) -> None:
        overdue, soon = clock.state(due)
        if overdue or soon or always:
            items.append(DueItem(row.id, row.full_name, row.cell_id, row.name, LABELS[code], due, overdue, soon,
                                 code, **more))

    for row in _rows(scope):
        resolution, decision = _as_date(row.cell_resolution), _as_date(row.decision)
        if row.status is CandidateStatus.DU_BI:
            if row.recog_decision is None and row.admitted_on is not None:
                admitted = _as_date(row.admitted_on)
                end = probation_end(admitted)
                add(row, RECOGNITION, recognition_due(admitted),
                    always=(end - today).days <= remind_days, sponsor_id=row.sponsor_id, probation_end=end)
            continue
        cell = cells.setdefault(row.cell_id, SimpleNamespace(id=row.cell_id, path=row.path, name=row.name,
                                                             since=_as_date(row.listed_on)))
        cell.since = min(cell.since, _as_date(row.listed_on))
        if resolution is None:
            application = _as_date(row.application)
            if application is not None:
                add(row, STALE, stale_on(application))
        elif decision is None:
            add(row, DECISION, decision_due(resolution, bool(row.decision_extended)))
        elif row.ceremony is None:
            add(row, CEREMONY, ceremony_due(decision))
    items.extend(_reviews(scope, cells, clock))
    return sorted(items, key=lambda i: (not i.overdue, i.due_on, i.cell_name, i.full_name))


def _reviews(scope, cells: dict[int, SimpleNamespace], clock: _Clock) -> list[DueItem]:
    """Each cell's list review: due REVIEW_MONTHS after the last one (or after its oldest candidate joined the
    list, when it was never reviewed) — only for the cells the scope manages (a sponsor is not told)."""
    if isinstance(scope, Access):
        cells = {cid: cell for cid, cell in cells.items() if can_manage_candidates(scope, cell)}
    if not cells:
        return []
    last = dict(db.session.execute(select(CandidateReview.cell_id, func.max(CandidateReview.reviewed_on))
                                   .where(CandidateReview.cell_id.in_(list(cells)))
                                   .group_by(CandidateReview.cell_id)).all())
    months = relativedelta(months=steps.setting("ADMISSION_REVIEW_MONTHS"))
    items = []
    for cell in cells.values():
        reviewed = _as_date(last.get(cell.id))
        due = (reviewed or cell.since) + months
        overdue, soon = clock.state(due)
        if overdue or soon:
            items.append(DueItem(None, "", cell.id, cell.name, LABELS[REVIEW], due, overdue, soon, REVIEW))
    return items


@dataclass
class CellDue:
    cell_id: int
    cell_name: str
    items: list[DueItem]

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)

    @property
    def soon(self) -> int:
        return sum(1 for i in self.items if not i.overdue)


def by_cell(items: list[DueItem]) -> list[CellDue]:
    """The items grouped by cell, the cells with most overdue first (a committee's rollup)."""
    groups: dict[int, CellDue] = {}
    for item in items:
        groups.setdefault(item.cell_id, CellDue(item.cell_id, item.cell_name, [])).items.append(item)
    return sorted(groups.values(), key=lambda g: (-g.overdue, -len(g.items), g.cell_name))
