"""Vietnamese labels for meeting enums."""
from handbook.core.i18n import lazy_gettext as _l
from handbook.meetings.models import AttendanceStatus, MeetingFormat, MeetingKind, MeetingStatus

KIND_LABELS = {
    MeetingKind.THUONG_KY: _l("Thường kỳ"),
    MeetingKind.CHUYEN_DE: _l("Chuyên đề"),
    MeetingKind.BAT_THUONG: _l("Bất thường"),
    MeetingKind.CHI_UY: _l("Họp chi ủy"),
}
FORMAT_LABELS = {
    MeetingFormat.TRUC_TIEP: _l("Trực tiếp"),
    MeetingFormat.TRUC_TUYEN: _l("Trực tuyến"),
    MeetingFormat.KET_HOP: _l("Kết hợp trực tiếp và trực tuyến"),
}
STATUS_LABELS = {
    MeetingStatus.SCHEDULED: _l("Đã lên lịch"),
    MeetingStatus.HELD: _l("Đã họp"),
    MeetingStatus.CANCELLED: _l("Đã hủy"),
}
ATTENDANCE_LABELS = {
    AttendanceStatus.CO_MAT: _l("Có mặt"),
    AttendanceStatus.VANG_CO_LY_DO: _l("Vắng có lý do"),
    AttendanceStatus.VANG_KHONG_LY_DO: _l("Vắng không lý do"),
    AttendanceStatus.MIEN: _l("Miễn sinh hoạt"),
}
COMMITTEE_LABELS = {
    "missing": _l("Chưa có lịch"),
    "scheduled": _l("Đã lên lịch"),
    "held": _l("Đã họp, có biên bản và điểm danh"),
    "held_incomplete": _l("Đã họp, thiếu biên bản hoặc điểm danh"),
}

#: what meeting templates expect in their context
TEMPLATE_LABELS = {"kind_labels": KIND_LABELS, "format_labels": FORMAT_LABELS, "status_labels": STATUS_LABELS,
                   "attendance_labels": ATTENDANCE_LABELS}
