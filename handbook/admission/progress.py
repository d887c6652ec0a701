"""Where a candidate's file stands on a day: the stage reached, the next steps, the deadlines running (with their
overdue and due-soon flags) and the warnings. Pure: reads only the candidate and its loaded steps."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from handbook.admission import steps
from handbook.admission.models import Candidate, CandidateStatus, StepStatus
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import to_local


@dataclass(frozen=True)
class Deadline:
    code: str  #: the step due ("decision", "ceremony")
    label: str
    due_on: date
    overdue: bool
    soon: bool


@dataclass
class Progress:
    stage: str
    next_steps: list[steps.Step] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    age_months: int = 0

    @property
    def overdue(self) -> bool:
        return any(d.overdue for d in self.deadlines)

    @property
    def soon(self) -> bool:
        return any(d.soon for d in self.deadlines)


def _deadline(code: str, label: str, due: date, today: date) -> Deadline:
    return Deadline(code, label, due, *steps.due_state(due, today))


def progress(candidate: Candidate, today: date) -> Progress:
    rows = {row.step: row for row in candidate.steps}
    done = [code for code in steps.ORDER if code in rows and rows[code].status is StepStatus.XONG]
    if candidate.status is CandidateStatus.DUNG:
        stage = _("Đã dừng xem xét")
    elif done:
        stage = str(steps.BY_CODE[done[-1]].label)
    else:
        stage = _("Mới vào danh sách, chưa có bước nào")
    result = Progress(stage=stage, age_months=steps.age_in_months(candidate.birth_date, today))
    phase = {CandidateStatus.DANG_XET: steps.ADMISSION, CandidateStatus.DU_BI: steps.RECOGNITION}.get(
        candidate.status)
    if phase is None:
        return result
    result.next_steps = [step for step in steps.phase_steps(phase) if not step.optional and step.code not in done][:3]

    if candidate.status is CandidateStatus.DANG_XET:
        resolution, decision = candidate.done_on("cell_resolution"), candidate.done_on("decision")
        if resolution is not None and decision is None:
            result.deadlines.append(_deadline("decision", _("Quyết định kết nạp"),
                                              steps.decision_due(resolution, candidate.decision_extended), today))
        if decision is not None and candidate.done_on("ceremony") is None:
            result.deadlines.append(_deadline("ceremony", _("Lễ kết nạp"), steps.ceremony_due(decision), today))
        if resolution is None:
            created = to_local(candidate.created_at).date() if candidate.created_at else today
            start = candidate.done_on("application") or created
            stale = steps.setting("ADMISSION_STALE_MONTHS")
            if start + relativedelta(months=stale) < today:
                result.warnings.append(_("Hồ sơ quá %(n)d tháng chưa được chi bộ xét: cần làm lại một số thủ tục.",
                                         n=stale))
            awareness = candidate.done_on("awareness")
            valid = steps.setting("ADMISSION_AWARENESS_VALID_MONTHS")
            if awareness is not None and awareness + relativedelta(months=valid) < today:
                result.warnings.append(_("Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (ngày %(day)s) đã quá "
                                         "%(n)d tháng; đề nghị cho học lại.", day=awareness.strftime("%d/%m/%Y"),
                                         n=valid))
            if result.age_months < steps.MIN_AGE_MONTHS:
                result.warnings.append(_("Chưa đủ 18 tuổi (tính theo tháng)."))
            elif result.age_months > steps.MAX_AGE_MONTHS:
                result.warnings.append(_("Quá 60 tuổi (tính theo tháng): việc kết nạp cần được cấp ủy cấp tỉnh đồng "
                                         "ý."))
    return result
