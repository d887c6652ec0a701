"""The set-up checklist on the home page of an administrator or committee staff while their deployment (or their
scope) is still being set up: the organisation tree, the members, the positions, the activation codes — each with
its count and a link. One statement of a few COUNTs, only for those who see it (never on a member's page)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.members.models import ACTIVE_STATUSES, Member
from handbook.org.access import Access, can_restructure_any, managed_orgs_clause
from handbook.org.models import CELL_KINDS, Organisation, Position, Role


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    detail: str  #: the count, in words
    done: bool
    endpoint: str


def sees_checklist(access: Access) -> bool:
    """Those who can carry the set-up out: administrators, and a committee's bí thư and staff (who restructure and
    import below their committee); no query. A cell's leaders and a committee's other members do not see it
    (its steps would lead them to pages they may not use)."""
    return can_restructure_any(access)


def counts(access: Access) -> dict[str, int]:
    """The figures of the checklist in the caller's scope, in one statement of scalar subqueries: cells, members
    still in a cell, cells with a bí thư, members with an account, members without one who could get a code (a
    phone or e-mail)."""
    live_cells = (Organisation.kind.in_(CELL_KINDS), Organisation.dissolved_on.is_(None), managed_orgs_clause(access))
    cells = select(Organisation.id).where(*live_cells)
    in_scope = [Member.status.in_(ACTIVE_STATUSES)] + ([] if access.is_admin else [Member.cell_id.in_(cells)])

    def count(column, *where):
        return select(func.count(column)).where(*where).scalar_subquery()

    row = db.session.execute(select(
        count(Organisation.id, *live_cells).label("cells"),
        count(Member.id, *in_scope).label("members"),
        count(func.distinct(Position.organisation_id), Position.role == Role.BI_THU,
              Position.organisation_id.in_(cells)).label("led"),
        count(Member.id, *in_scope, Member.user_id.is_not(None)).label("accounts"),
        count(Member.id, *in_scope, Member.user_id.is_(None),
              or_(Member.phone.is_not(None), Member.email.is_not(None))).label("waiting"),
    )).one()
    return dict(row._mapping)


def steps(access: Access) -> list[Step]:
    """The four steps, each with its count and whether it is done."""
    n = counts(access)
    return [
        Step("tree", str(_l("Tạo hoặc nhập cây tổ chức đảng")), str(_l("%(n)d chi bộ", n=n["cells"])),
             n["cells"] > 0, "treeio.import_form"),
        Step("members", str(_l("Nhập danh sách đảng viên")), str(_l("%(n)d đảng viên", n=n["members"])),
             n["members"] > 0, "members_manage.import_form"),
        Step("positions", str(_l("Giao chức vụ bí thư chi bộ")),
             str(_l("%(led)d/%(cells)d chi bộ đã có bí thư", led=n["led"], cells=n["cells"])),
             n["cells"] > 0 and n["led"] >= n["cells"], "treeio.import_form"),  # its "Bí thư" column
        Step("codes", str(_l("Cấp mã kích hoạt tài khoản")),
             str(_l("%(accounts)d đảng viên đã có tài khoản, %(waiting)d đang chờ mã", accounts=n["accounts"],
                    waiting=n["waiting"])),
             n["members"] > 0 and n["waiting"] == 0, "members.directory"),
    ]


def checklist_for(access: Access) -> list[Step] | None:
    """The checklist while some step is not done, for those who see it; None otherwise."""
    if not sees_checklist(access):
        return None
    found = steps(access)
    return None if all(step.done for step in found) else found

