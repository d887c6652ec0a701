"""Vietnamese labels for the admission feature's enums (forms, pages and the API's *_label fields)."""
from wtforms.fields.choices import SelectChoice

from handbook.admission.models import (
    CandidateStatus,
    GeneralEducation,
    ProfessionalLevel,
    Source,
    StepStatus,
)
from handbook.core.forms import select_choices
from handbook.core.i18n import lazy_gettext as _l
from handbook.members.labels import OCCUPATION_GROUP_LABELS  # noqa: F401 (the admission forms' choices)

GENERAL_EDUCATION_LABELS = {
    GeneralEducation.TIEU_HOC: _l("Tiểu học (dưới trung học cơ sở)"),
    GeneralEducation.THCS: _l("Trung học cơ sở (9/12)"),
    GeneralEducation.THPT: _l("Trung học phổ thông (12/12)"),
}

PROFESSIONAL_LEVEL_LABELS = {
    ProfessionalLevel.KHONG: _l("Chưa qua đào tạo"),
    ProfessionalLevel.SO_CAP: _l("Sơ cấp"),
    ProfessionalLevel.TRUNG_CAP: _l("Trung cấp"),
    ProfessionalLevel.CAO_DANG: _l("Cao đẳng"),
    ProfessionalLevel.DAI_HOC: _l("Đại học"),
    ProfessionalLevel.THAC_SI: _l("Thạc sĩ"),
    ProfessionalLevel.TIEN_SI: _l("Tiến sĩ"),
}

SOURCE_LABELS = {
    Source.DOAN_THANH_NIEN: _l("Đoàn Thanh niên"),
    Source.HOI_PHU_NU: _l("Hội Liên hiệp Phụ nữ"),
    Source.CONG_DOAN: _l("Công đoàn"),
    Source.HOI_NONG_DAN: _l("Hội Nông dân"),
    Source.HOI_CUU_CHIEN_BINH: _l("Hội Cựu chiến binh"),
    Source.HOI_SINH_VIEN: _l("Hội Sinh viên"),
    Source.KHAC: _l("Khác"),
}

CANDIDATE_STATUS_LABELS = {
    CandidateStatus.DANG_XET: _l("Đang bồi dưỡng, xét kết nạp"),
    CandidateStatus.DU_BI: _l("Đảng viên dự bị"),
    CandidateStatus.CHINH_THUC: _l("Đã là đảng viên chính thức"),
    CandidateStatus.KHONG_CONG_NHAN: _l("Không được công nhận chính thức"),
    CandidateStatus.DUNG: _l("Đã dừng xem xét"),
}

STEP_STATUS_LABELS = {
    StepStatus.CHUA: _l("Chưa làm"),
    StepStatus.DANG_LAM: _l("Đang làm"),
    StepStatus.XONG: _l("Đã xong"),
    StepStatus.KHONG_DAT: _l("Không đạt"),
}


def choices(labels: dict, *, blank: bool = False) -> list[SelectChoice]:
    """A SelectField's choices from labels, in their order (with `blank`, a first empty "—")."""
    return select_choices(pairs(labels, blank=blank))


def pairs(labels: dict, *, blank: bool = False) -> list[tuple[str, object]]:
    return ([("", "—")] if blank else []) + [(getattr(key, "value", key), label) for key, label in labels.items()]
