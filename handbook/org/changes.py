"""Changing the tree: create, rename, move, dissolve — each dated, by a decision, kept in the history.

Plain functions: they take the organisation, the decision (number and signer), the effective day `on` (default
today; never in the future, never before the organisation's latest change) and the `actor`; with `access` (the
caller's Access) they also refuse what lies outside the caller's scope. Each ends with one commit unless
`commit=False`, when an operation above them (a merge, a split: `handbook.structure`) commits once for all.
`create_organisation` only flushes, as it always has: the tree is also built by seeds and imports.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import String, func, insert, literal, select, update

from handbook.audit.service import Actor, record
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import format_date, local_today
from handbook.extensions import db
from handbook.org.access import Access, can_place_under, can_restructure, in_subtree
from handbook.org.history import (
    NO_DECISION,
    Decision,
    add_change,
    close_version,
    last_change_day,
    next_version,
    occupancy_problems,
    start_version,
)
from handbook.org.kinds import kind_problem
from handbook.org.models import Organisation, OrgChange, OrgChangeKind, OrgKind, OrgVersion, UnitType, name_key
from handbook.org.positions import end_positions

PATH_BATCH = 500  # organisations whose path one UPDATE rewrites when a subtree moves

FUTURE = _l("Ngày hiệu lực không được ở tương lai.")
BEFORE_LAST = _l("Ngày hiệu lực không được trước thay đổi gần nhất của tổ chức (%(day)s).")
NAME_REQUIRED = _l("Vui lòng nhập tên tổ chức.")
TOO_LONG = _l("Dài quá %(n)d ký tự.")
SAME_NAME = _l("Tên mới trùng với tên hiện tại.")
CODE_TAKEN = _l("Mã tổ chức này đã được dùng cho tổ chức khác.")
DISSOLVED = _l("Tổ chức này đã giải thể.")
PARENT_DISSOLVED = _l("Tổ chức cấp trên đã giải thể.")
OUTSIDE = _l("Tổ chức này nằm ngoài phạm vi đồng chí được quản lý.")
CYCLE = _l("Không thể chuyển một tổ chức vào chính nó hoặc tổ chức trực thuộc nó.")
SAME_PARENT = _l("Tổ chức đã trực thuộc tổ chức cấp trên này.")
HAS_CHILDREN = _l("Còn tổ chức trực thuộc: hãy chuyển hoặc giải thể các tổ chức đó trước.")


class OrgError(ValueError):
    """A change of the tree that cannot go through; the message is Vietnamese, for the form or the API."""


def _day(on: date | None, today: date | None) -> date:
    today = today or local_today()
    on = on or today
    if on > today:
        raise OrgError(str(FUTURE))
    return on


def not_before_history(org: Organisation, on: date) -> None:
    """A change on `on` may not come before the organisation's latest recorded change (OrgError otherwise)."""
    last = last_change_day(org.id)
    if last is not None and on < last:
        raise OrgError(str(BEFORE_LAST) % {"day": format_date(last)})


def _name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise OrgError(str(NAME_REQUIRED))
    if len(name) > 200:
        raise OrgError(str(TOO_LONG) % {"n": 200})
    return name


def clean_decision(decision: Decision | None) -> Decision:
    """The decision's number and signer trimmed, empty as None; too long → OrgError."""
    if decision is None:
        return NO_DECISION
    number = (decision.number or "").strip() or None
    signer = " ".join((decision.signer or "").split()) or None
    if number and len(number) > 60:
        raise OrgError(str(TOO_LONG) % {"n": 60})
    if signer and len(signer) > 120:
        raise OrgError(str(TOO_LONG) % {"n": 120})
    return Decision(number, signer)


def _code(code: str | None) -> str | None:
    code = (code or "").strip() or None
    if code is None:
        return None
    if len(code) > 40:
        raise OrgError(str(TOO_LONG) % {"n": 40})
    if db.session.scalar(select(Organisation.id).where(Organisation.code == code).limit(1)) is not None:
        raise OrgError(str(CODE_TAKEN))
    return code


def _fits(kind: OrgKind, parent: Organisation | None, on: date, access: Access | None) -> None:
    if parent is not None and parent.dissolved_on is not None:
        raise OrgError(str(PARENT_DISSOLVED))
    if access is not None and (parent is None and not access.is_admin
                               or parent is not None and not can_place_under(access, parent)):
        raise OrgError(str(OUTSIDE))
    if parent is None and access is None and kind is not OrgKind.TO_DANG:
        return  # a root built by a seed, a test or an import: any kind but a tổ đảng
    problem = kind_problem(kind, parent.kind if parent else None, on)
    if problem:
        raise OrgError(problem)


def _user_id(actor: Actor | None) -> int | None:
    return actor.user_id if actor is not None else None


def create_organisation(name: str, kind: OrgKind, parent: Organisation | None = None, *, code: str | None = None,
                        decision: Decision | None = None, on: date | None = None, actor: Actor | None = None,
                        access: Access | None = None, today: date | None = None,
                        unit_type: UnitType | None = None) -> Organisation:
    """Add a node under `parent` (its kind must fit the parent's: `org.kinds`), set its materialised path, its
    first version from `on` and a "create" change; audited when an `actor` is given. Flushes, never commits."""
    on = _day(on, today)
    name, decision, code = _name(name), clean_decision(decision), _code(code)
    _fits(kind, parent, on, access)
    org = Organisation(name=name, kind=kind, parent_id=parent.id if parent else None, code=code,
                       unit_type=UnitType(unit_type) if unit_type else None)
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    org.depth = (parent.depth + 1) if parent else 0
    start_version(org, on)
    add_change(OrgChangeKind.CREATE, org, on, decision, _user_id(actor), name=name, org_kind=kind.value,
               parent_id=org.parent_id)
    if actor is not None:
        record("org.create", actor, target_type="organisation", target_id=org.id, organisation_id=org.parent_id)
    db.session.flush()
    return org


def create_checked(rows: list[tuple[str, OrgKind, str | None, int | None, str, int]], *, actor: Actor | None = None,
                   on: date | None = None, today: date | None = None) -> list[tuple[int, str, int]]:
    """Many new organisations at once, for an import that has already checked them (names clean, codes free, kinds
    fitting their parents): the rows create_organisation writes — the organisation with its path, its first version,
    a "create" change, audited — as a few statements per batch instead of several per organisation. `rows` are
    (name, kind, code, parent id, parent path, parent depth), the parent's path "" for a top one. Returns (id, path,
    depth) of each, in order. No commit. (Kept for `benchmarks/org_import.py`: 5,000 cells took 111 s one by one
    with create_organisation — two flushes and a lookup each — and take a few seconds this way.)"""
    if not rows:
        return []
    on = _day(on, today)
    ids = db.session.scalars(insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True), [
        {"name": name, "name_key": name_key(name), "kind": kind, "code": code, "parent_id": parent_id, "path": "",
         "depth": parent_depth + 1 if parent_id else 0}
        for name, kind, code, parent_id, _path, parent_depth in rows]).all()
    placed = [(org_id, f"{path or '/'}{org_id}/", depth + 1 if parent_id else 0)
              for org_id, (_n, _k, _c, parent_id, path, depth) in zip(ids, rows, strict=True)]
    db.session.execute(update(Organisation), [{"id": org_id, "path": path} for org_id, path, _d in placed])
    db.session.execute(insert(OrgVersion), [
        {"organisation_id": org_id, "name": name, "kind": kind, "parent_id": parent_id, "valid_from": on}
        for org_id, (name, kind, _c, parent_id, _p, _d) in zip(ids, rows, strict=True)])
    db.session.execute(insert(OrgChange), [
        {"kind": OrgChangeKind.CREATE, "organisation_id": org_id, "on": on, "decision_number": None, "signer": None,
         "recorded_by_id": _user_id(actor), "details": {"name": name, "org_kind": kind.value, "parent_id": parent_id}}
        for org_id, (name, kind, _c, parent_id, _p, _d) in zip(ids, rows, strict=True)])
    if actor is not None:
        for org_id, (*_rest, parent_id, _p, _d) in zip(ids, rows, strict=True):
            record("org.create", actor, target_type="organisation", target_id=org_id, organisation_id=parent_id)
    return placed


def _check_live(org: Organisation, access: Access | None, on: date) -> None:
    if org.dissolved_on is not None:
        raise OrgError(str(DISSOLVED))
    if access is not None and not can_restructure(access, org):
        raise OrgError(str(OUTSIDE))
    not_before_history(org, on)


def _end(commit: bool) -> None:
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def rename_organisation(org: Organisation, name: str, *, decision: Decision | None = None, on: date | None = None,
                        actor: Actor | None = None, access: Access | None = None, today: date | None = None,
                        commit: bool = True) -> Organisation:
    """A new name from `on` (the old one stays in the history and on everything dated before)."""
    on, name, decision = _day(on, today), _name(name), clean_decision(decision)
    _check_live(org, access, on)
    if name == org.name:
        raise OrgError(str(SAME_NAME))
    old = org.name
    org.name = name
    next_version(org, on)
    add_change(OrgChangeKind.RENAME, org, on, decision, _user_id(actor), old_name=old, new_name=name)
    record("org.rename", actor or Actor(), target_type="organisation", target_id=org.id)
    _end(commit)
    return org


def move_organisation(org: Organisation, parent: Organisation, *, decision: Decision | None = None,
                      on: date | None = None, actor: Actor | None = None, access: Access | None = None,
                      today: date | None = None, commit: bool = True) -> Organisation:
    """Place `org` (and its whole subtree) under `parent` from `on`: never under itself or below itself, the kinds
    must fit, and with `access` both ends must be within the caller's scope. The subtree's paths and depths are
    rewritten in batches of PATH_BATCH."""
    on, decision = _day(on, today), clean_decision(decision)
    _check_live(org, access, on)
    if parent.id == org.id or parent.path.startswith(org.path):
        raise OrgError(str(CYCLE))
    if parent.id == org.parent_id:
        raise OrgError(str(SAME_PARENT))
    _fits(org.kind, parent, on, access)
    not_before_history(parent, on)  # no placing under a parent on a day before its own recorded history
    old_parent_id, old_parent = org.parent_id, org.parent
    org.parent_id = parent.id
    next_version(org, on)
    add_change(OrgChangeKind.MOVE, org, on, decision, _user_id(actor), old_parent_id=old_parent_id,
               old_parent_name=old_parent.name if old_parent else None, new_parent_id=parent.id,
               new_parent_name=parent.name)
    db.session.flush()
    _rewrite_paths(org.path, f"{parent.path}{org.id}/", parent.depth + 1 - org.depth)
    record("org.move", actor or Actor(), target_type="organisation", target_id=org.id, organisation_id=parent.id,
           previous_id=old_parent_id)
    _end(commit)
    return org


def _rewrite_paths(old_prefix: str, new_prefix: str, delta: int) -> None:
    """Every organisation at or below `old_prefix` gets `new_prefix` instead, its depth moved by `delta`: ids read
    once, then one UPDATE per PATH_BATCH of them (a ward of thousands of cells never holds one long statement)."""
    ids = db.session.scalars(select(Organisation.id).where(in_subtree(Organisation.path, old_prefix))
                             .order_by(Organisation.id)).all()
    tail = func.substr(Organisation.path, len(old_prefix) + 1, type_=String)
    for start in range(0, len(ids), PATH_BATCH):
        db.session.execute(update(Organisation).where(Organisation.id.in_(ids[start:start + PATH_BATCH]))
                           .values(path=literal(new_prefix, String) + tail, depth=Organisation.depth + delta)
                           .execution_options(synchronize_session=False))
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Organisation):
            db.session.expire(obj, ["path", "depth"])


def dissolve_organisation(org: Organisation, *, decision: Decision | None = None, on: date | None = None,
                          actor: Actor | None = None, access: Access | None = None, today: date | None = None,
                          commit: bool = True, into: Organisation | None = None) -> Organisation:
    """The organisation ceases from `on`: refused while anything lives in it (organisations under it, members —
    the features say what: `history.register_occupancy`). Its positions end (audited); its history, meetings and
    votes stay attached to it. `into`: the organisation it was merged into, kept in the change."""
    on, decision = _day(on, today), clean_decision(decision)
    _check_live(org, access, on)
    live_children = select(Organisation.id).where(Organisation.parent_id == org.id,
                                                  Organisation.dissolved_on.is_(None)).limit(1)
    if db.session.scalar(live_children) is not None:
        raise OrgError(str(HAS_CHILDREN))
    problems = occupancy_problems(org)
    if problems:
        raise OrgError(problems[0])
    org.dissolved_on = on
    close_version(org, on)
    add_change(OrgChangeKind.DISSOLVE, org, on, decision, _user_id(actor),
               **({"into_id": into.id, "into_name": into.name} if into is not None else {}))
    end_positions(org, actor or Actor(), reason="dissolve")
    record("org.dissolve", actor or Actor(), target_type="organisation", target_id=org.id,
           organisation_id=into.id if into is not None else None)
    _end(commit)
    return org


def set_unit_type(org: Organisation, unit_type: UnitType | None, *, actor: Actor | None = None,
                  access: Access | None = None, commit: bool = True) -> bool:
    """Say where `org`'s members work or live (None: not stated). Not a dated change of the tree: it describes the
    organisation as it is (the periodic review of retired members reads it). False when it was already so."""
    if org.dissolved_on is not None:
        raise OrgError(str(DISSOLVED))
    if access is not None and not can_restructure(access, org):
        raise OrgError(str(OUTSIDE))
    unit_type = UnitType(unit_type) if unit_type else None
    if org.unit_type == unit_type:
        return False
    org.unit_type = unit_type
    record("org.unit_type", actor or Actor(), target_type="organisation", target_id=org.id)
    _end(commit)
    return True
