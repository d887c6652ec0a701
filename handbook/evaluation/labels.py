"""The evaluation's codes in words."""
from __future__ import annotations

from handbook.core.i18n import lazy_gettext as _l
from handbook.evaluation.models import AssessmentStatus, FormKind, Level

LEVEL_LABELS = {
    Level.XUAT_SAC: _l("Hoàn thành xuất sắc nhiệm vụ"),
    Level.TOT: _l("Hoàn thành tốt nhiệm vụ"),
    Level.HOAN_THANH: _l("Hoàn thành nhiệm vụ"),
    Level.KHONG_HOAN_THANH: _l("Không hoàn thành nhiệm vụ"),
}
FORM_LABELS = {
    FormKind.A: _l("Mẫu 2A — cá nhân giữ chức vụ lãnh đạo, quản lý"),
    FormKind.B: _l("Mẫu 2B — cá nhân không giữ chức vụ lãnh đạo, quản lý"),
    FormKind.C: _l("Mẫu 2C — đảng viên không làm việc trong hệ thống chính trị"),
}
STATUS_LABELS = {
    AssessmentStatus.DRAFT: _l("Đang soạn"),
    AssessmentStatus.SUBMITTED: _l("Đã nộp"),
}
SECTION_LABELS = {
    "politics": _l("Phẩm chất chính trị, tư tưởng"),
    "ethics": _l("Đạo đức, lối sống; thực hiện trách nhiệm nêu gương"),
    "discipline": _l("Ý thức tổ chức kỷ luật; tự phê bình và phê bình"),
    "tasks": _l("Kết quả thực hiện chức trách, nhiệm vụ được giao (có sản phẩm cụ thể)"),
    "leadership": _l("Năng lực lãnh đạo, quản lý; kết quả của địa phương, cơ quan, đơn vị phụ trách"),
    "party_tasks": _l("Thực hiện nhiệm vụ đảng viên; nhiệm vụ chi bộ phân công"),
    "residence": _l("Thực hiện nghĩa vụ công dân và quy định nơi cư trú"),
    "shortcomings": _l("Hạn chế, khuyết điểm và nguyên nhân"),
    "remedies": _l("Kết quả khắc phục hạn chế đã chỉ ra; phương hướng, biện pháp khắc phục"),
}
