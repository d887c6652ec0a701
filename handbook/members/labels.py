"""Vietnamese labels for member enums and for the fields of a record's change history."""
from handbook.core.i18n import lazy_gettext as _l
from handbook.members.models import Gender, MemberStatus, OccupationGroup
from handbook.members.validation import FIELDS

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

OCCUPATION_GROUP_LABELS = {
    OccupationGroup.CONG_NHAN: _l("Công nhân"),
    OccupationGroup.NONG_DAN: _l("Nông dân"),
    OccupationGroup.CONG_CHUC: _l("Cán bộ, công chức"),
    OccupationGroup.VIEN_CHUC: _l("Viên chức"),
    OccupationGroup.DN_NHA_NUOC: _l("Người lao động doanh nghiệp nhà nước"),
    OccupationGroup.DN_TU_NHAN: _l("Người lao động doanh nghiệp tư nhân"),
    OccupationGroup.DN_FDI: _l("Người lao động doanh nghiệp có vốn đầu tư nước ngoài"),
    OccupationGroup.HOC_SINH_SINH_VIEN: _l("Học sinh, sinh viên"),
    OccupationGroup.LUC_LUONG_VU_TRANG: _l("Lực lượng vũ trang"),
    OccupationGroup.HUU_TRI: _l("Hưu trí"),
    OccupationGroup.KHAC: _l("Khác"),
}

#: MemberChange.field → heading: the record's fields, and the events the history also keeps
CHANGE_FIELD_LABELS = {
    **{name: label for name, (label, _n) in FIELDS.items()},
    "status": _l("Trạng thái"),
    "photo_file": _l("Ảnh chân dung"),
    "temporary_cell_id": _l("Sinh hoạt tạm thời"),
    "cell_id": _l("Chi bộ"),
    "merge": _l("Gộp hồ sơ trùng"),
    "not_duplicate": _l("Không trùng với hồ sơ"),
}


def change_value(field: str, value: str | None) -> str | None:
    """A stored old or new value of the change history in words: 'chinh_thuc (19/05/2020)' → 'Chính thức
    (19/05/2020)', 'nu' → 'Nữ', a photo's file name → 'Có ảnh'; other values as they are."""
    if not value:
        return value
    if field == "status":
        code, _sep, rest = value.partition(" ")
        if code in MemberStatus._value2member_map_:
            return " ".join(filter(None, (str(STATUS_LABELS[MemberStatus(code)]), rest)))
    elif field == "gender" and value in Gender._value2member_map_:
        return str(GENDER_LABELS[Gender(value)])
    elif field == "occupation_group" and value in OccupationGroup._value2member_map_:
        return str(OCCUPATION_GROUP_LABELS[OccupationGroup(value)])
    elif field == "photo_file":
        return str(_l("Có ảnh"))
    return value
