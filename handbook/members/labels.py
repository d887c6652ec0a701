"""Vietnamese labels for member enums."""
from handbook.core.i18n import lazy_gettext as _l
from handbook.members.models import Gender, MemberStatus

STATUS_LABELS = {
    MemberStatus.DU_BI: _l("Dự bị"),
    MemberStatus.CHINH_THUC: _l("Chính thức"),
    MemberStatus.MIEN_SINH_HOAT: _l("Miễn công tác và sinh hoạt đảng"),
    MemberStatus.TAM_MIEN: _l("Tạm miễn sinh hoạt"),
    MemberStatus.CHUYEN_DI: _l("Đã chuyển đi"),
    MemberStatus.DA_MAT: _l("Đã mất"),
    MemberStatus.RA_KHOI_DANG: _l("Ra khỏi Đảng"),
}

GENDER_LABELS = {Gender.NAM: _l("Nam"), Gender.NU: _l("Nữ")}
