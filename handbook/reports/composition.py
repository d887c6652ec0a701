"""The composition of a committee's membership as of a day, as its page, workbook and API show it: each dimension's
rows with their shares, the free-text fields, the badges' milestones, the organisations directly below, and the main
figures at the end of each of the last four quarters. The figures themselves are counted, and kept, by
`reports.composition_days`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from handbook.org.models import Organisation
from handbook.reports.composition_days import (
    DIMENSIONS,
    FIGURES,
    INDEX,
    LABELS,
    MAIN,
    MILESTONES,
    NO_RELIGION,
    TEXTS,
    counts_token,
    day_figures,
    subtree,
    trees_on,
)

__all__ = ["INDEX", "LABELS", "MAIN", "Composition", "Dimension", "composition", "organisation_rows",
           "quarter_ends"]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    share: float | None  #: % of the total, one decimal; None when the total is 0


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Child:
    id: int
    name: str
    total: int


@dataclass(frozen=True)
class Change:
    """A main figure at each quarter end and on the day (oldest first), and its change over the four quarters."""

    key: str
    label: str
    values: list[int]

    @property
    def change(self) -> int:
        return self.values[-1] - self.values[0]


@dataclass
class Composition:
    org: Organisation
    day: date
    today: date
    figures: dict[str, int]
    dimensions: list[Dimension]
    texts: list[Dimension]
    milestones: list[Row]  #: members reaching each badge's years of membership in the day's year
    children: list[Child]
    quarter_days: list[date]  #: the last four quarter ends before the day, oldest first, then the day
    changes: list[Change] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.figures["total"]


def _share(count: int, total: int) -> float | None:
    return round(count * 100 / total, 1) if total else None


def quarter_ends(day: date) -> list[date]:
    """The last days of the four quarters before the one `day` is in, oldest first (06/12/2026 → 31/12/2025,
    31/03/2026, 30/06/2026, 30/09/2026)."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return [first - relativedelta(months=3 * n) - relativedelta(days=1) for n in (3, 2, 1, 0)]


def _label(value: str, empty) -> str:
    return str(empty) if not value else value[:1].upper() + value[1:]


def composition(org: Organisation, day: date, *, today: date) -> Composition:
    """The composition of `org`'s membership (its subtree as of `day`) on `day`, with the last four quarter ends."""
    token = counts_token()
    days = [*quarter_ends(day), day]
    trees_on(days, token)  # the five days' trees in one statement, kept for what follows
    figures = day_figures(day, token, org.id)
    mine = figures.values(org.id)
    total = mine["total"]
    dimensions = [Dimension(key, str(title), [Row(k, str(LABELS[k]), mine[k], _share(mine[k], total)) for k in keys])
                  for key, title, keys in DIMENSIONS]
    milestones = [Row(f"badge_{n}", str(LABELS[f"badge_{n}"]), mine[f"badge_{n}"], None) for n in MILESTONES]
    found = figures.texts
    texts = []
    for key, title, empty in TEXTS:
        rows = found[key]
        if key == "religion":  # "không" and its spellings are one row, with the empty ones
            none = sum(n for value, n in rows if not value or value in NO_RELIGION)
            rows = [(value, n) for value, n in rows if value and value not in NO_RELIGION]
            rows = ([("", none)] if none else []) + rows
        texts.append(Dimension(key, str(title), [Row(value, _label(value, empty), n, _share(n, total))
                                                 for value, n in rows]))
    children = [Child(child, figures.names.get(child, ""), figures.values(child)["total"])
                for child in figures.children.get(org.id, [])]
    per_day = [day_figures(d, token, org.id, main=True).values(org.id) if d != day else mine for d in days]
    changes = [Change(key, str(LABELS[key]), [v[key] for v in per_day]) for key in MAIN]
    return Composition(org=org, day=day, today=today, figures=mine, dimensions=dimensions, texts=texts,
                       milestones=milestones, children=children, quarter_days=days, changes=changes)


def organisation_rows(org: Organisation, day: date):
    """Every organisation of `org`'s subtree on `day`, in tree order: (depth, name, own figures, subtree figures),
    every figure in FIGURES' order — a generator over the kept day (no row is loaded twice)."""
    figures = day_figures(day, counts_token(), org.id)
    zero = (0,) * len(FIGURES)
    depth = {org.id: 0}
    for org_id in subtree(figures.tree, org.id):
        level = depth.get(org_id, 0)
        for child in figures.children.get(org_id, ()):
            depth[child] = level + 1
        yield (level, figures.names.get(org_id, ""), figures.own.get(org_id, zero), figures.totals.get(org_id, zero))
