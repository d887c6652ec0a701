"""The figures behind the composition (`reports.composition`): every figure of every organisation of a subtree on a
day — by status, gender, age, ethnicity, religion, general education, political theory, occupation group and years
of membership — and the trees of those days.

A member counts on day D in the cell of their placement valid on D, if their status on D is one of
`members.counts.ACTIVE` — as `members.counts` counts them —, and the tree is the one of day D (the versions known
that day), so a cell moved since still counts under its old committee for days before the move.

Made by the database (nothing loaded per member), kept per process under the `CountsVersion` token like
`members.counts` (any write to members' grouped fields, placements, status history or org versions replaces it):

- the trees of the day and its four quarter ends: the versions known on those days, in one statement
  (`trees_on`);
- the day: one statement over a materialised CTE of the members counted that day — the placements valid that day
  (ix_member_placements_cell_day), each one's status that day (one seek in ix_member_status_history_member_day) and
  their record (primary key) — UNION ALL of a GROUP BY per cell of every figure (a COUNT(CASE …) each) and a GROUP
  BY per value of each free-text field (ethnicity, religion, education, political theory; normalised: lower case,
  trimmed, no double spaces); the cells are added up the tree of that day in Python;
- each quarter end: MAIN's figures only (`main=True`: a narrower CTE and a third of the counts).

The scope is the organisation's subtree on that day — the cells below it then, sent as a list — unless it is the
tree's only root (the whole tree, no list): a ward's page no longer counts the city.

Measured with benchmarks/committee_reports.py's demo (`flask seed-demo --members 140000`: 9,060 organisations,
5,065 cells), a cold composition (nothing kept; min of 3), before → after:

                     SQLite: statements, time           PostgreSQL 15: statements, time
    ward (151 orgs)  12, 7.5 s → 7, 0.21 s                12, 9.8 s → 7, 0.16 s
    city             12, 8.0 s → 7, 4.9 s                 12, 13.3 s → 12, 4.1 s (5 of them set JIT off)
    kept (either)    1, 1–5 ms (unchanged)                1, 2–6 ms

The city's cost, measured per variant on SQLite (one day of the whole tree, best of 3 on a quiet machine):
every figure 1.45 s, with the free text in the same statement 1.64 s (as two statements 2.56 s: the CTE built
twice; grouped per cell and value 2.15 s, so the free text is grouped per value of the scope); MAIN's figures only
0.90 s. Most of a day is building the CTE (0.95 s: the DISTINCT over the placements with their status 0.27 s, the
rest writing 140,000 rows), not the counts: a GROUP BY (cell, category) per dimension in one UNION ALL instead of
the COUNT(CASE …) columns took 1.6–2.0 s (165,000 rows to read back), categories computed once in the CTE 1.30 s
against 1.42 s (not kept: within the noise), not materialising 2.5 s. On PostgreSQL JIT compilation took 0.56 s
of a quarter end's 1.48 s and the status was sought twice per placement: see `_active` and `_count_day`. Per-row
date arithmetic (extracting yyyymmdd) made a day 3–9 s: dates are compared with bound days instead.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, bindparam, case, func, literal, null, or_, select, union_all

from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.members.counts import ACTIVE, status_on
from handbook.members.labels import OCCUPATION_GROUP_LABELS, STATUS_LABELS
from handbook.members.models import CountsVersion, Gender, Member, MemberPlacement, MemberStatus, OccupationGroup
from handbook.org.history import first_version, valid_on
from handbook.org.models import OrgVersion

#: days whose per-organisation figures are kept per process (a page reads its day and the four quarter ends: 5)
KEPT_DAYS = 8
#: a subtree's days kept per process, per (day, organisation, main figures only or not)
KEPT_SCOPED = 64
#: the trees of a day kept per process (a list of versions: cheap to read, cheaper to keep)
KEPT_TREES = 16

#: how a religion field may say "none" (None and "" say it too)
NO_RELIGION = ("không", "khong", "không có", "không tôn giáo", "khong ton giao")
#: the years of membership a badge is given for
MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80)
#: age bands: (key, label, lowest age, highest age or None)
AGE_BANDS = (("age_30", _l("Đến 30 tuổi"), None, 30), ("age_40", _l("31–40 tuổi"), 31, 40),
             ("age_50", _l("41–50 tuổi"), 41, 50), ("age_60", _l("51–60 tuổi"), 51, 60),
             ("age_70", _l("61–70 tuổi"), 61, 70), ("age_71", _l("Trên 70 tuổi"), 71, None))
#: years of membership bands: (key, label, from years, under years or None)
YEAR_BANDS = (("years_10", _l("Dưới 10 năm"), None, 10), ("years_20", _l("Từ 10 đến dưới 20 năm"), 10, 20),
              ("years_30", _l("Từ 20 đến dưới 30 năm"), 20, 30), ("years_40", _l("Từ 30 đến dưới 40 năm"), 30, 40),
              ("years_50", _l("Từ 40 đến dưới 50 năm"), 40, 50), ("years_50p", _l("Từ 50 năm trở lên"), 50, None))
STATUSES = (MemberStatus.DU_BI, MemberStatus.CHINH_THUC, MemberStatus.MIEN_SINH_HOAT, MemberStatus.TAM_MIEN)
UNKNOWN = _l("Không rõ")

#: every fixed figure's key → label, in the order of the tables
LABELS: dict[str, object] = {
    "total": _l("Tổng số đảng viên"),
    **{f"st_{s.value}": STATUS_LABELS[s] for s in STATUSES},
    "men": _l("Nam"), "women": _l("Nữ"), "gender_unknown": _l("Không rõ giới tính"),
    **{key: label for key, label, _a, _b in AGE_BANDS}, "age_unknown": _l("Không rõ tuổi"),
    "kinh": _l("Dân tộc Kinh"), "minority": _l("Dân tộc thiểu số"), "ethnicity_unknown": _l("Không rõ dân tộc"),
    "no_religion": _l("Không theo tôn giáo"), "religious": _l("Có đạo"),
    **{f"occ_{g.value}": OCCUPATION_GROUP_LABELS[g] for g in OccupationGroup}, "occ_none": _l("Chưa phân loại"),
    **{key: label for key, label, _a, _b in YEAR_BANDS}, "years_unknown": _l("Không rõ ngày vào Đảng"),
    **{f"badge_{n}": _l("Huy hiệu %(n)d năm tuổi Đảng", n=n) for n in MILESTONES},
}
FIGURES = tuple(LABELS)
INDEX = {key: i for i, key in enumerate(FIGURES)}
#: the figures of the four-quarters table
MAIN = ("total", *(f"st_{s.value}" for s in STATUSES), "women", "minority", "religious", "age_30", "age_71",
        *(f"occ_{g.value}" for g in OccupationGroup), "occ_none", "years_50p")
#: the dimensions of fixed figures: (key, title, figure keys)
DIMENSIONS = (
    ("status", _l("Theo tình trạng đảng viên"), tuple(f"st_{s.value}" for s in STATUSES)),
    ("gender", _l("Theo giới tính"), ("men", "women", "gender_unknown")),
    ("age", _l("Theo độ tuổi"), (*(key for key, *_r in AGE_BANDS), "age_unknown")),
    ("ethnic_group", _l("Dân tộc"), ("kinh", "minority", "ethnicity_unknown")),
    ("religion_group", _l("Tôn giáo"), ("no_religion", "religious")),
    ("occupation", _l("Theo nhóm nghề nghiệp"), (*(f"occ_{g.value}" for g in OccupationGroup), "occ_none")),
    ("years", _l("Theo tuổi Đảng"), (*(key for key, *_r in YEAR_BANDS), "years_unknown")),
)
#: the free-text dimensions: (key, title, label of NULL/empty)
TEXTS = (
    ("ethnicity", _l("Theo từng dân tộc"), _l("Không rõ")),
    ("religion", _l("Theo từng tôn giáo"), _l("Không")),
    ("education", _l("Theo trình độ giáo dục phổ thông"), _l("Không rõ")),
    ("political_theory", _l("Theo trình độ lý luận chính trị"), _l("Chưa qua đào tạo")),
)

_kept: OrderedDict[tuple, Day] = OrderedDict()  #: the whole tree's days
_kept_scoped: OrderedDict[tuple, Day] = OrderedDict()  #: a subtree's days, per (day, organisation)
_kept_trees: OrderedDict[tuple, Tree] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Tree:
    """The tree of a day: the versions known that day (read only once kept)."""

    children: dict[int, list[int]]
    parents: dict[int, int | None]
    names: dict[int, str]
    roots: list[int]


@dataclass
class Day:
    """A day's figures (`keys`: every figure, or MAIN's only) of the organisations of a scope — the whole tree of the
    day, or one organisation's subtree that day —, and the scope's free text when counted (read only once kept)."""

    keys: tuple[str, ...]
    own: dict[int, tuple[int, ...]]  #: the cells' own figures
    totals: dict[int, tuple[int, ...]]  #: each organisation's own + its subtree's (in the scope)
    tree: Tree
    #: the scope's free-text fields: (normalised value or "", count), most first
    texts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def children(self) -> dict[int, list[int]]:
        return self.tree.children

    @property
    def names(self) -> dict[int, str]:
        return self.tree.names

    def values(self, org_id: int) -> dict[str, int]:
        found = self.totals.get(org_id)
        return dict(zip(self.keys, found, strict=True)) if found is not None else dict.fromkeys(self.keys, 0)


def _sum(condition):
    """COUNT(CASE WHEN … THEN 1 END): 0 without a NULL to coalesce, and cheaper than SUM(CASE … ELSE 0) on SQLite."""
    return func.count(case((condition, 1)))


def _normal(column):
    """SQL: a free-text value compared without case, outer spaces or doubled inner spaces."""
    return func.lower(func.trim(func.replace(func.replace(column, "  ", " "), "  ", " ")))


def _active(day: date, cells: list[int] | None = None):
    """The members counted on `day`: (cell_id, member_id, status) of each placement valid that day (in `cells`, when
    given: ix_member_placements_cell_day seeks them), with each member's status that day (the caller keeps the
    active ones)."""
    placement = MemberPlacement
    status = status_on(placement.member_id, day).label("status")
    query = select(placement.cell_id, placement.member_id, status).where(valid_on(placement, day))
    if cells is not None:
        query = query.where(placement.cell_id.in_(bindparam("cells", expanding=True)))
    # OFFSET 0: PostgreSQL would otherwise push the caller's filter on the status into this subquery and seek each
    # member's status twice (a quarter end of the city: 0.95 → 0.79 s); SQLite reads it as before
    return query.distinct().offset(0).subquery("placed")


def _counted(day: date, cells: list[int] | None = None, *, main: bool = False):
    """A CTE of the members counted on `day` (in `cells`, when given: the bound list "cells"): their cell, status
    that day and the fields the figures read (MAIN's only when `main`), free text normalised once per row.
    Materialised (SQLite and PostgreSQL 12+ both read `AS MATERIALIZED`): the figures refer to each column many
    times, which a merged subquery would recompute."""
    active = _active(day, cells)
    m = Member
    columns = [active.c.cell_id, active.c.status, m.gender, m.birth_date, m.admission_date, m.occupation_group,
               _normal(m.ethnicity).label("ethnicity"), _normal(m.religion).label("religion")]
    if not main:
        columns += [_normal(m.education).label("education"), _normal(m.political_theory).label("political_theory")]
    query = select(*columns).join(m, m.id == active.c.member_id).where(active.c.status.in_(ACTIVE))
    return query.cte("counted").prefix_with("MATERIALIZED")


def _figure_columns(m, day: date, keys: tuple[str, ...] = FIGURES) -> list:
    """The count of each figure of `keys` over the CTE `m` (`_counted`). Ages and years of membership compare the stored
    dates with days bound once (born on or before D − n years: n years old on D; 29/02 reaches a year on 01/03), so
    no row computes a date: the same on SQLite and PostgreSQL, and cheaper than extracting the dates' parts."""

    def years_before(n: int) -> date:
        return day - relativedelta(years=n)

    c = m.c
    conditions: dict[str, object] = {"total": literal(True)}
    for s in STATUSES:
        conditions[f"st_{s.value}"] = c.status == s.value
    conditions |= {"men": c.gender == Gender.NAM, "women": c.gender == Gender.NU, "gender_unknown": c.gender.is_(None)}
    for key, _label, low, high in AGE_BANDS:  # at least `low` years old, not yet `high` + 1
        parts = [c.birth_date.is_not(None)]
        if low is not None:
            parts.append(c.birth_date <= years_before(low))
        if high is not None:
            parts.append(c.birth_date > years_before(high + 1))
        conditions[key] = and_(*parts)
    conditions["age_unknown"] = c.birth_date.is_(None)
    conditions |= {
        "kinh": c.ethnicity == "kinh",
        "minority": and_(c.ethnicity.is_not(None), c.ethnicity != "", c.ethnicity != "kinh"),
        "ethnicity_unknown": or_(c.ethnicity.is_(None), c.ethnicity == ""),
        "no_religion": or_(c.religion.is_(None), c.religion == "", c.religion.in_(NO_RELIGION)),
        "religious": and_(c.religion.is_not(None), c.religion != "", c.religion.not_in(NO_RELIGION)),
    }
    for g in OccupationGroup:
        conditions[f"occ_{g.value}"] = c.occupation_group == g
    conditions["occ_none"] = c.occupation_group.is_(None)
    for key, _label, low, high in YEAR_BANDS:
        parts = [c.admission_date.is_not(None)]
        if low is not None:
            parts.append(c.admission_date <= years_before(low))
        if high is not None:
            parts.append(c.admission_date > years_before(high))
        conditions[key] = and_(*parts)
    conditions["years_unknown"] = c.admission_date.is_(None)
    for n in MILESTONES:  # admitted in the year that makes n years in the day's year
        conditions[f"badge_{n}"] = c.admission_date.between(date(day.year - n, 1, 1), date(day.year - n, 12, 31))
    return [_sum(conditions[key]).label(key) for key in keys]


def _read_trees(days: list[date]) -> dict[date, Tree]:
    """The trees known on each of `days`, from one statement: the versions known on any day of the span (known_on's
    condition over it), each kept for the days it is known on as `known_on` says — valid that day, or its first
    version for a day before it began (a quarter end and its day's trees: one read of 9,000 rows instead of five)."""
    version = OrgVersion
    first = first_version(version)
    rows = db.session.execute(
        select(version.organisation_id, version.parent_id, version.name, version.valid_from, version.valid_to,
               first.label("first"))
        .where(or_(version.valid_from <= max(days), first), or_(version.valid_to.is_(None),
                                                                version.valid_to > min(days)))
        .order_by(version.name, version.organisation_id)).all()
    trees = {}
    for day in days:
        children: dict[int, list[int]] = {}
        parents: dict[int, int | None] = {}
        names: dict[int, str] = {}
        for org_id, parent_id, name, valid_from, valid_to, is_first in rows:
            if (valid_from <= day or is_first) and (valid_to is None or valid_to > day):
                parents[org_id] = parent_id
                names[org_id] = name
                if parent_id is not None:
                    children.setdefault(parent_id, []).append(org_id)
        trees[day] = Tree(children, parents, names, [org for org, parent in parents.items() if parent is None])
    return trees


def _count_day(day: date, tree: Tree, scope: list[int] | None = None, *, main: bool = False) -> Day:
    """The figures on `day` of the organisations of `scope` (None: the whole tree): one statement over the members
    counted that day in those cells — a GROUP BY per cell of the figures' counts and, unless `main`, a GROUP BY per
    value of each free-text field over the whole scope, UNION ALL over the one materialised CTE."""
    keys = MAIN if main else FIGURES
    m = _counted(day, scope, main=main)
    columns = _figure_columns(m, day, keys)
    statement = select(m.c.cell_id, null().label("dim"), null().label("value"), *columns).group_by(m.c.cell_id)
    if not main:
        parts = [statement]
        for key, *_r in TEXTS:
            value = func.coalesce(m.c[key], "")
            parts.append(select(null(), literal(key), value, func.count(), *(null() for _c in columns[1:]))
                         .select_from(m).group_by(value))
        statement = union_all(*parts)
    if scope is None and db.session.get_bind().dialect.name == "postgresql":
        # the whole tree's estimate (a status seek per placement) turns JIT compilation on, which costs more than it
        # saves (0.56 s of 1.48 s), and the sorts spill to disk under the default work_mem: off for this transaction
        db.session.execute(select(func.set_config("jit", "off", True), func.set_config("work_mem", "32MB", True)))
    own: dict[int, tuple[int, ...]] = {}
    texts: dict[str, list[tuple[str, int]]] = {key: [] for key, *_r in TEXTS} if not main else {}
    for cell_id, dim, value, *figures in db.session.execute(statement, {"cells": scope} if scope is not None else {}):
        if dim is None:
            own[cell_id] = tuple(int(v) for v in figures)
        else:
            texts[dim].append((value or "", int(figures[0])))
    for rows in texts.values():
        rows.sort(key=lambda row: (-row[1], row[0] == "", row[0]))  # the empty value last among equals
    orgs = tree.parents if scope is None else scope
    return Day(keys, own, _roll_up(orgs, tree.children, own, len(keys)), tree, texts)


def _roll_up(orgs, children, own, width: int) -> dict[int, tuple[int, ...]]:
    """Each organisation of `orgs` (with its subtree) its own figures plus its children's totals, walked without
    recursion (an edge that would close a cycle is ignored, as `members.counts.roll_up` does)."""
    zero = (0,) * width
    totals: dict[int, tuple[int, ...]] = {}
    for root in orgs:
        if root in totals:
            continue
        stack: list[tuple[int, bool]] = [(root, False)]
        on_path: set[int] = set()
        while stack:
            org, done = stack.pop()
            if done:
                on_path.discard(org)
                parts = [totals[c] for c in children.get(org, ()) if c in totals]
                mine = own.get(org)
                if mine is not None:
                    parts.append(mine)
                totals[org] = tuple(map(sum, zip(*parts, strict=True))) if parts else zero
            elif org not in totals and org not in on_path:
                on_path.add(org)
                stack.append((org, True))
                stack.extend((child, False) for child in children.get(org, ()) if child not in totals)
    return totals


def counts_token() -> str | None:
    """The counts' version token (members.counts): what the kept days are keyed by."""
    return db.session.scalar(select(CountsVersion.token).where(CountsVersion.id == 1))


def _kept_or(store: OrderedDict, bound: int, key: tuple, token: str | None, compute):
    if token is not None:
        with _lock:
            found = store.get(key)
            if found is not None:
                store.move_to_end(key)
                return found
    value = compute()
    if token is not None:
        with _lock:
            store[key] = value
            while len(store) > bound:
                store.popitem(last=False)
    return value


def _url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def tree_on(day: date, token: str | None = None) -> Tree:
    """The tree known on `day` (kept per process while the counts' token is unchanged)."""
    return trees_on([day], token)[day]


def trees_on(days: list[date], token: str | None = None) -> dict[date, Tree]:
    """The trees known on each of `days`, those not kept read in one statement (kept per process while the counts'
    token is unchanged)."""
    url, version = _url(), token or ""
    found: dict[date, Tree] = {}
    if token is not None:
        with _lock:
            for day in days:
                tree = _kept_trees.get((url, version, day))
                if tree is not None:
                    _kept_trees.move_to_end((url, version, day))
                    found[day] = tree
    missing = sorted(set(days) - set(found))
    if missing:
        read = _read_trees(missing)
        found |= read
        if token is not None:
            with _lock:
                for day, tree in read.items():
                    _kept_trees[(url, version, day)] = tree
                while len(_kept_trees) > KEPT_TREES:
                    _kept_trees.popitem(last=False)
    return found


def day_figures(day: date, token: str | None = None, org_id: int | None = None, *, main: bool = False) -> Day:
    """The figures on `day` of `org_id`'s subtree as the tree was then (None: of the whole tree), every figure with
    the subtree's free text, or MAIN's only: kept per process while the counts' token is unchanged. The tree's only
    root counts the whole tree (no list of cells to send); another organisation its subtree alone — the cells below it
    that day (a ward: ≈ 150 organisations of 9,000) —, unless only MAIN's figures are asked for and a day of the
    whole tree is kept already."""
    tree = tree_on(day, token)
    url, version = _url(), token or ""
    if org_id is not None and org_id not in tree.parents:  # not in the tree that day: nothing counted under it
        return Day(MAIN if main else FIGURES, {}, {}, tree, {key: [] for key, *_r in TEXTS} if not main else {})
    whole = org_id is None or tree.roots == [org_id]
    keys = []
    if whole or main:
        keys.append((_kept, (url, version, day, False)))
        if main:
            keys.append((_kept, (url, version, day, True)))
    if not whole:
        keys.append((_kept_scoped, (url, version, day, org_id, False)))
        if main:
            keys.append((_kept_scoped, (url, version, day, org_id, True)))
    if token is not None:
        with _lock:
            for store, key in keys:
                found = store.get(key)
                if found is not None:
                    store.move_to_end(key)
                    return found
    if whole:
        return _kept_or(_kept, KEPT_DAYS, (url, version, day, main), token,
                        lambda: _count_day(day, tree, main=main))
    scope = subtree(tree, org_id)
    return _kept_or(_kept_scoped, KEPT_SCOPED, (url, version, day, org_id, main), token,
                    lambda: _count_day(day, tree, scope, main=main))


def subtree(tree: Tree | Day, org_id: int) -> list[int]:
    """`org_id` and every organisation below it on the day, in tree order (each before its children)."""
    out: list[int] = []
    stack = [org_id]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        out.append(current)
        stack.extend(reversed(tree.children.get(current, [])))
    return out
