"""Reading and checking a tree file: every bad row named (row, column, value, problem) before anything is written.

The sheet is streamed with the member import's reader (`members.sheets.RowReader`: openpyxl read-only, bounded
by what is read); the rows' few fields are kept (a province is thousands of rows, not millions), the stored
organisations and accounts they name are looked up in batches. The plan says, row by row, what the import will do:
create, rename, move, or nothing — and parents come before their children, whatever the file's order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from flask import current_app
from sqlalchemy import or_, select

from handbook.auth.identifiers import IdentifierError, parse_login
from handbook.auth.models import User
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.members.importer import RowProblem
from handbook.members.models import Member
from handbook.members.sheets import ImportFileError, RowReader, open_workbook
from handbook.org.access import Access, Grant, can_manage_account, can_manage_org, can_place_under, can_restructure
from handbook.org.kinds import kind_problem
from handbook.org.models import Organisation, OrgKind, Position, Role, UnitType
from handbook.treeio.columns import (
    CODE,
    FIELD_OF,
    KIND,
    NAME,
    PARENT,
    REQUIRED,
    SECRETARY,
    UNIT_TYPE,
    UNIT_TYPE_LIST,
    heading_of,
    kind_of,
    unit_type_of,
)

BATCH = 1000
MISSING = _l("Thiếu %(col)s.")
TOO_LONG = _l("Dài quá %(n)d ký tự.")
DUPLICATE = _l("Mã này đã có ở dòng %(row)d.")
BAD_KIND = _l("Loại không hợp lệ; hãy dùng một trong: %(kinds)s.")
BAD_UNIT_TYPE = _l("Loại hình không hợp lệ; hãy dùng một trong: %(types)s (hoặc để trống).")
UNKNOWN_PARENT = _l("Không tìm thấy tổ chức cấp trên có mã này (trong tệp hoặc trong phạm vi đồng chí quản lý).")
CYCLE = _l("Vòng lặp: tổ chức này lại nằm dưới chính nó (qua các mã cấp trên).")
CODE_TAKEN = _l("Mã tổ chức này đã được dùng cho tổ chức khác.")
KIND_CHANGE = _l("Tổ chức mã này đã có với loại khác; tệp không đổi được loại của tổ chức.")
OUTSIDE = _l("Tổ chức này nằm ngoài phạm vi đồng chí được quản lý.")
TOP_ADMIN = _l("Chỉ quản trị hệ thống được thêm tổ chức cấp cao nhất; hãy ghi mã cấp trên.")
UNKNOWN_LOGIN = _l("Không có tài khoản đảng viên nào trong phạm vi đồng chí quản lý đăng nhập bằng e-mail hoặc số điện "
                   "thoại này.")
DISSOLVED = _l("Tổ chức này đã giải thể.")
MOVE_TOP = _l("Tổ chức đã có không chuyển lên cấp cao nhất được; hãy ghi mã cấp trên của nó.")
KIND_LIST = "Đảng bộ tỉnh, Đảng bộ xã/phường, Đảng bộ cơ sở, Chi bộ cơ sở, Đảng bộ bộ phận, Chi bộ, Tổ đảng"


@dataclass
class TreeRow:
    number: int
    code: str
    name: str
    kind: OrgKind | None
    parent: str  # the parent's code; "" for the top
    secretary: str  # as typed
    raw: dict[str, Any]
    unit_type: UnitType | None = None  # None: not stated (an organisation's stored one is kept)
    org_id: int | None = None  # the stored organisation of this code
    secretary_id: int | None = None
    action: set[str] = field(default_factory=set)  # create / rename / move / secretary / unit_type


@dataclass
class TreeReport:
    rows: list[TreeRow] = field(default_factory=list)  # valid rows, parents first
    problems: list[RowProblem] = field(default_factory=list)
    total: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.total > 0

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    def count(self, action: str) -> int:
        return sum(action in row.action for row in self.rows)

    @property
    def changes(self) -> int:
        return sum(bool(row.action) for row in self.rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_tree(source: IO[bytes] | str) -> tuple[RowReader, list[str]]:
    book = open_workbook(source)
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise ImportFileError(str(_l("Tệp không có trang tính nào.")))
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    header = next(sheet.iter_rows(max_row=1, max_col=50, values_only=True), None) or ()
    columns: dict[int, str] = {}
    ignored = []
    for index, text in enumerate(header):
        heading = heading_of(text)
        if heading and FIELD_OF[heading] not in columns.values():
            columns[index] = FIELD_OF[heading]
        elif text not in (None, ""):
            ignored.append(str(text))
    missing = [col for col in REQUIRED if FIELD_OF[col] not in columns.values()]
    if missing:
        book.close()
        raise ImportFileError(str(_l("Thiếu cột bắt buộc: %(cols)s. Hãy dùng tệp mẫu.", cols=", ".join(missing))))
    return RowReader(book, sheet, columns, max(columns) + 1), ignored


def _batched(values, size=BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _stored_orgs(codes) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for chunk in _batched(sorted(codes)):
        found.update({o.code: o for o in db.session.scalars(select(Organisation).where(Organisation.code.in_(chunk)))})
    return found


def _accounts(logins: dict[str, str], access: Access) -> dict[str, int]:
    """typed login → user id, for those that name an account the uploader may make a bí thư: administrators any;
    others only a member whose record they manage and whose positions they cover (`can_manage_account`). Any
    other account reads as no account at all, so the column tells nobody who has one elsewhere."""
    wanted = {}
    for typed in logins:
        try:
            wanted[typed] = parse_login(typed)[1]
        except IdentifierError:
            continue
    ids: dict[str, int] = {}
    for chunk in _batched(set(wanted.values())):
        found = db.session.execute(
            select(User.id, User.email, User.phone, User.is_admin, Organisation)
            .outerjoin(Member, Member.user_id == User.id).outerjoin(Organisation, Organisation.id == Member.cell_id)
            .where(or_(User.email.in_(chunk), User.phone.in_(chunk)))).all()
        allowed = {row.id for row in found} if access.is_admin else _manageable(found, access)
        for row in found:
            if row.id in allowed:
                ids.update({value: row.id for value in (row.email, row.phone) if value})
    return {typed: ids[value] for typed, value in wanted.items() if value in ids}


def _manageable(found, access: Access) -> set[int]:
    """The accounts among `found` (user rows with their member's cell) a non-administrator may make a bí thư."""
    candidates = {row.id for row in found
                  if not row.is_admin and row.Organisation is not None and can_manage_org(access, row.Organisation)}
    grants: dict[int, list[Grant]] = {i: [] for i in candidates}
    if candidates:
        for user_id, org_id, path, role, scope in db.session.execute(
                select(Position.user_id, Position.organisation_id, Organisation.path, Position.role, Position.scope)
                .join(Organisation, Organisation.id == Position.organisation_id)
                .where(Position.user_id.in_(sorted(candidates)))):
            grants[user_id].append(Grant(org_id, path, role, scope))
    return {i for i in candidates if can_manage_account(access, False, grants[i])}


def validate_tree(source: IO[bytes] | str, access: Access, *, today: date | None = None,
                  max_rows: int | None = None) -> TreeReport:
    """Check every row against the file and the stored tree, within `access`'s scope (admins anywhere)."""
    today = today or local_today()
    max_rows = max_rows or current_app.config["IMPORT_MAX_ROWS"]
    reader, ignored = read_tree(source)
    report = TreeReport(ignored_columns=ignored)
    rows: dict[str, TreeRow] = {}

    def bad(number: int, column: str, value: Any, message: str) -> bool:
        report.problems.append(RowProblem(number, column, _text(value), message))
        return False

    for number, raw in reader:
        report.total += 1
        if report.total > max_rows:
            raise ImportFileError(str(_l("Tệp có quá %(n)d dòng; hãy chia nhỏ.", n=max_rows)))
        row = TreeRow(number, _text(raw.get("code")), _text(raw.get("name")), kind_of(raw.get("kind")),
                      _text(raw.get("parent")), _text(raw.get("secretary")), raw)
        before = len(report.problems)
        for column, value, limit in ((CODE, row.code, 40), (NAME, row.name, 200), (PARENT, row.parent, 40)):
            if not value and column != PARENT:
                bad(number, column, value, str(MISSING) % {"col": column})
            elif len(value) > limit:
                bad(number, column, value, str(TOO_LONG) % {"n": limit})
        if row.kind is None:
            bad(number, KIND, raw.get("kind"), str(BAD_KIND) % {"kinds": KIND_LIST})
        understood, row.unit_type = unit_type_of(raw.get("unit_type"))
        if not understood:
            bad(number, UNIT_TYPE, raw.get("unit_type"), str(BAD_UNIT_TYPE) % {"types": UNIT_TYPE_LIST})
        if row.code and row.code in rows:
            bad(number, CODE, row.code, str(DUPLICATE) % {"row": rows[row.code].number})
        elif row.code:
            rows[row.code] = row
        if len(report.problems) > before:
            row.action.add("bad")
    stored = _stored_orgs(set(rows) | {r.parent for r in rows.values() if r.parent and r.parent not in rows})
    accounts = _accounts({r.secretary: r.secretary for r in rows.values() if r.secretary}, access)
    _check_rows(rows, stored, accounts, access, today, bad)
    report.problems.sort(key=lambda p: p.row)
    report.rows = _parents_first([r for r in rows.values() if "bad" not in r.action and r.number not in
                                  {p.row for p in report.problems}], rows)
    return report


def _check_rows(rows, stored, accounts, access, today, bad) -> None:
    by_id = {org.id: code for code, org in stored.items() if code in rows}
    held = _secretaries(set(accounts.values()))
    for row in rows.values():
        if "bad" not in row.action and not _check_row(row, rows, stored, accounts, held, access, today, bad):
            row.action.add("bad")
    _find_cycles(rows, stored, by_id, bad)


def _secretaries(user_ids) -> set[tuple[int, int]]:
    """(user id, organisation id) of the bí thư positions these accounts hold."""
    held: set[tuple[int, int]] = set()
    for chunk in _batched(sorted(i for i in user_ids if i)):
        held.update((user_id, org_id) for user_id, org_id in db.session.execute(
            select(Position.user_id, Position.organisation_id).where(Position.user_id.in_(chunk),
                                                                     Position.role == Role.BI_THU)))
    return held


def _check_row(row, rows, stored, accounts, held, access, today, bad) -> bool:
    """One row against the file and the stored tree; False (after naming the problem) when it is bad."""
    org = stored.get(row.code)
    parent_row = rows.get(row.parent) if row.parent else None
    parent_org = stored.get(row.parent) if row.parent else None
    moves = True
    if org is not None:
        row.org_id = org.id
        if not can_manage_org(access, org):  # first: outside the scope, dissolved or not, reads the same
            return bad(row.number, CODE, row.code, str(CODE_TAKEN))
        if org.dissolved_on is not None:
            return bad(row.number, CODE, row.code, str(DISSOLVED))
        if org.kind is not row.kind:
            return bad(row.number, KIND, row.raw.get("kind"), str(KIND_CHANGE))
        moves = (org.parent_id is not None) if not row.parent else (parent_org is None or
                                                                    parent_org.id != org.parent_id)
        if row.name != org.name:
            row.action.add("rename")
        if moves:
            row.action.add("move")
        if row.unit_type is not None and row.unit_type != org.unit_type:
            row.action.add("unit_type")
        if row.action and not can_restructure(access, org):
            return bad(row.number, CODE, row.code, str(OUTSIDE))
    else:
        row.action.add("create")
    if moves:
        if not row.parent and org is not None:
            return bad(row.number, PARENT, "", str(MOVE_TOP))
        if not row.parent:
            if not access.is_admin:
                return bad(row.number, PARENT, "", str(TOP_ADMIN))
            parent_kind = None
        elif parent_row is None and (parent_org is None or not can_manage_org(access, parent_org)):
            return bad(row.number, PARENT, row.parent, str(UNKNOWN_PARENT))
        elif parent_row is None and parent_org.dissolved_on is not None:
            return bad(row.number, PARENT, row.parent, str(DISSOLVED))
        elif parent_row is None and not can_place_under(access, parent_org):
            return bad(row.number, PARENT, row.parent, str(OUTSIDE))
        else:
            parent_kind = parent_row.kind if parent_row is not None else parent_org.kind
        problem = kind_problem(row.kind, parent_kind, today)
        if problem:
            return bad(row.number, KIND, row.raw.get("kind"), problem)
    if row.secretary:
        row.secretary_id = accounts.get(row.secretary)
        if row.secretary_id is None:
            return bad(row.number, SECRETARY, row.secretary, str(UNKNOWN_LOGIN))
        if org is None or (row.secretary_id, org.id) not in held:
            row.action.add("secretary")
    return True


def _find_cycles(rows, stored, by_id, bad) -> None:
    """Follow each row's final parent (the file's, else the stored tree's, jumping along the stored path to the
    nearest ancestor the file places again) — a row reached twice is in a cycle."""
    def parent_code(code: str) -> str | None:
        row = rows.get(code)
        if row is not None:
            if row.parent:
                return row.parent
            return None
        org = stored.get(code)
        if org is None:
            return None
        for ancestor in reversed(org.ancestor_ids):
            if ancestor in by_id:
                return by_id[ancestor]
        return None

    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    for start in rows:
        walk, code = [], start
        while code is not None and state.get(code) is None:
            state[code] = 1
            walk.append(code)
            code = parent_code(code)
        looped = code is not None and state.get(code) == 1
        for seen in walk:
            state[seen] = 2
        if looped:
            loop = walk[walk.index(code):]
            for member in loop:  # named even when the row has another problem (a kind that cannot fit)
                row = rows[member]
                row.action.add("bad")
                bad(row.number, PARENT, row.parent, str(CYCLE))


def _parents_first(valid: list[TreeRow], rows: dict[str, TreeRow]) -> list[TreeRow]:
    """The rows ordered so a parent in the file comes before its children (depth in the file's tree)."""
    depth: dict[str, int] = {}

    def level(code: str) -> int:
        chain = []
        while code in rows and code not in depth and len(chain) <= len(rows):
            chain.append(code)
            code = rows[code].parent
        base = depth.get(code, -1) if code in rows else -1
        for link in reversed(chain):
            base += 1
            depth[link] = base
        return depth.get(chain[0], base) if chain else base

    return sorted(valid, key=lambda row: (level(row.code), row.number))
