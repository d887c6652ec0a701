"""The tree as an Excel sheet (the import's columns, parents first) and the empty template with its guide."""
from __future__ import annotations

import io

from sqlalchemy import select

from handbook.auth.models import User
from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.org.access import Access, managed_orgs_clause
from handbook.org.codes import missing_codes_count
from handbook.org.models import Organisation, Position, Role
from handbook.treeio.columns import COLUMNS, UNIT_TYPE_LIST, kind_label, unit_type_label

BATCH = 1000
MISSING_CODES = _l("Còn %(n)d tổ chức chưa có mã nên tệp xuất ra sẽ không nhập lại được (cột Mã là bắt buộc). Quản "
                   "trị viên hãy đặt mã cho các tổ chức này bằng lệnh “flask org assign-codes” (mã của cấp trên và "
                   "số thứ tự, ví dụ DN-01-03), rồi xuất lại.")


class MissingCodes(ValueError):
    """Organisations in the export's scope have no code: the file could not be imported again."""


def tree_rows(access: Access):
    """(code, name, kind label, parent's code, the bí thư's login, unit type label) of every live organisation
    `access` manages, parents first (by path depth), read in batches."""
    parent = Organisation.__table__.alias("parent")
    query = (select(Organisation.id, Organisation.code, Organisation.name, Organisation.kind, parent.c.code,
                    Organisation.unit_type)
             .outerjoin(parent, parent.c.id == Organisation.parent_id)
             .where(managed_orgs_clause(access), Organisation.dissolved_on.is_(None))
             .order_by(Organisation.depth, Organisation.path))
    rows = db.session.execute(query.execution_options(yield_per=BATCH))
    for chunk in rows.partitions(BATCH):
        ids = [row[0] for row in chunk]
        secretaries: dict[int, str] = {}
        for org_id, email, phone in db.session.execute(
                select(Position.organisation_id, User.email, User.phone).join(User, User.id == Position.user_id)
                .where(Position.organisation_id.in_(ids), Position.role == Role.BI_THU).order_by(Position.id)):
            secretaries.setdefault(org_id, email or phone or "")
        for org_id, code, name, kind, parent_code, unit_type in chunk:
            yield (code or "", name, kind_label(kind), parent_code or "", secretaries.get(org_id, ""),
                   unit_type_label(unit_type))


def tree_workbook(access: Access) -> tuple[bytes, int]:
    """The workbook and how many organisations it holds; MissingCodes if any of them has no code (older data)."""
    from openpyxl import Workbook

    missing = missing_codes_count(managed_orgs_clause(access))
    if missing:
        raise MissingCodes(str(MISSING_CODES) % {"n": missing})
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cây tổ chức")
    sheet.append(list(COLUMNS))
    count = 0
    for row in tree_rows(access):
        sheet.append([_safe(value) for value in row])
        count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def _safe(value):
    return "'" + value if isinstance(value, str) and value.startswith("=") else value


def template_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Cây tổ chức"
    sheet.append(list(COLUMNS))
    for row in (("DBT", "Đảng bộ tỉnh Mẫu", "Đảng bộ tỉnh", "", "", ""),
                ("P01", "Đảng bộ phường Một", "Đảng bộ xã/phường", "DBT", "", ""),
                ("P01-KP1", "Chi bộ Khu phố 1", "Chi bộ", "P01", "0901234567", "Khu dân cư")):
        sheet.append(list(row))
    for letter, width in zip("ABCDEF", (14, 36, 22, 14, 30, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    guide = book.create_sheet("Hướng dẫn")
    for line in (
        ("Cột", "Cách nhập"),
        ("Mã", "Bắt buộc, không trùng: mã riêng của tổ chức (giữ nguyên mã để đổi tên hoặc chuyển cấp trên)."),
        ("Tên", "Bắt buộc: tên đầy đủ, có dấu."),
        ("Loại", "Một trong: Đảng bộ tỉnh, Đảng bộ xã/phường, Đảng bộ cơ sở, Chi bộ cơ sở, Đảng bộ bộ phận, "
                 "Chi bộ, Tổ đảng."),
        ("Mã cấp trên", "Mã của tổ chức cấp trên (trong tệp này hoặc đã có); để trống với tổ chức cao nhất. "
                        "Tổ chức cấp trên có thể ở dòng sau."),
        ("Bí thư (e-mail hoặc điện thoại)", "Không bắt buộc: tài khoản đã có sẽ được giao chức vụ bí thư."),
        ("Loại hình", "Không bắt buộc: một trong " + UNIT_TYPE_LIST + ". Chi bộ nơi làm việc (không phải khu dân "
                      "cư) có đảng viên đủ tuổi nghỉ hưu sẽ vào danh sách cấp ủy xem xét. Để trống: giữ như cũ."),
        (),
        ("Nhập lại cùng một tệp không thay đổi gì. Đổi tên hoặc mã cấp trên của một mã đã có là đổi tên hoặc "
         "chuyển tổ chức (được ghi vào lịch sử).",),
    ):
        guide.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
