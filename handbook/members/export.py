"""An organisation's member list for the quarterly reconciliation: Excel (the member list book's columns)
and the rows for the printable HTML list."""
from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import and_, select

from handbook.core.timeutil import format_date
from handbook.extensions import db
from handbook.members.collation import name_sort_key
from handbook.members.labels import GENDER_LABELS, OCCUPATION_GROUP_LABELS, STATUS_LABELS
from handbook.members.models import ACTIVE_STATUSES, Member
from handbook.members.service import CELL_TITLES, TITLE_RANK
from handbook.org.access import Access, managed_org_ids
from handbook.org.models import Organisation, Position

COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo", "Quê quán", "Ngày vào Đảng",
           "Ngày chính thức", "Số thẻ", "Chức vụ", "Trình độ (GDPT / chuyên môn / LLCT)", "Chi bộ", "Trạng thái",
           "Nhóm nghề nghiệp"]


@dataclass
class ExportRow:
    number: int
    member: Member
    cell_name: str
    title: str

    @property
    def education(self) -> str:
        m = self.member
        return " / ".join(x or "—" for x in (m.education, m.qualification, m.political_theory))


def member_rows(org: Organisation, scope: Access) -> list[ExportRow]:
    """Active members of `org` and every organisation below it that `scope` manages (a position over a committee
    alone does not reach the cells below it): three queries, cell by cell, Vietnamese order."""
    found = db.session.execute(
        select(Member, Organisation.name)
        .join(Organisation, Organisation.id == Member.cell_id)
        .where(and_(Organisation.path >= org.path, Organisation.path < org.path[:-1] + "0"),
               Member.status.in_(ACTIVE_STATUSES), Member.cell_id.in_(managed_org_ids(scope)))
    ).all()
    user_ids = {m.user_id for m, _n in found if m.user_id}
    roles: dict[tuple[int, int], object] = {}
    if user_ids:
        for user_id, org_id, role in db.session.execute(
            select(Position.user_id, Position.organisation_id, Position.role).where(Position.user_id.in_(user_ids))
        ):
            key = (user_id, org_id)
            if role in TITLE_RANK and (key not in roles or TITLE_RANK[role] < TITLE_RANK[roles[key]]):
                roles[key] = role
    with force_locale("vi"):
        default = "Đảng viên"
        rows = [(cell_name, m, str(CELL_TITLES[roles[(m.user_id, m.cell_id)]])
                 if (m.user_id, m.cell_id) in roles else default) for m, cell_name in found]
    rows.sort(key=lambda r: (name_sort_key(r[0]), name_sort_key(r[1].full_name)))
    return [ExportRow(i, m, cell_name, title) for i, (cell_name, m, title) in enumerate(rows, start=1)]


def workbook(org: Organisation, rows: list[ExportRow]) -> bytes:
    from openpyxl import Workbook  # imported here: a web worker that never exports does not carry it (~20 MiB)

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách đảng viên")
    sheet.append([f"DANH SÁCH ĐẢNG VIÊN — {org.name}"])
    sheet.append([])
    sheet.append(COLUMNS)
    with force_locale("vi"):
        for row in rows:
            m = row.member
            sheet.append([
                row.number, m.full_name, format_date(m.birth_date), str(GENDER_LABELS.get(m.gender, "")),
                m.ethnicity or "", m.religion or "", m.hometown or "", format_date(m.admission_date),
                format_date(m.official_date), m.card_number or "", row.title, row.education, row.cell_name,
                str(STATUS_LABELS[m.status]),
                str(OCCUPATION_GROUP_LABELS[m.occupation_group]) if m.occupation_group else "",
            ])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

