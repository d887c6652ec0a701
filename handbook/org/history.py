"""The tree over time: dated versions of each organisation (name, kind, parent) and the changes that made them.

A version holds from `valid_from` (inclusive) to `valid_to` (exclusive; NULL while current). Every change of a
name, kind or parent closes the open version on its effective day and opens the next, so "the organisation as it
was on day D" is one indexed lookup, and the tree as it was on D is a walk over the versions valid on D.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, cast, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from handbook.extensions import db
from handbook.org.models import Organisation, OrgChange, OrgChangeKind, OrgVersion


@dataclass(frozen=True)
class Decision:
    """The decision (quyết định) behind a change: its number and who signed it, as written on it."""

    number: str | None = None
    signer: str | None = None


NO_DECISION = Decision()


def valid_on(model, day: date):
    """SQL on a dated model (versions, placements): valid on `day`."""
    return and_(model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to > day))


def known_on(model, day: date):
    """SQL on OrgVersion (or an alias of it): the version that describes the organisation on `day` — valid that day,
    or its first version when `day` is before the history began (an organisation recorded in 2026 that existed long
    before: its members' placements go back to their admission)."""
    return and_(or_(model.valid_from <= day, first_version(model)), or_(model.valid_to.is_(None), model.valid_to > day))


def first_version(model):
    """SQL on OrgVersion (or an alias of it): the organisation's first version (`known_on` reads it for the days
    before the history began)."""
    earlier = aliased(OrgVersion)
    return ~select(earlier.id).where(earlier.organisation_id == model.organisation_id,
                                     earlier.valid_from < model.valid_from).exists()


def org_as_of(org_id: int, day: date) -> OrgVersion | None:
    """The organisation as it was on `day` (name, kind, parent); None if it did not exist then (one query)."""
    return db.session.scalar(select(OrgVersion).where(OrgVersion.organisation_id == org_id, valid_on(OrgVersion, day))
                             .order_by(OrgVersion.valid_from.desc()).limit(1))


def open_version(org_id: int) -> OrgVersion | None:
    return db.session.scalar(select(OrgVersion).where(OrgVersion.organisation_id == org_id,
                                                      OrgVersion.valid_to.is_(None)).limit(1))


def latest_version(org_id: int) -> OrgVersion | None:
    return db.session.scalar(select(OrgVersion).where(OrgVersion.organisation_id == org_id)
                             .order_by(OrgVersion.valid_from.desc(), OrgVersion.id.desc()).limit(1))


def names_on(pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], str]:
    """The name each organisation had on each day, for many (org id, day) pairs in one query: the version valid
    that day, else the earliest one after it (a day before the tree's history began shows the first known name),
    else the last one (after its dissolution). Pairs with no version at all are left out (the caller shows the
    current name)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    ids = {org_id for org_id, _day in wanted}
    versions: dict[int, list[tuple[date, date | None, str]]] = {}
    for org_id, start, end, name in db.session.execute(
            select(OrgVersion.organisation_id, OrgVersion.valid_from, OrgVersion.valid_to, OrgVersion.name)
            .where(OrgVersion.organisation_id.in_(sorted(ids))).order_by(OrgVersion.valid_from, OrgVersion.id)):
        versions.setdefault(org_id, []).append((start, end, name))
    found = {}
    for org_id, day in wanted:
        rows = versions.get(org_id)
        if not rows:
            continue
        name = next((n for start, end, n in rows if start <= day and (end is None or end > day)), None)
        if name is None:
            later = [n for start, _end, n in rows if start > day]
            name = later[0] if later else rows[-1][2]
        found[(org_id, day)] = name
    return found


def name_on(org: Organisation, day: date | None) -> str:
    """The organisation's name on `day` (its current name when `day` is None or it has no history)."""
    if day is None:
        return org.name
    return names_on([(org.id, day)]).get((org.id, day), org.name)


def start_version(org: Organisation, on: date) -> OrgVersion:
    """The first version of a new organisation (no flush)."""
    version = OrgVersion(organisation_id=org.id, name=org.name, kind=org.kind, parent_id=org.parent_id,
                         valid_from=on)
    db.session.add(version)
    return version


def next_version(org: Organisation, on: date) -> OrgVersion:
    """After `org`'s name, kind or parent changed (in memory): close the open version on `on` and open one with
    the new values. A change on the open version's first day replaces it (it never held for a whole day)."""
    current = open_version(org.id)
    if current is not None and current.valid_from == on:
        current.name, current.kind, current.parent_id = org.name, org.kind, org.parent_id
        return current
    if current is not None:
        current.valid_to = on
    return start_version(org, on)


def close_version(org: Organisation, on: date) -> None:
    """The organisation ceases on `on`: its open version ends that day."""
    current = open_version(org.id)
    if current is not None:
        current.valid_to = on


def last_change_day(org_id: int) -> date | None:
    """The day of the organisation's latest change or version: a new change may not be dated before it."""
    changes = select(OrgChange.on.label("day")).where(OrgChange.organisation_id == org_id)
    versions = select(OrgVersion.valid_from.label("day")).where(OrgVersion.organisation_id == org_id)
    both = union_all(changes, versions).subquery()
    return db.session.scalar(select(func.max(both.c.day)))


def add_change(kind: OrgChangeKind, org: Organisation, on: date, decision: Decision | None, recorded_by_id: int | None,
               **details: Any) -> OrgChange:
    """One row of the organisation's history (no flush)."""
    decision = decision or NO_DECISION
    change = OrgChange(kind=kind, organisation_id=org.id, on=on, decision_number=decision.number,
                       signer=decision.signer, recorded_by_id=recorded_by_id, details=details)
    db.session.add(change)
    return change


def changes_of(org_id: int, limit: int = 200, offset: int = 0) -> list[OrgChange]:
    """The organisation's changes, latest first."""
    return list(db.session.scalars(select(OrgChange).where(OrgChange.organisation_id == org_id)
                                   .order_by(OrgChange.on.desc(), OrgChange.id.desc()).limit(limit).offset(offset)))


def count_changes(org_id: int) -> int:
    return db.session.scalar(select(func.count(OrgChange.id)).where(OrgChange.organisation_id == org_id)) or 0


def subtree_ids_on(org_id: int, day: date):
    """SQL selecting the ids of `org_id` and everything below it as the tree was on `day` (a recursive walk over
    the versions valid that day: a cell moved since still counts where it was)."""
    tree = select(literal(org_id).label("id")).cte("tree_on", recursive=True)
    tree = tree.union(select(OrgVersion.organisation_id).join(tree, OrgVersion.parent_id == tree.c.id)
                      .where(known_on(OrgVersion, day)))
    return select(tree.c.id)


def day_of(column):
    """SQL for a DateTime column's day: SQLite's CAST(… AS DATE) gives a number, its date() the ISO day."""
    if db.engine.dialect.name == "sqlite":
        return func.date(column, type_=Date)
    return cast(column, Date)


def backfill_versions(valid_from: date | None = None) -> int:
    """Give every organisation without a version one open version from the day it was created, or from
    `valid_from` (organisations written in bulk: the demo seed, whose tree stands for one that existed before it
    was typed in). One INSERT … SELECT; the caller commits."""
    has_version = select(OrgVersion.id).where(OrgVersion.organisation_id == Organisation.id).exists()
    start = literal(valid_from, Date) if valid_from is not None else day_of(Organisation.created_at)
    return db.session.execute(insert(OrgVersion).from_select(
        ["organisation_id", "name", "kind", "parent_id", "valid_from"],
        select(Organisation.id, Organisation.name, Organisation.kind, Organisation.parent_id,
               start).where(~has_version))).rowcount


# --- what keeps an organisation from being dissolved (features register; org knows none of them) ----------

#: name → a function telling why `org` cannot be dissolved yet (a Vietnamese sentence) or None
_OCCUPANCY: dict[str, Callable[[Organisation], str | None]] = {}


def register_occupancy(name: str, check: Callable[[Organisation], str | None]) -> None:
    """A feature holding things in organisations (members) says what must leave before one is dissolved."""
    _OCCUPANCY[name] = check


def occupancy_problems(org: Organisation) -> list[str]:
    return [problem for check in _OCCUPANCY.values() if (problem := check(org)) is not None]
