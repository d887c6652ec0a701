"""The tabs above every report page: the same organisation in each report."""
from __future__ import annotations

from flask import current_app, request, url_for

from handbook.core.i18n import lazy_gettext as _l

#: endpoint → label, in the order the tabs show
TABS = (
    ("reports.index", _l("Tổng quan")),
    ("reports.composition", _l("Cơ cấu đảng viên")),
    ("reports.meetings", _l("Sinh hoạt chi bộ")),
    ("reports.attendance", _l("Dự sinh hoạt")),
    ("reports.reviews", _l("Rà soát định kỳ")),
    ("reports.reach", _l("Mức độ sử dụng")),
    ("dues.report", _l("Đảng phí")),
    ("evaluation.report", _l("Đánh giá, xếp loại")),
)


def report_tabs() -> list[tuple[str, str, bool]]:
    """(url, label, is the current page) for each report that exists, keeping `?organisation_id=`."""
    org_id = request.args.get("organisation_id", "")
    here = (request.endpoint or "").removesuffix("_print").removesuffix("_xlsx")
    args = {"organisation_id": org_id} if org_id.isdigit() else {}
    return [(url_for(endpoint, **args), str(label), endpoint == here)
            for endpoint, label in TABS if endpoint in current_app.view_functions]
