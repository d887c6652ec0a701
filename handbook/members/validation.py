"""Checking and normalising a member's record — the one place used by the forms, the import and the API.

`clean_record(raw)` takes what a person typed or a spreadsheet cell held (strings, numbers, dates) and
returns normalised values plus a list of `Problem`s with Vietnamese messages. Uniqueness against the
database is `find_conflicts`, run in bulk so an import of 10,000 rows costs a handful of queries.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import literal, select

from handbook.auth.identifiers import IdentifierError, normalise_email, normalise_phone
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.inputs import strip_controls
from handbook.core.timeutil import local_today
from handbook.extensions import db
from handbook.members.models import Gender, Member, MemberStatus, OccupationGroup
from handbook.org.access import managed_org_ids
from handbook.org.models import Organisation

# field → (Vietnamese heading, max length); the order is the import template's column order.
FIELDS: dict[str, tuple[Any, int]] = {
    "full_name": (_l("Họ và tên"), 120),
    "birth_name": (_l("Họ tên khai sinh"), 120),
    "birth_date": (_l("Ngày sinh"), 0),
    "gender": (_l("Giới tính"), 0),
    "ethnicity": (_l("Dân tộc"), 40),
    "religion": (_l("Tôn giáo"), 40),
    "hometown": (_l("Quê quán"), 200),
    "residence": (_l("Nơi cư trú"), 200),
    "cccd": (_l("Số CCCD"), 0),  # exactly 12 digits, checked below
    "phone": (_l("Điện thoại"), 0),
    "email": (_l("E-mail"), 254),
    "education": (_l("Giáo dục phổ thông"), 40),
    "qualification": (_l("Chuyên môn"), 120),
    "political_theory": (_l("Lý luận chính trị"), 40),
    "foreign_language": (_l("Ngoại ngữ"), 60),
    "occupation": (_l("Nghề nghiệp"), 120),
    "occupation_group": (_l("Nhóm nghề nghiệp"), 0),  # one of OCCUPATION_GROUP_LABELS, typed or chosen
    "admission_date": (_l("Ngày vào Đảng"), 0),
    "official_date": (_l("Ngày chính thức"), 0),
    "official_reason": (_l("Lý do chính thức khác 12 tháng"), 255),
    "card_number": (_l("Số thẻ đảng viên"), 20),
    "dossier_number": (_l("Số lý lịch"), 20),
}
REQUIRED = ("full_name", "birth_date", "admission_date")
DATE_FIELDS = ("birth_date", "admission_date", "official_date")
CONTACT_FIELDS = ("phone", "email", "residence")  # what a member may edit on their own record
RECORD_FIELDS = tuple(f for f in FIELDS if f != "official_reason")  # columns of Member
MIN_ADMISSION_AGE = 18
PROBATION_MONTHS = 12

GENDER_WORDS = {"nam": Gender.NAM, "m": Gender.NAM, "male": Gender.NAM, "nữ": Gender.NU, "nu": Gender.NU,
                "f": Gender.NU, "female": Gender.NU}
DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
SPACES_RE = re.compile(r"\s+")
# Invisible characters (zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen): dropped, so two
# names that look the same are the same.
INVISIBLE_RE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]")
# Bidirectional controls (e.g. the right-to-left override) make a text display as something else: refused.
BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Vietnamese tone marks (grave, acute, tilde, hook, dot below): in a name key each word's tone goes to the end of
# the word, so the old and new placements compare equal ("Hoà" = "Hòa", "Thuý" = "Thúy").
TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


@dataclass
class Problem:
    field: str
    value: str
    message: str
    member_id: int | None = None  # the existing record it duplicates, when the reader may open it
    member_name: str | None = None  # that record's name (shown for it: never its id)
    outside: bool = False          # it duplicates a record outside the reader's scope (not named)
    conflict: bool = False         # a uniqueness check refused it: the value is already on record somewhere

    @property
    def heading(self) -> str:
        return str(FIELDS[self.field][0]) if self.field in FIELDS else self.field


@dataclass
class Cleaned:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, name: str, raw: Any, message) -> None:
        self.problems.append(Problem(name, shown(raw), str(message)))


def nfc(text: str) -> str:
    """NFC without invisible or control characters, runs of white space collapsed: what is stored and compared."""
    text = INVISIBLE_RE.sub("", strip_controls(text))
    return SPACES_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _word_key(word: str) -> str:
    letters = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in letters if ch not in TONES) + "".join(ch for ch in letters if ch in TONES)


def name_key(name: str | None) -> str:
    """For comparing names (Python only: SQLite's lower() folds ASCII letters only): case-folded the Vietnamese
    way ("TRẦN" = "Trần", "Đ" = "đ") but keeping every diacritic ("Trần" ≠ "Tran"), whatever the Unicode form,
    the spacing, the tone mark's placement and any invisible or direction characters."""
    text = nfc(BIDI_RE.sub("", name or "")).casefold()
    return " ".join(_word_key(word) for word in text.split(" "))


def folded(text: str) -> str:
    """Without diacritics, case or doubled spaces ("Cán bộ,  CÔNG chức" = "can bo, cong chuc"): for matching a typed
    label against a list of labels."""
    letters = unicodedata.normalize("NFD", nfc(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in letters if not unicodedata.combining(ch)).casefold()


def occupation_group_of(text: str) -> OccupationGroup | None:
    """The group a label names (as in OCCUPATION_GROUP_LABELS, diacritics- and case-insensitive) or its code
    ("cong_nhan"); None when it names none."""
    from handbook.members.labels import OCCUPATION_GROUP_LABELS  # labels imports this module

    if text in OccupationGroup._value2member_map_:
        return OccupationGroup(text)
    key = folded(text)
    with force_locale("vi"):  # a file's cells are in Vietnamese whatever the reader's language
        for group, label in OCCUPATION_GROUP_LABELS.items():
            if folded(str(label)) == key:
                return group
    return None


def shown(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return raw.strftime("%d/%m/%Y")
    return str(raw)[:80]


def parse_date(raw: Any) -> date | None:
    """Excel date cells, dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd; ValueError otherwise."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        from openpyxl.utils.datetime import from_excel  # a date cell stored without its date format

        value = from_excel(raw)
        if isinstance(value, datetime) and 1900 < value.year < 2200:
            return value.date()
        raise ValueError(raw)
    text = nfc(str(raw))
    if match := DATE_RE.match(text):
        day, month, year = (int(x) for x in match.groups())
        return date(year, month, day)
    if match := ISO_RE.match(text):
        year, month, day = (int(x) for x in match.groups())
        return date(year, month, day)
    raise ValueError(raw)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:  # 29/02 etc.
        return day.replace(year=year, month=month, day=28)


def _text(result: Cleaned, name: str, raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a number typed into a text column (e.g. a card number)
    text = nfc(str(raw))
    if BIDI_RE.search(text):
        result.add(name, raw, _l("Có ký tự ẩn điều khiển hướng chữ (có thể làm chữ hiển thị sai thứ tự); hãy gõ lại "
                                 "nội dung này."))
        return None
    if text.startswith("="):
        result.add(name, raw, _l("Ô chứa công thức; hãy nhập giá trị, không nhập công thức."))
        return None
    limit = FIELDS[name][1]
    if limit and len(text) > limit:
        result.add(name, raw, _l("Dài quá %(n)d ký tự.", n=limit))
        return None
    return text or None


def clean_record(raw: dict[str, Any], *, today: date | None = None, partial: bool = False) -> Cleaned:
    """Check and normalise the fields present in `raw`. With `partial`, missing required fields are fine
    (a member editing only their contact details)."""
    today = today or local_today()
    result = Cleaned()
    for name in FIELDS:
        if name not in raw:
            continue
        value = raw[name]
        if name in DATE_FIELDS:
            if isinstance(value, str) and value.strip().startswith("="):
                result.add(name, value, _l("Ô chứa công thức; hãy nhập giá trị, không nhập công thức."))
                continue
            try:
                parsed = parse_date(value)
            except ValueError:
                result.add(name, value, _l("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 19/05/1990."))
                continue
            if parsed and parsed > today:
                result.add(name, value, _l("Ngày không được ở tương lai."))
                continue
            result.values[name] = parsed
            continue
        text = _text(result, name, value)
        if text is None:
            if name not in {p.field for p in result.problems}:
                result.values[name] = None
            continue
        if name == "cccd":
            digits = re.sub(r"[\s.]", "", text)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and len(digits) < 12:
                digits = digits.zfill(12)  # a number cell drops the leading zeros of "001…"
            if not re.fullmatch(r"\d{12}", digits):
                result.add(name, value, _l("Số CCCD phải gồm đúng 12 chữ số."))
                continue
            text = digits
        elif name == "phone":
            try:
                text = normalise_phone(text)
            except IdentifierError:
                result.add(name, value, _l("Số điện thoại không hợp lệ (ví dụ 0901 234 567 hoặc +84 901 234 567)."))
                continue
        elif name == "email":
            try:
                text = normalise_email(text)
            except IdentifierError:
                result.add(name, value, _l("Địa chỉ e-mail không hợp lệ."))
                continue
        elif name == "gender":
            gender = GENDER_WORDS.get(text.casefold())
            if gender is None:
                result.add(name, value, _l("Giới tính phải là “Nam” hoặc “Nữ”."))
                continue
            text = gender
        elif name == "occupation_group":
            group = occupation_group_of(text)
            if group is None:
                result.add(name, value, _l("Nhóm nghề nghiệp không có trong danh sách (ví dụ: Công nhân, Nông dân, "
                                           "Cán bộ, công chức, Hưu trí, Khác)."))
                continue
            text = group
        elif name == "card_number":
            text = text.replace(" ", "")
        result.values[name] = text
    for name in REQUIRED:
        if partial and name not in raw:
            continue
        if result.values.get(name) is None and name not in {p.field for p in result.problems}:
            result.add(name, raw.get(name), _l("Không được để trống."))
    _check_dates(result)
    return result


def _check_dates(result: Cleaned) -> None:
    values, failed = result.values, {p.field for p in result.problems}
    birth, admitted, official = values.get("birth_date"), values.get("admission_date"), values.get("official_date")
    if birth and admitted and "admission_date" not in failed and _add_months(birth, 12 * MIN_ADMISSION_AGE) > admitted:
        result.add("admission_date", admitted, _l("Tuổi khi vào Đảng phải từ %(n)d trở lên.", n=MIN_ADMISSION_AGE))
    if official and "official_date" not in failed:
        if not admitted:
            if "admission_date" not in failed and "admission_date" in values:
                result.add("official_date", official, _l("Có ngày chính thức thì phải có ngày vào Đảng."))
        elif official <= admitted:
            result.add("official_date", official, _l("Ngày chính thức phải sau ngày vào Đảng."))
        elif official != _add_months(admitted, PROBATION_MONTHS) and not values.get("official_reason"):
            result.add("official_date", official, _l(
                "Ngày chính thức thường là đúng 12 tháng sau ngày vào Đảng (%(d)s); "
                "nếu khác, hãy ghi lý do.", d=_add_months(admitted, PROBATION_MONTHS).strftime("%d/%m/%Y")))


def status_for(values: dict[str, Any]) -> MemberStatus:
    return MemberStatus.CHINH_THUC if values.get("official_date") else MemberStatus.DU_BI


OUTSIDE_SCOPE = _l("Trùng với một hồ sơ đã có ngoài phạm vi quản lý của đồng chí — liên hệ cấp ủy cấp trên.")


def _in_scope_column(scope):
    """Whether each matched record is one `scope` manages (a column of the lookup; always true without a scope)."""
    if scope is None:
        return literal(True)

    return Member.cell_id.in_(managed_org_ids(scope))


def find_conflicts(rows: list[dict[str, Any]], exclude_id: int | None = None, *,
                   scope=None) -> dict[int, list[Problem]]:
    """Against the database: same CCCD, same card number, same name + birth date. Keys are row indexes.

    With `scope` (the caller's `Access`), a record outside what the caller manages is reported with one
    neutral message naming neither the record, its id nor its cell (`Problem.outside`); one inside may be
    linked (`Problem.member_id`). Without it (the command line) every match names the record.
    Runs one query per kind per 500 rows, whatever the number of members already stored.
    """
    found: dict[int, list[Problem]] = {}
    in_scope = _in_scope_column(scope)

    def add(index: int, name: str, value: Any, message, member_id: int, member_name: str, visible: bool) -> None:
        if visible:
            problem = Problem(name, shown(value), str(message), member_id=member_id if scope is not None else None,
                              member_name=member_name, conflict=True)
        else:
            problem = Problem(name, shown(value), str(OUTSIDE_SCOPE), outside=True, conflict=True)
        found.setdefault(index, []).append(problem)

    def lookup(column_values: dict[Any, list[int]], column, name: str, message) -> None:
        keys = list(column_values)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            query = select(column, Member.id, Member.full_name, in_scope).where(column.in_(chunk))
            if exclude_id:
                query = query.where(Member.id != exclude_id)
            for value, member_id, member_name, visible in db.session.execute(query):
                for index in column_values.get(value, []):
                    add(index, name, value, message, member_id, member_name, bool(visible))

    for name, column, message in (
        ("cccd", Member.cccd, _l("Số CCCD đã có trong cơ sở dữ liệu.")),
        ("card_number", Member.card_number, _l("Số thẻ đảng viên đã có trong cơ sở dữ liệu.")),
    ):
        wanted: dict[Any, list[int]] = {}
        for index, row in enumerate(rows):
            if row.get(name):
                wanted.setdefault(row[name], []).append(index)
        lookup(wanted, column, name, message)

    # Same name and birth date: SQL finds the records born on those days, name_key compares the names (neither
    # database folds Vietnamese case the same way, and SQLite's lower() not at all).
    pairs: dict[tuple[str, date], list[int]] = {}
    for index, row in enumerate(rows):
        if row.get("full_name") and row.get("birth_date"):
            pairs.setdefault((name_key(row["full_name"]), row["birth_date"]), []).append(index)
    births = sorted({birth for _key, birth in pairs})
    for start in range(0, len(births), 500):
        chunk = births[start:start + 500]
        query = (select(Member.full_name, Member.birth_date, Member.id, Organisation.name, in_scope)
                 .join(Organisation, Organisation.id == Member.cell_id).where(Member.birth_date.in_(chunk)))
        if exclude_id:
            query = query.where(Member.id != exclude_id)
        for full_name, birth, member_id, cell_name, visible in db.session.execute(query):
            for index in pairs.get((name_key(full_name), birth), []):
                add(index, "full_name", full_name, _l(
                    "Trùng họ tên và ngày sinh với đồng chí %(name)s đã có ở %(cell)s.", name=full_name,
                    cell=cell_name), member_id, full_name, bool(visible))
    return found


def find_duplicates_within(rows: list[dict[str, Any]], seen: dict[int, int] | None = None
                           ) -> dict[int, list[Problem]]:
    """Inside one file: a later row repeating an earlier one's CCCD, card number or name + birth date.

    Pass the same `seen` dict for successive chunks of one file."""
    found: dict[int, list[Problem]] = {}
    seen = {} if seen is None else seen
    for index, row in enumerate(rows):
        keys = []
        if row.get("cccd"):
            keys.append(("cccd", row["cccd"]))
        if row.get("card_number"):
            keys.append(("card_number", row["card_number"]))
        if row.get("full_name") and row.get("birth_date"):
            keys.append(("full_name", name_key(row["full_name"]), row["birth_date"]))
        for key in keys:
            # Keys are kept as 64-bit hashes: a 100,000-row file then costs tens of MB, not hundreds.
            digest = hash(key)
            if digest in seen:
                found.setdefault(index, []).append(
                    Problem(key[0], shown(row.get(key[0])), _within_message(key[0], seen[digest])))
            else:
                seen[digest] = row.get("_row", index)
    return found


def _within_message(kind: str, row: int) -> str:
    if kind == "cccd":
        return str(_l("Trùng số CCCD với dòng %(row)d trong tệp.", row=row))
    if kind == "card_number":
        return str(_l("Trùng số thẻ đảng viên với dòng %(row)d trong tệp.", row=row))
    return str(_l("Trùng họ tên và ngày sinh với dòng %(row)d trong tệp.", row=row))
