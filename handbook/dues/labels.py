"""The dues feature's words: categories, methods, reliefs, and why a month's amount is what it is."""
from __future__ import annotations

from handbook.core.i18n import lazy_gettext as _l
from handbook.dues.models import Category, Method, ReliefKind
from handbook.dues.rules import Status

CATEGORY_LABELS = {
    Category.WAGE: _l("Hưởng lương (1 % tiền lương đóng bảo hiểm xã hội)"),
    Category.BENEFIT: _l("Đang hưởng trợ cấp ốm đau, thai sản (1 % trợ cấp)"),
    Category.PENSION: _l("Hưởng lương hưu (0,5 % lương hưu)"),
    Category.STUDENT: _l("Học sinh, sinh viên (5.000 đ)"),
    Category.OTHER: _l("Không có bảo hiểm xã hội, lương hưu (theo lương tối thiểu vùng)"),
}
METHOD_LABELS = {
    Method.CASH: _l("Tiền mặt"),
    Method.PORTAL: _l("Cổng Dịch vụ công quốc gia"),
}
RELIEF_LABELS = {
    ReliefKind.POOR: _l("Miễn: hộ nghèo, hộ cận nghèo"),
    ReliefKind.ILLNESS: _l("Miễn: ốm đau hiểm nghèo"),
    ReliefKind.SOCIAL_PENSION: _l("Miễn: hưởng trợ cấp hưu trí xã hội"),
    ReliefKind.REDUCTION: _l("Giảm đảng phí"),
}
STATUS_LABELS = {
    Status.BEFORE_RULE: _l("Trước 02/2026: theo quy định cũ"),
    Status.NO_PROFILE: _l("Chưa đặt mức đóng"),
    Status.NO_REGION: _l("Chưa đặt vùng"),
    Status.EXEMPT: _l("Được miễn"),
    Status.FIFTY_YEARS: _l("Miễn: 50 năm tuổi Đảng"),
}
REGION_LABELS = {1: _l("Vùng I"), 2: _l("Vùng II"), 3: _l("Vùng III"), 4: _l("Vùng IV")}
