"""Members in the JSON API, scoped exactly like the pages: the card (name, position, phone) for members of
the same cell, the full record for the member themself and for those who manage the cell."""
from __future__ import annotations

import math

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import InputSchema, OutputSchema, page_field, per_page_field
from handbook.audit import service as audit
from handbook.caller import current_access, current_actor
from handbook.core.web import require
from handbook.extensions import db
from handbook.members import service
from handbook.members.labels import GENDER_LABELS, OCCUPATION_GROUP_LABELS, STATUS_LABELS
from handbook.org.access import can_manage_org, can_see_org, can_view_member, can_view_member_card
from handbook.org.models import Organisation

blp = Blueprint("api_members", __name__, url_prefix="/api/v1", description="Đảng viên")

FULL_FIELDS = ("birth_name", "ethnicity", "religion", "hometown", "residence", "cccd", "email", "education",
               "qualification", "political_theory", "foreign_language", "occupation", "card_number",
               "dossier_number")


class MemberOut(OutputSchema):
    id = fields.Integer()
    view = fields.String(metadata={"description": "card: tên, chức vụ, điện thoại; full: toàn bộ hồ sơ"})
    full_name = fields.String()
    title = fields.String()
    phone = fields.String(allow_none=True)
    organisation_id = fields.Integer()
    group_id = fields.Integer(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    gender = fields.String(allow_none=True)
    gender_label = fields.String(allow_none=True)
    admission_date = fields.Date(allow_none=True)
    official_date = fields.Date(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    birth_name = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    religion = fields.String(allow_none=True)
    hometown = fields.String(allow_none=True)
    residence = fields.String(allow_none=True)
    cccd = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    qualification = fields.String(allow_none=True)
    political_theory = fields.String(allow_none=True)
    foreign_language = fields.String(allow_none=True)
    occupation = fields.String(allow_none=True)
    occupation_group = fields.String(allow_none=True, metadata={"description": "nhóm nghề nghiệp (mã); null: chưa "
                                                                               "phân loại"})
    occupation_group_label = fields.String(allow_none=True)
    card_number = fields.String(allow_none=True)
    dossier_number = fields.String(allow_none=True)


class MemberPage(OutputSchema):
    items = fields.List(fields.Nested(MemberOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class PageArgs(InputSchema):
    page = page_field()
    per_page = per_page_field(50, 200)


def member_json(member, title: str, full: bool) -> dict:
    data = {"id": member.id, "view": "full" if full else "card", "full_name": member.full_name, "title": title,
            "phone": member.phone, "organisation_id": member.cell_id}
    if full:
        data.update(
            group_id=member.group_id, birth_date=member.birth_date,
            gender=member.gender.value if member.gender else None,
            gender_label=str(GENDER_LABELS[member.gender]) if member.gender else None,
            admission_date=member.admission_date, official_date=member.official_date,
            status=member.status.value, status_label=str(STATUS_LABELS[member.status]),
            **{name: getattr(member, name) for name in FULL_FIELDS},
            occupation_group=member.occupation_group.value if member.occupation_group else None,
            occupation_group_label=(str(OCCUPATION_GROUP_LABELS[member.occupation_group])
                                    if member.occupation_group else None),
        )
    return data


@blp.route("/members/<int:member_id>")
@blp.response(200, MemberOut)
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
@login_required
def get_member(member_id: int):
    """Một đảng viên: thẻ (cùng chi bộ) hoặc toàn bộ hồ sơ (bản thân, cấp ủy quản lý)."""
    member = service.get_member(member_id)
    access = current_access()
    require(member is not None and can_view_member_card(access, member))
    full = can_view_member(access, member)
    if full and access.member_id != member.id:
        audit.record("member.view", current_actor(), target_type="member", target_id=member.id, source="api")
        db.session.commit()
    return member_json(member, service.cell_title(member), full)


@blp.route("/organisations/<int:org_id>/members")
@login_required  # before the body is read: 401, not 422, for the anonymous
@blp.arguments(PageArgs, location="query")
@blp.response(200, MemberPage)
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
def list_members(args, org_id: int):
    """Đảng viên của một chi bộ (theo thứ tự tên tiếng Việt), có phân trang."""
    org = db.session.get(Organisation, org_id)
    access = current_access()
    require(org is not None and can_see_org(access, org))
    full = can_manage_org(access, org)
    page, per_page = args["page"], args["per_page"]
    entries, total = service.org_member_page(org, page, per_page, active_only=not full, scope=access)
    if full:  # full records, many at once: who read them is audited like an export
        audit.record("members.export", current_actor(), target_type="organisation", target_id=org.id,
                     count=len(entries), format="api")
        db.session.commit()
    return {
        "items": [member_json(e.member, e.title, full) for e in entries],
        "page": page, "per_page": per_page, "total": total, "pages": math.ceil(total / per_page) if total else 0,
    }
