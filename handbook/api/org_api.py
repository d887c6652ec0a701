"""The organisation tree, within the caller's scope."""
from __future__ import annotations

from flask_login import login_required
from flask_smorest import Blueprint
from marshmallow import fields

from handbook.api.fields import OutputSchema
from handbook.caller import current_access
from handbook.core.web import require
from handbook.extensions import db
from handbook.members.service import count_members_by_org
from handbook.org.access import can_manage_org, can_see_org
from handbook.org.models import Organisation
from handbook.org.service import KIND_LABELS, children

blp = Blueprint("api_org", __name__, url_prefix="/api/v1", description="Tổ chức đảng")


class OrgBrief(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    member_count = fields.Integer()


class OrgOut(OrgBrief):
    parent_id = fields.Integer(allow_none=True)
    can_manage = fields.Boolean()
    children = fields.List(fields.Nested(OrgBrief))


def _brief(org: Organisation, counts: dict[int, int]) -> dict:
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind.value,
        "kind_label": str(KIND_LABELS[org.kind]),
        "member_count": counts.get(org.id, 0),
    }


@blp.route("/organisations/<int:org_id>")
@blp.response(200, OrgOut)
@blp.alt_response(404, description="Không có, hoặc ngoài phạm vi của người gọi")
@blp.doc(security=[{"bearerAuth": []}, {"sessionCookie": []}])
@login_required
def get_organisation(org_id: int):
    """Một tổ chức đảng và các tổ chức trực thuộc."""
    org = db.session.get(Organisation, org_id)
    access = current_access()
    require(org is not None and can_see_org(access, org))
    subs = children(org)
    counts = count_members_by_org([org.id] + [o.id for o in subs])
    return {
        **_brief(org, counts),
        "parent_id": org.parent_id,
        "can_manage": can_manage_org(access, org),
        "children": [_brief(o, counts) for o in subs],
    }
