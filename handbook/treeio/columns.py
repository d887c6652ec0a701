"""The tree's Excel sheet: its columns and the Vietnamese kind labels, matched forgivingly (case, spacing and,
as a bonus, diacritics: "chi bo co so" is "Chi bộ cơ sở")."""
from __future__ import annotations

from handbook.core.fold import fold as core_fold
from handbook.org.models import OrgKind, UnitType

CODE, NAME, KIND, PARENT, SECRETARY = "Mã", "Tên", "Loại", "Mã cấp trên", "Bí thư (e-mail hoặc điện thoại)"
UNIT_TYPE = "Loại hình"
COLUMNS = (CODE, NAME, KIND, PARENT, SECRETARY, UNIT_TYPE)
REQUIRED = (CODE, NAME, KIND, PARENT)
FIELD_OF = {CODE: "code", NAME: "name", KIND: "kind", PARENT: "parent", SECRETARY: "secretary",
            UNIT_TYPE: "unit_type"}

#: the labels a file uses for each kind (the first is what an export writes)
KIND_NAMES: dict[OrgKind, tuple[str, ...]] = {
    OrgKind.DANG_BO_TINH: ("Đảng bộ tỉnh", "Đảng bộ thành phố", "Đảng bộ tỉnh/thành phố"),
    OrgKind.DANG_BO_HUYEN: ("Đảng bộ huyện",),
    OrgKind.DANG_BO_XA: ("Đảng bộ xã/phường", "Đảng bộ xã", "Đảng bộ phường", "Đảng bộ đặc khu"),
    OrgKind.DANG_BO_CO_SO: ("Đảng bộ cơ sở",),
    OrgKind.CHI_BO_CO_SO: ("Chi bộ cơ sở",),
    OrgKind.DANG_BO_BO_PHAN: ("Đảng bộ bộ phận",),
    OrgKind.CHI_BO: ("Chi bộ",),
    OrgKind.TO_DANG: ("Tổ đảng",),
}

#: the labels a file uses for each unit type (the first is what an export writes; optional column)
UNIT_TYPE_NAMES: dict[UnitType, tuple[str, ...]] = {
    UnitType.DAN_CU: ("Khu dân cư", "Dân cư", "Tổ dân phố", "Thôn"),
    UnitType.CO_QUAN: ("Cơ quan",),
    UnitType.SU_NGHIEP: ("Đơn vị sự nghiệp", "Sự nghiệp"),
    UnitType.DOANH_NGHIEP: ("Doanh nghiệp",),
    UnitType.QUAN_DOI: ("Quân đội",),
    UnitType.CONG_AN: ("Công an",),
    UnitType.KHAC: ("Khác",),
}
UNIT_TYPE_LIST = ", ".join(labels[0] for labels in UNIT_TYPE_NAMES.values())


def fold(text: object) -> str:
    """What people type, for matching: core.fold's letters and digits (no diacritics, đ → d, lower case), single
    spaces ("Đảng bộ xã / phường *" → "dang bo xa phuong")."""
    return " ".join(core_fold(str(text or "")).split())


_KINDS = {fold(label): kind for kind, labels in KIND_NAMES.items() for label in labels}
_UNIT_TYPES = {fold(label): unit_type for unit_type, labels in UNIT_TYPE_NAMES.items() for label in labels}
_HEADINGS = {fold(heading): heading for heading in COLUMNS}
_HEADINGS.update({fold("Bí thư"): SECRETARY, fold("Mã tổ chức"): CODE, fold("Tên tổ chức"): NAME,
                  fold("Loại tổ chức"): KIND})


def kind_of(label: object) -> OrgKind | None:
    return _KINDS.get(fold(label))


def unit_type_of(label: object) -> tuple[bool, UnitType | None]:
    """(understood, unit type) of a "Loại hình" cell: empty is understood as not stated (None)."""
    folded = fold(label)
    if not folded:
        return True, None
    found = _UNIT_TYPES.get(folded)
    return found is not None, found


def unit_type_label(unit_type: UnitType | None) -> str:
    return UNIT_TYPE_NAMES[unit_type][0] if unit_type else ""


def kind_label(kind: OrgKind) -> str:
    return KIND_NAMES[kind][0]


def heading_of(text: object) -> str | None:
    """The column a heading names, or None."""
    return _HEADINGS.get(fold(text))
