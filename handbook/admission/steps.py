"""The steps of an admission file, their forms and order, and the deadlines that follow from their dates
(docs/domain.md: Admission). Pure functions of a candidate's recorded steps and a day: no database, no request."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask import current_app

from handbook.core.i18n import lazy_gettext as _l
from handbook.core.workdays import add_working_days, working_days_between

ADMISSION, RECOGNITION = "admission", "recognition"


@dataclass(frozen=True)
class Step:
    code: str
    phase: str  #: ADMISSION (to the ceremony) or RECOGNITION (probation to official)
    label: object  # lazy text
    form: str | None = None  #: the form of the procedure manual, e.g. "1-KNĐ" (docs/domain.md: the step catalogue)
    optional: bool = False  #: not every file has it (a cell without a đảng ủy bộ phận above it…)


STEPS: tuple[Step, ...] = (
    Step("awareness", ADMISSION, _l("Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng")),
    Step("application", ADMISSION, _l("Đơn xin vào Đảng"), "1-KNĐ"),
    Step("background", ADMISSION, _l("Lý lịch của người xin vào Đảng"), "2-KNĐ"),
    Step("verification", ADMISSION, _l("Thẩm tra, xác minh lý lịch")),
    # 4-KNĐ is the Youth Union's; a trade union uses its variant 4A-KNĐ
    Step("youth_union", ADMISSION,
         _l("Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng của Ban Chấp hành Đoàn cơ sở hoặc công đoàn cơ sở"),
         "4-KNĐ", optional=True),
    Step("introducers", ADMISSION, _l("Giấy giới thiệu người vào Đảng"), "3-KNĐ"),
    # the organisations' and the residence's comments are summed up in one form (5-KNĐ; 12-KNĐ for recognition),
    # recorded on the residence step, the later of the two
    Step("org_comments", ADMISSION, _l("Ý kiến nhận xét của đoàn thể chính trị - xã hội nơi sinh hoạt")),
    Step("residence_comments", ADMISSION,
         _l("Ý kiến nhận xét của chi ủy nơi cư trú và bản tổng hợp ý kiến nhận xét"), "5-KNĐ"),
    Step("cell_resolution", ADMISSION, _l("Nghị quyết đề nghị kết nạp của chi bộ"), "6-KNĐ"),
    Step("unit_report", ADMISSION, _l("Báo cáo thẩm định của đảng ủy bộ phận"), "7-KNĐ", optional=True),
    Step("grassroots_resolution", ADMISSION, _l("Nghị quyết đề nghị kết nạp của đảng ủy cơ sở"), "8-KNĐ"),
    Step("decision", ADMISSION, _l("Quyết định kết nạp đảng viên của cấp ủy có thẩm quyền"), "9-KNĐ"),
    Step("ceremony", ADMISSION, _l("Lễ kết nạp đảng viên")),
    Step("self_review", RECOGNITION, _l("Bản tự kiểm điểm của đảng viên dự bị"), "10-KNĐ"),
    Step("sponsor_comments", RECOGNITION, _l("Bản nhận xét của đảng viên được phân công giúp đỡ"), "11-KNĐ"),
    Step("recog_org_comments", RECOGNITION, _l("Ý kiến nhận xét của đoàn thể chính trị - xã hội nơi sinh hoạt")),
    Step("recog_residence_comments", RECOGNITION,
         _l("Ý kiến nhận xét của chi ủy nơi cư trú và bản tổng hợp ý kiến nhận xét"), "12-KNĐ"),
    Step("recog_cell_resolution", RECOGNITION, _l("Nghị quyết đề nghị công nhận đảng viên chính thức của chi bộ"),
         "13-KNĐ"),
    Step("recog_unit_report", RECOGNITION, _l("Báo cáo thẩm định của đảng ủy bộ phận"), "14-KNĐ", optional=True),
    Step("recog_grassroots_resolution", RECOGNITION,
         _l("Nghị quyết đề nghị công nhận đảng viên chính thức của đảng ủy cơ sở"), "15-KNĐ"),
    Step("recog_decision", RECOGNITION, _l("Quyết định công nhận đảng viên chính thức"), "16-KNĐ"),
)
BY_CODE = {step.code: step for step in STEPS}
ORDER = {step.code: index for index, step in enumerate(STEPS)}


def phase_steps(phase: str) -> tuple[Step, ...]:
    return tuple(step for step in STEPS if step.phase == phase)


def setting(name: str) -> int:
    """An admission setting of the running app (config.py: ADMISSION_*)."""
    return int(current_app.config[name])


# --- figures of the rules (docs/domain.md: Admission) -------------------------------------------------------

MIN_AGE_MONTHS = 18 * 12
MAX_AGE_MONTHS = 60 * 12
DECISION_WORKING_DAYS = 60  # the competent committee decides within 60 working days of the cell's resolution
DECISION_EXTENSION_WORKING_DAYS = 30  # in special cases, extended by at most 30 more
CEREMONY_WORKING_DAYS = 30  # the ceremony within 30 working days of the decision
PROBATION_MONTHS = 12
RECOGNITION_WORKING_DAYS = 30  # the cell considers recognition within 30 working days of the probation's end
INTRODUCER_MONTHS = 12  # an introducer has worked or lived with the candidate for at least 12 months


def age_in_months(birth_date: date, on: date) -> int:
    """Whole months of age on `on` (the rules count age "tính theo tháng")."""
    delta = relativedelta(on, birth_date)
    return delta.years * 12 + delta.months


def months_between(start: date, end: date) -> int:
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def decision_due(cell_resolution_on: date, extended: bool) -> date:
    """The last day for the competent committee's decision."""
    days = DECISION_WORKING_DAYS + (DECISION_EXTENSION_WORKING_DAYS if extended else 0)
    return add_working_days(cell_resolution_on, days)


def ceremony_due(decision_on: date) -> date:
    """The last day for the ceremony. The rules count from the day the cell receives the decision, which is not
    recorded: counted from the decision's date, this is the earliest the due day can be."""
    return add_working_days(decision_on, CEREMONY_WORKING_DAYS)


def probation_end(admitted_on: date) -> date:
    """The day the 12 months' probation ends — the day a recognised member is official from, however late the
    decision came (29/02 → 28/02 of the next year)."""
    return admitted_on + relativedelta(months=PROBATION_MONTHS)


def recognition_due(admitted_on: date) -> date:
    """The last day for the cell to consider recognition."""
    return add_working_days(probation_end(admitted_on), RECOGNITION_WORKING_DAYS)


def due_state(due: date, today: date, soon_days: int | None = None) -> tuple[bool, bool]:
    """(overdue, soon) of a deadline on `today`: soon is within ADMISSION_SOON_WORKING_DAYS working days."""
    if due < today:
        return True, False
    if soon_days is None:
        soon_days = setting("ADMISSION_SOON_WORKING_DAYS")
    return False, working_days_between(today, due) <= soon_days
