"""Readable organisation codes ("Mã"): the top organisation's abbreviation (Đảng bộ tỉnh Bắc Ninh → BN), and
below it the parent's code and a number among its siblings (BN-01, BN-01-03…). Used by the demo seed and by
`flask org assign-codes`, which gives a code to every organisation that has none (older data), so the tree's
Excel export can be imported again."""
from __future__ import annotations

import unicodedata

from sqlalchemy import select, update

from handbook.extensions import db
from handbook.org.models import Organisation

# Words of a name that say what kind of organisation it is, not which one.
KIND_WORDS = {"đảng", "bộ", "chi", "cơ", "sở", "tỉnh", "thành", "phố", "xã", "phường", "đặc", "khu", "tổ", "phận"}
MAX_LENGTH = 40  # Organisation.code


def fold(text: str) -> str:
    """ASCII capitals without diacritics (Đ → D)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).upper()


def abbreviation(name: str) -> str:
    """The initials of the words that name the organisation: "Đảng bộ Thành phố Đà Nẵng" → "DN"."""
    words = [w for w in name.split() if w.casefold() not in KIND_WORDS]
    initials = fold("".join(w[0] for w in words if w[0].isalnum()))
    return initials[:8] or "TC"


def child_code(parent_code: str, number: int) -> str:
    return f"{parent_code}-{number:02d}"


def unique(code: str, taken: set[str]) -> str:
    """`code`, or `code` with a letter after it (A, B, …, then a number) if another organisation has it."""
    candidate, n = code[:MAX_LENGTH], 0
    while candidate in taken:
        n += 1
        suffix = chr(ord("A") + n - 1) if n <= 26 else str(n)
        candidate = f"{code[:MAX_LENGTH - len(suffix)]}{suffix}"
    taken.add(candidate)
    return candidate


def missing_codes_count(where=None) -> int:
    """How many live organisations (within `where`, an SQL clause, if given) have no code."""
    query = select(db.func.count(Organisation.id)).where(Organisation.code.is_(None),
                                                         Organisation.dissolved_on.is_(None))
    if where is not None:
        query = query.where(where)
    return db.session.scalar(query) or 0


def assign_missing_codes(batch: int = 1000) -> int:
    """Give every organisation without a code one (parents first: the top ones their abbreviation, the others their
    parent's code and the next free number among its children); no commit. How many got one. Reads id, parent, name
    and code of every organisation once (a tree of tens of thousands is a few megabytes)."""
    rows = db.session.execute(select(Organisation.id, Organisation.parent_id, Organisation.name, Organisation.code)
                              .order_by(Organisation.depth, Organisation.id)).all()
    taken = {code for *_rest, code in rows if code}
    codes = {org_id: code for org_id, _parent, _name, code in rows}
    next_number: dict[int | None, int] = {}
    changes = []
    for org_id, parent_id, name, code in rows:
        if code:
            continue
        parent_code = codes.get(parent_id) if parent_id else None
        if parent_code:
            next_number[parent_id] = next_number.get(parent_id, 0) + 1
            while child_code(parent_code, next_number[parent_id]) in taken:
                next_number[parent_id] += 1
            code = unique(child_code(parent_code, next_number[parent_id]), taken)
        else:
            code = unique(abbreviation(name), taken)
        codes[org_id] = code
        changes.append({"id": org_id, "code": code})
    for start in range(0, len(changes), batch):
        db.session.execute(update(Organisation), changes[start:start + batch])
    return len(changes)
