"""The province committee's admissions report on the 140,000-member demo with 5,000 candidates: the service call
and the pages (p50/p95 ms, SQL statements, peak RSS), beside a baseline computing the same figures the naive way
(every candidate and member row of the province loaded into Python and counted there).

    python benchmarks/admission_report.py                    # SQLite: the tree benchmark's cached 140k seed
    python benchmarks/admission_report.py --database-url postgresql+psycopg://postgres@127.0.0.1:5433/hb_bench_adm

The province is `flask seed-demo --members 140000` (see benchmarks/tree_pages.py, whose seeding and cache this
reuses: the seed is kept in /tmp/handbook-tree/, this script works on its own copy). 5,000 candidates are added
in bulk over the cells (seeded random): about 1,500 admitted between the start of last year and today (a few in
the previous term's same period), the rest on the list, with varied genders, ethnicities (Kinh spelled three ways),
religions, ages, education and occupations; targets for the 91 wards. Requests go through the WSGI app in-process,
signed in as a staff member (cán bộ) of the city's committee. Target: the report ≤ 300 ms.
"""
from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import tree_pages  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from handbook import create_app  # noqa: E402
from handbook.admission.models import (  # noqa: E402
    AdmissionTarget,
    Candidate,
    CandidateStatus,
    GeneralEducation,
    OccupationGroup,
    ProfessionalLevel,
)
from handbook.admission.report import (  # noqa: E402
    ADMITTED,
    GROUPS,
    NO_RELIGION,
    admissions_report,
    term_bounds,
)
from handbook.admission.steps import age_in_months, setting  # noqa: E402
from handbook.core.timeutil import local_today  # noqa: E402
from handbook.demo.seed import seed_demo  # noqa: E402
from handbook.extensions import db  # noqa: E402
from handbook.members.counts import counts_on  # noqa: E402
from handbook.members.models import Gender, Member  # noqa: E402
from handbook.org.models import CELL_KINDS, Organisation, OrgKind  # noqa: E402

CANDIDATES = 5_000
ADMITTED_SHARE = 0.3  # ≈ 1,500 admitted


def sqlite_copy(members: int) -> str:
    """Our own copy of the tree benchmark's cached seed (seeded by it first if missing)."""
    seeded = tree_pages.CACHE / f"seed-{members}.db"
    if not seeded.exists():
        tree_pages.sqlite_copy(members)
    run = tree_pages.CACHE / "admission-run.db"
    shutil.copyfile(seeded, run)
    return f"sqlite:///{run}"


def add_candidates(today: date) -> int:
    """5,000 candidates in bulk over the cells, about 1,500 admitted; targets for the wards of this year."""
    if db.session.scalar(select(func.count(Candidate.id))):
        return 0
    rng = random.Random(19)
    cells = list(db.session.scalars(select(Organisation.id).where(Organisation.kind.in_(CELL_KINDS))))
    _term_start, previous_start, previous_end = term_bounds(today)
    first = date(today.year - 1, 1, 1)
    rows = []
    for n in range(CANDIDATES):
        admitted = rng.random() < ADMITTED_SHARE
        if admitted and rng.random() < 0.1:  # some in the previous term's same period
            day = previous_start + timedelta(days=rng.randrange((previous_end - previous_start).days + 1))
        elif admitted:
            day = first + timedelta(days=rng.randrange((today - first).days + 1))
        else:
            day = None
        age_days = rng.randrange(18 * 366, 45 * 365)
        rows.append({
            "cell_id": rng.choice(cells),
            "full_name": f"Ứng viên {n}",
            "birth_date": (day or today) - timedelta(days=age_days),
            "gender": rng.choice((Gender.NAM, Gender.NU)),
            "ethnicity": rng.choices(("Kinh", "kinh", "KINH", "Tày", "Thái", "Hoa", "Cơ Tu"),
                                     (70, 5, 5, 5, 5, 5, 5))[0],
            "religion": rng.choices((None, "Không", "Phật giáo", "Công giáo", "Cao Đài"), (70, 10, 10, 7, 3))[0],
            "general_education": rng.choice((GeneralEducation.THCS, GeneralEducation.THPT, GeneralEducation.THPT)),
            "professional_level": rng.choice(list(ProfessionalLevel)),
            "occupation_group": rng.choice(list(OccupationGroup)),
            "youth_union": rng.random() < 0.5,
            "status": (rng.choice((CandidateStatus.DU_BI, CandidateStatus.CHINH_THUC, CandidateStatus.KHONG_CONG_NHAN))
                       if admitted else rng.choice((CandidateStatus.DANG_XET,) * 9 + (CandidateStatus.DUNG,))),
            "admitted_on": day,
        })
    db.session.execute(insert(Candidate), rows)
    province = db.session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    wards = db.session.scalars(select(Organisation.id).where(Organisation.parent_id == province.id)).all()
    db.session.execute(insert(AdmissionTarget), [{"organisation_id": ward, "year": today.year,
                                                  "target": rng.randrange(5, 40)} for ward in wards])
    db.session.commit()
    return len(rows)


def naive(province: Organisation, year: int, today: date) -> dict:
    """The same figures, every row loaded into Python: the candidates and members of the province as objects."""
    prefix = province.path
    term_start, previous_start, previous_end = term_bounds(today)
    idle_since = today.replace(year=today.year - setting("ADMISSION_IDLE_YEARS"))
    groups = dict.fromkeys(GROUPS, 0)
    admitted = term = previous = 0
    last: dict[int, date] = {}
    with_file: set[int] = set()
    for candidate, path in db.session.execute(select(Candidate, Organisation.path)
                                              .join(Organisation, Organisation.id == Candidate.cell_id)):
        if not path.startswith(prefix):
            continue
        if candidate.member_id:
            with_file.add(candidate.member_id)
        if candidate.admitted_on is None or candidate.status not in ADMITTED:
            continue
        day = candidate.admitted_on
        last[candidate.cell_id] = max(day, last.get(candidate.cell_id, date.min))
        term += term_start <= day <= today
        previous += previous_start <= day <= previous_end
        if day.year != year:
            continue
        admitted += 1
        ethnicity = (candidate.ethnicity or "").strip().lower()
        religion = (candidate.religion or "").strip().lower()
        months = age_in_months(candidate.birth_date, day)
        flags = {
            "women": candidate.gender == Gender.NU, "youth_union": candidate.youth_union,
            "minority": ethnicity not in ("", "kinh"), "religious": religion not in ("", *NO_RELIGION),
            "age_18_30": 18 * 12 <= months < 31 * 12,
            "dai_hoc": candidate.professional_level == ProfessionalLevel.DAI_HOC,
            "thac_si": candidate.professional_level == ProfessionalLevel.THAC_SI,
            "tien_si": candidate.professional_level == ProfessionalLevel.TIEN_SI,
            **{f"occ_{g.value}": candidate.occupation_group == g for g in OccupationGroup},
        }
        for key, flag in flags.items():
            groups[key] += bool(flag)
    for member, path in db.session.execute(select(Member, Organisation.path)
                                           .join(Organisation, Organisation.id == Member.cell_id)):
        if not path.startswith(prefix) or member.admission_date is None:
            continue
        day = member.admission_date
        last[member.cell_id] = max(day, last.get(member.cell_id, date.min))
        if member.id not in with_file:
            term += term_start <= day <= today
            previous += previous_start <= day <= previous_end
    cells = [org for org in db.session.scalars(select(Organisation).where(Organisation.kind.in_(CELL_KINDS)))
             if org.path.startswith(prefix) and org.dissolved_on is None]
    members = counts_on([cell.id for cell in cells], today)
    db.session.expunge_all()
    return {"admitted": admitted, "groups": groups, "term": term, "previous": previous,
            "idle": sum(1 for cell in cells if last.get(cell.id, date.min) < idle_since),
            "empty": sum(1 for cell in cells if members.get(cell.id, 0) == 0)}


def timed(call, runs: int, counter: tree_pages.Counter) -> tuple[list[float], int]:
    call()  # warm up: today's member counts are kept from then on
    samples, statements = [], 0
    for _ in range(runs):
        counter.n = 0
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
        statements = max(statements, counter.n)
    return samples, statements


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description="Đo báo cáo kết nạp đảng viên của tỉnh 140.000 đảng viên.")
    parser.add_argument("--database-url", default=None, help="PostgreSQL (dropped and seeded unless --keep)")
    parser.add_argument("--keep", action="store_true", help="reuse the database at --database-url if seeded")
    parser.add_argument("--members", type=int, default=140_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--naive-runs", type=int, default=5)
    args = parser.parse_args()
    url = args.database_url or sqlite_copy(args.members)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tree_pages.CACHE)})
    with app.app_context():
        if args.database_url and not args.keep:
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        if db.session.scalar(select(func.count(Member.id))) == 0:
            print(f"seeding {args.members:,} members…", flush=True)
            seed_demo(members=args.members)
        today = local_today()
        year = today.year
        added = add_candidates(today)
        user, province = tree_pages.province_staff()
        province_id = province.id
        client = tree_pages.signed_in(app, user)
        counter = tree_pages.Counter()
        members = db.session.scalar(select(func.count(Member.id)))
        candidates = db.session.scalar(select(func.count(Candidate.id)))
        admitted_rows = db.session.scalar(select(func.count(Candidate.id)).where(Candidate.admitted_on.is_not(None),
                                                                                 Candidate.status.in_(ADMITTED)))
        wards = db.session.scalar(select(func.count(Organisation.id)).where(Organisation.kind == OrgKind.DANG_BO_XA))
        ready = rss_mib()

        def service():
            province_now = db.session.get(Organisation, province_id)
            return admissions_report(province_now, year, today=today)

        report = service()
        rows = []
        samples, statements = timed(lambda: client.get("/"), args.runs, counter)
        rows.append(("baseline: home /", samples, statements))
        samples, statements = timed(lambda: client.get("/api/v1/me"), args.runs, counter)
        rows.append(("baseline: GET /api/v1/me", samples, statements))
        samples, statements = timed(service, args.runs, counter)
        rows.append(("admissions_report() (service)", samples, statements))
        service_p50 = statistics.median(samples)
        query = f"organisation_id={province_id}&year={year}"
        for label, path in (("GET /admission/report", f"/admission/report?{query}"),
                            ("GET /admission/report.xlsx", f"/admission/report.xlsx?{query}"),
                            ("GET /admission/report/print", f"/admission/report/print?{query}"),
                            ("GET /api/v1/reports/admissions", f"/api/v1/reports/admissions?{query}")):
            samples, statements = tree_pages.measure(client, counter, path, args.runs)
            rows.append((label, samples, statements))
        after_ours = rss_mib()
        expected = naive(db.session.get(Organisation, province_id), year, today)
        samples, statements = timed(lambda: naive(db.session.get(Organisation, province_id), year, today),
                                    args.naive_runs, counter)
        rows.append(("naive: rows loaded into Python", samples, statements))
        naive_p50 = statistics.median(samples)
        after_naive = rss_mib()
        got = {"admitted": report.total.admitted, "groups": report.total.groups, "term": report.total.term,
               "previous": report.total.previous_term, "idle": len(report.idle_cells),
               "empty": len(report.empty_cells)}
        assert got == expected, (got, expected)  # the same figures both ways
    print(f"\ndatabase: {url.split('@')[-1]} · members: {members:,} · candidates: {candidates:,} "
          f"({admitted_rows:,} admitted; {added:,} added this run) · wards: {wards} · runs: {args.runs} "
          f"(naive: {args.naive_runs})")
    print(f"province {year}: admitted {report.total.admitted:,}, target {report.total.target}, term "
          f"{report.total.term:,} vs {report.total.previous_term:,}, idle cells {len(report.idle_cells):,}, "
          f"cells without members {len(report.empty_cells):,} — the naive count agrees")
    print(f"{'request':<34}{'p50 ms':>9}{'p95 ms':>9}{'statements':>12}")
    for label, samples, statements in rows:
        p50, p95 = tree_pages.percentiles(samples) if len(samples) > 1 else (samples[0], samples[0])
        print(f"{label:<34}{p50:>9.1f}{p95:>9.1f}{statements:>12}")
    print(f"naive / service (p50): {naive_p50 / service_p50:.1f}×")
    page = rows[3]
    page_p95 = tree_pages.percentiles(page[1])[1]
    print(f"target ≤ 300 ms: {'met' if page_p95 <= 300 else 'NOT met'} (page p95 {page_p95:.1f} ms)")
    print(f"peak RSS: {ready:.0f} MiB ready · {after_ours:.0f} MiB after the report's runs · {after_naive:.0f} MiB "
          "after the naive runs")


if __name__ == "__main__":
    main()
