"""The figures a committee reports on growing the membership: admissions in a year against the targets, by
organisation and by the groups committees report by; the congress term so far against the previous term's same
period; cells without an admission for years, and cells without a member.

Every count is made by the database: one GROUP BY over the admitted candidates of the subtree (their cell joined
for its path, a SUM(CASE …) per figure), one over the members' admission dates for the term comparison and the
idle cells, one listing the subtree's live cells; the per-cell rows are then added up in Python to the
organisations directly below `org` by their path. Member counts of today come from `members.counts` (kept per
process), not from a count of their own.

What counts as an admission:

- in the year and in its groups: a candidate file whose ceremony (`Candidate.admitted_on`) falls in the year and
  whose status says they were admitted (dự bị, chính thức or not recognised later) — only a file holds the groups
  (occupation, Youth Union, education);
- in the term comparison and for idle cells: those files, plus the member records whose admission date
  (`Member.admission_date`, any status) falls in the period and that no candidate file created (records imported
  or typed without one), so nobody is counted twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import and_, bindparam, case, extract, func, select
from sqlalchemy.orm import aliased

from handbook.admission.models import Candidate, CandidateStatus, OccupationGroup, ProfessionalLevel
from handbook.admission.steps import setting
from handbook.admission.targets import targets_of
from handbook.core.i18n import lazy_gettext as _l
from handbook.extensions import db
from handbook.members.counts import counts_on
from handbook.members.models import Gender, Member
from handbook.org.access import in_subtree
from handbook.org.models import CELL_KINDS, Organisation
from handbook.org.scope import Below

#: the first year a report is asked for
FIRST_YEAR = 2000
#: the statuses of a file whose ceremony took place
ADMITTED = (CandidateStatus.DU_BI, CandidateStatus.CHINH_THUC, CandidateStatus.KHONG_CONG_NHAN)
#: how a religion field may say "none" (None and "" say it too)
NO_RELIGION = ("không", "khong", "không có", "khÔng", "không tôn giáo", "khong ton giao")

OCCUPATION_LABELS = {
    OccupationGroup.CONG_NHAN: _l("Công nhân"),
    OccupationGroup.NONG_DAN: _l("Nông dân"),
    OccupationGroup.CONG_CHUC: _l("Cán bộ, công chức"),
    OccupationGroup.VIEN_CHUC: _l("Viên chức"),
    OccupationGroup.DN_NHA_NUOC: _l("Doanh nghiệp nhà nước"),
    OccupationGroup.DN_TU_NHAN: _l("Doanh nghiệp tư nhân"),
    OccupationGroup.DN_FDI: _l("Doanh nghiệp có vốn đầu tư nước ngoài"),
    OccupationGroup.HOC_SINH_SINH_VIEN: _l("Học sinh, sinh viên"),
    OccupationGroup.LUC_LUONG_VU_TRANG: _l("Lực lượng vũ trang"),
    OccupationGroup.HUU_TRI: _l("Hưu trí"),
    OccupationGroup.KHAC: _l("Khác"),
}

#: the groups, in the order committees report them: key → label
GROUP_LABELS: dict[str, object] = {
    "women": _l("Nữ"),
    "youth_union": _l("Đoàn viên"),
    "minority": _l("Dân tộc thiểu số"),
    "religious": _l("Người có đạo"),
    "age_18_30": _l("Tuổi 18–30"),
    "dai_hoc": _l("Đại học"),
    "thac_si": _l("Thạc sĩ"),
    "tien_si": _l("Tiến sĩ"),
    **{f"occ_{group.value}": label for group, label in OCCUPATION_LABELS.items()},
}
GROUPS = tuple(GROUP_LABELS)
#: the headings the groups sit under in tables (key of the first group of each heading)
GROUP_HEADINGS = {"women": _l("Đối tượng"), "dai_hoc": _l("Trình độ chuyên môn"), "occ_cong_nhan": _l("Nghề nghiệp")}


@dataclass
class Line:
    """One organisation's figures: the year's admissions, its target, the groups, the term and the previous one."""

    org_id: int
    name: str
    admitted: int = 0
    target: int | None = None
    groups: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))
    term: int = 0
    previous_term: int = 0

    @property
    def percent(self) -> float | None:
        """Admissions as a % of the target (one decimal); None without a target or with a target of 0."""
        return round(self.admitted * 100 / self.target, 1) if self.target else None

    @property
    def term_percent(self) -> float | None:
        return round(self.term * 100 / self.previous_term, 1) if self.previous_term else None

    @property
    def university_or_more(self) -> int:
        return self.groups["dai_hoc"] + self.groups["thac_si"] + self.groups["tien_si"]

    def add(self, other: Line) -> None:
        self.admitted += other.admitted
        self.term += other.term
        self.previous_term += other.previous_term
        for key, value in other.groups.items():
            self.groups[key] += value


@dataclass(frozen=True)
class CellNote:
    """A cell listed for attention: its name, the organisation directly below `org` it is under, the day of its
    latest admission (None: none since the report's `since`) and its members today."""

    id: int
    name: str
    under: str
    last_admission: date | None = None
    members: int = 0


@dataclass
class Report:
    org: Organisation
    year: int
    today: date
    total: Line
    children: list[Line]
    term_start: date
    previous_start: date
    previous_end: date
    idle_years: int
    idle_since: date
    idle_cells: list[CellNote]
    empty_cells: list[CellNote]
    cells: int  #: live cells in the subtree
    since: date  #: admissions before this day were not read (a cell's latest admission is None if it was earlier)
    target_from_children: bool = False  #: the total's target is the sum of the children's (none set for `org`)

    @property
    def lines(self) -> list[Line]:
        return [*self.children, self.total]


def term_bounds(today: date) -> tuple[date, date, date]:
    """The current term's first day and the previous term's same period [start, end]: the setting's start moved by
    whole terms until it is the last one on or before `today`."""
    years = max(1, int(current_app.config.get("ADMISSION_TERM_YEARS", 5)))
    start = date.fromisoformat(str(current_app.config.get("ADMISSION_TERM_START", "2025-10-01")))
    step = relativedelta(years=years)
    while start > today:
        start -= step
    while start + step <= today:
        start += step
    return start, start - step, today - step


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _day_number(column) -> object:
    """SQL: a date as the number yyyymmdd (portable: SQLite and PostgreSQL extract the parts alike)."""
    return extract("year", column) * 10000 + extract("month", column) * 100 + extract("day", column)


def _group_conditions() -> dict[str, object]:
    """SQL conditions on a candidate row, one per group."""
    c = Candidate
    ethnicity = func.lower(func.trim(c.ethnicity))
    religion = func.lower(func.trim(c.religion))
    born, admitted = _day_number(c.birth_date), _day_number(c.admitted_on)
    conditions = {
        "women": c.gender == Gender.NU,
        "youth_union": c.youth_union.is_(True),
        "minority": and_(c.ethnicity.is_not(None), ethnicity != "", ethnicity != "kinh"),
        "religious": and_(c.religion.is_not(None), religion != "", religion.not_in(NO_RELIGION)),
        # 18 to 30 in whole months on the day of admission: at least 18 years, under 31 (30 years 11 months counts)
        "age_18_30": and_(born + 180000 <= admitted, born + 310000 > admitted),
        "dai_hoc": c.professional_level == ProfessionalLevel.DAI_HOC,
        "thac_si": c.professional_level == ProfessionalLevel.THAC_SI,
        "tien_si": c.professional_level == ProfessionalLevel.TIEN_SI,
    }
    for group in OccupationGroup:
        conditions[f"occ_{group.value}"] = c.occupation_group == group
    return conditions


def _between(column, start: str, end: str):
    return and_(column >= bindparam(start), column <= bindparam(end))


@cache
def _candidate_columns() -> tuple:
    """The figures of the admitted candidates of a cell, built once per process (a few dozen expressions; the
    days are bound at each call): the year, its groups, the two term periods, the latest admission since `since`."""
    day = Candidate.admitted_on
    in_year = _between(day, "year_start", "year_end")
    columns = [_count(in_year).label("year"), _count(_between(day, "term_start", "today")).label("term"),
               _count(_between(day, "previous_start", "previous_end")).label("previous"),
               func.max(case((day >= bindparam("since"), day), else_=None)).label("last")]
    columns += [_count(and_(in_year, condition)).label(key) for key, condition in _group_conditions().items()]
    return tuple(columns)


@cache
def _member_columns() -> tuple:
    """The members admitted in the term periods that no candidate file created (`_FILE`, outer-joined on the unique
    member_id: at most one row each), and the latest admission since `since`."""
    without_file = _FILE.id.is_(None)

    def without_file_in(start: str, end: str):
        return _count(and_(_between(Member.admission_date, start, end), without_file))

    return (without_file_in("term_start", "today").label("term"),
            without_file_in("previous_start", "previous_end").label("previous"),
            func.max(Member.admission_date).label("last"))


#: the candidate file a member record was created from, if any (a join rather than a correlated NOT EXISTS: the
#: latter made PostgreSQL's cost estimate cross the JIT threshold, whose compilation cost more than the query)
_FILE = aliased(Candidate, name="file")


def admissions_report(org: Organisation, year: int, *, today: date) -> Report:
    """The report of `org` (and each organisation directly below it) for `year`, as of `today`."""
    term_start, previous_start, previous_end = term_bounds(today)
    idle_years = setting("ADMISSION_IDLE_YEARS")
    idle_since = today - relativedelta(years=idle_years)
    # admissions before this day are not read: the term comparison and the idle cells need none older
    since = min(previous_start, idle_since)
    days = {"year_start": date(year, 1, 1), "year_end": date(year, 12, 31), "term_start": term_start,
            "today": today, "previous_start": previous_start, "previous_end": previous_end, "since": since}

    below = Below(org)
    total = Line(org.id, org.name)
    lines = {child_id: Line(child_id, name) for child_id, name in below.children}

    def line_of(path: str) -> Line | None:
        """The line of the child `path` is under; None: `org` itself, or a child dissolved since."""
        return lines.get(below.child_id(path))

    under_of = below.under

    # 1. admitted candidates, per cell: each row's figures summed into `org`'s and its child's, as plain lists
    last_admission: dict[int, object] = {}
    sums: dict[int, list[int]] = {}  # org id → [year, term, previous, *groups]
    for cell_id, path, in_year, term, previous, last, *groups in db.session.execute(
            select(Candidate.cell_id, Organisation.path, *_candidate_columns())
            .join(Organisation, Organisation.id == Candidate.cell_id)
            .where(in_subtree(Organisation.path, org.path), Candidate.admitted_on.is_not(None),
                   Candidate.status.in_(ADMITTED))
            .group_by(Candidate.cell_id, Organisation.path), days):
        figures = (in_year, term, previous, *groups)
        child = line_of(path)
        for line_id in (org.id, child.org_id) if child is not None else (org.id,):
            found = sums.get(line_id)
            sums[line_id] = list(figures) if found is None else [a + b for a, b in zip(found, figures, strict=True)]
        if last is not None:
            last_admission[cell_id] = last
    for line_id, figures in sums.items():
        line = total if line_id == org.id else lines[line_id]
        line.admitted, line.term, line.previous_term = figures[:3]
        line.groups = dict(zip(GROUPS, figures[3:], strict=True))

    # 2. members admitted since `since` without a candidate file (imported records), per cell: ranges of
    #    ix_members_cell_admission / ix_members_admission_cell (admission/models.py), not every member
    for cell_id, path, term, previous, last in db.session.execute(
            select(Member.cell_id, Organisation.path, *_member_columns())
            .join(Organisation, Organisation.id == Member.cell_id)
            .outerjoin(_FILE, _FILE.member_id == Member.id)
            .where(Member.admission_date >= since, in_subtree(Organisation.path, org.path))
            .group_by(Member.cell_id, Organisation.path), days):
        total.term += term
        total.previous_term += previous
        child = line_of(path)
        if child is not None:
            child.term += term
            child.previous_term += previous
        if last is not None and (cell_id not in last_admission or str(last) > str(last_admission[cell_id])):
            last_admission[cell_id] = last

    # 3. the live cells of the subtree: those without an admission since `idle_since`, those without a member today
    cells = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.path)
        .where(in_subtree(Organisation.path, org.path), Organisation.kind.in_(CELL_KINDS),
               Organisation.dissolved_on.is_(None))
        .order_by(Organisation.path)).all()
    members = counts_on([cell.id for cell in cells], today)
    idle, empty = [], []
    idle_text = idle_since.isoformat()
    for cell_id, name, path in cells:
        last = last_admission.get(cell_id)  # a date, or its ISO text from SQLite
        count = members.get(cell_id, 0)
        if last is None or str(last)[:10] < idle_text:
            idle.append(CellNote(cell_id, name, under_of(path), _as_date(last) if last is not None else None, count))
        if count == 0:
            empty.append(CellNote(cell_id, name, under_of(path), _as_date(last) if last is not None else None, count))

    # 4. targets: `org`'s and its children's
    targets = targets_of([org.id, *lines], year)
    for child_id, line in lines.items():
        line.target = targets.get(child_id)
    total.target = targets.get(org.id)
    from_children = False
    if total.target is None and any(line.target is not None for line in lines.values()):
        total.target = sum(line.target or 0 for line in lines.values())
        from_children = True
    return Report(org=org, year=year, today=today, total=total, children=list(lines.values()),
                  term_start=term_start, previous_start=previous_start, previous_end=previous_end,
                  idle_years=idle_years, idle_since=idle_since, idle_cells=idle, empty_cells=empty,
                  cells=len(cells), since=since, target_from_children=from_children)


def _as_date(value) -> date:
    """MAX() over a date column comes back as text from SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
