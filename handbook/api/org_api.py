"""The organisation tree, within the caller's scope."""
from __future__ import annotations

import math

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import InputSchema, OutputSchema, page_field, per_page_field
from handbook.caller import current_access
from handbook.core.web import require
from handbook.extensions import db
from handbook.members.service import count_members_by_org
from handbook.org.access import can_manage_org, can_see_org
from handbook.org.history import changes_of, count_changes
from handbook.org.models import Organisation
from handbook.org.service import KIND_LABELS, UNIT_TYPE_LABELS
from handbook.structure.labels import CHANGE_LABELS, describe
from handbook.structure.pages import children_page

blp = Blueprint("api_org", __name__, url_prefix="/api/v1", description="Tổ chức đảng")


class OrgBrief(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    member_count = fields.Integer()


class OrgOut(OrgBrief):
    parent_id = fields.Integer(allow_none=True)
    code = fields.String(allow_none=True)
    unit_type = fields.String(allow_none=True, metadata={"description": "Loại hình: dan_cu, co_quan, su_nghiep, "
                              "doanh_nghiep, quan_doi, cong_an, khac; null: chưa ghi"})
    unit_type_label = fields.String(allow_none=True)
    dissolved_on = fields.Date(allow_none=True)
    can_manage = fields.Boolean()
    children = fields.List(fields.Nested(OrgBrief))  # one page of the live organisations directly under it, by name
    page = fields.Integer()
    per_page = fields.Integer()
    total_children = fields.Integer()
    pages = fields.Integer()


class PageArgs(InputSchema):
    page = page_field()
    per_page = per_page_field(50, 200)


class ChangeOut(OutputSchema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    on = fields.Date()
    decision_number = fields.String(allow_none=True)
    signer = fields.String(allow_none=True)
    summary = fields.String()
    details = fields.Dict()


class ChangePage(OutputSchema):
    items = fields.List(fields.Nested(ChangeOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


def _brief(org: Organisation, counts: dict[int, int]) -> dict:
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind.value,
        "kind_label": str(KIND_LABELS[org.kind]),
        "member_count": counts.get(org.id, 0),
    }


def _visible(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    require(org is not None and can_see_org(current_access(), org))
    return org


@blp.route("/organisations/<int:org_id>")
@login_required  # before the query is read: 401, not 422, for the anonymous
@blp.arguments(PageArgs, location="query")
@blp.response(200, OrgOut)
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
def get_organisation(args, org_id: int):
    """Một tổ chức đảng và một trang các tổ chức trực thuộc (`?page`, `?per_page` tối đa 200)."""
    org = _visible(org_id)
    page, per_page = args["page"], args["per_page"]
    subs, total = children_page(org, page, per_page)
    counts = count_members_by_org([org.id] + [o.id for o in subs])
    return {
        **_brief(org, counts),
        "parent_id": org.parent_id,
        "code": org.code,
        "unit_type": org.unit_type.value if org.unit_type else None,
        "unit_type_label": str(UNIT_TYPE_LABELS[org.unit_type]) if org.unit_type else None,
        "dissolved_on": org.dissolved_on,
        "can_manage": can_manage_org(current_access(), org),
        "children": [_brief(o, counts) for o in subs],
        "page": page, "per_page": per_page, "total_children": total,
        "pages": math.ceil(total / per_page) if total else 0,
    }


@blp.route("/organisations/<int:org_id>/changes")
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, ChangePage)
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi quản lý của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
def list_changes(args, org_id: int):
    """Lịch sử của một tổ chức đảng (thành lập, đổi tên, chuyển cấp trên, hợp nhất, chia tách, giải thể), mới nhất
    trước, kèm số quyết định và người ký; chỉ cho người quản lý tổ chức."""
    org = _visible(org_id)
    require(can_manage_org(current_access(), org))
    page, per_page = args["page"], args["per_page"]
    total = count_changes(org.id)
    items = [{"id": c.id, "kind": c.kind.value, "kind_label": str(CHANGE_LABELS[c.kind]), "on": c.on,
              "decision_number": c.decision_number, "signer": c.signer, "summary": describe(c),
              "details": c.details or {}} for c in changes_of(org.id, per_page, (page - 1) * per_page)]
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": math.ceil(total / per_page) if total else 0}
