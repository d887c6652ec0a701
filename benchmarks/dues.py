"""Dues on the 140,000-member demo: the cell's dues sheet (the demo cell, as its bí thư; a cell of another ward,
as the city's staff), the committee's dues totals (the ward's and the whole city's, this month and last month,
with the year's paid and collected; this month with the year's expected too, `?ytd=1`), the unpaid-dues review
list and the member's own months — p50/p95 ms and SQL statements, cold and warm — beside the signed-in home page as
the baseline each row is divided by, and the city's month totals computed the naive way (every member's expected
amount in Python, `dues.service.expected_for`) to show what the GROUP BY earns.

    python benchmarks/dues.py                 # SQLite: the demo seeded once (cached by the demo's code)
    python benchmarks/dues.py --members 14000 --runs 10

The seed is the one of benchmarks/committee_reports.py (its cache in /tmp/handbook-reports/, keyed by a digest of
handbook/demo/, which calls the dues demo). Target: each page ≤ 300 ms, cold and p95 (a slow committee report is kept
a few minutes per process, so its warm requests say little).
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import committee_reports  # noqa: E402
import tree_pages  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from handbook import create_app  # noqa: E402
from handbook.extensions import db  # noqa: E402
from handbook.members.models import Member  # noqa: E402
from handbook.org.models import Organisation, OrgKind, Position, Role  # noqa: E402

TARGET_MS = 300


def naive_city_month(city, month) -> tuple[float, int]:
    """The city's expected total for `month` with a Python loop over every member (what the SQL replaces)."""
    from handbook.dues import service
    from handbook.members.models import ACTIVE_STATUSES

    start = time.perf_counter()
    members = list(db.session.scalars(select(Member).join(Organisation, Organisation.id == Member.cell_id)
                                      .where(Organisation.path.startswith(city.path),
                                             Member.status.in_(ACTIVE_STATUSES))))
    ids = [m.id for m in members]
    profiles, reliefs = service.profiles_of(ids), service.reliefs_of(ids)
    regions = {}
    total = 0
    for member in members:
        if member.cell_id not in regions:
            regions[member.cell_id] = service.region_of(member.cell)
        owed = service.expected_for(member, month, region=regions[member.cell_id], profiles=profiles[member.id],
                                    reliefs=reliefs[member.id])
        total += owed.amount or 0
    return (time.perf_counter() - start) * 1000, total


def main() -> None:
    parser = argparse.ArgumentParser(description="Đo các trang đảng phí trên dữ liệu mẫu 140.000 đảng viên.")
    parser.add_argument("--members", type=int, default=140_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    url = committee_reports.sqlite_copy(args.members, "dues")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(committee_reports.CACHE)})
    with app.app_context():
        upgrade()
        from handbook.auth.models import User
        from handbook.core.timeutil import local_today
        from handbook.dues.totals import dues_totals

        today = local_today()
        this_month = today.strftime("%Y-%m")
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        members = db.session.scalar(select(func.count(Member.id)))
        counter = tree_pages.Counter()
        city_user, city = committee_reports.city_staff()
        ward_user, ward = committee_reports.ward_staff()
        secretary = db.session.scalar(select(User).where(User.email == "bithu@demo.vn"))
        member_user = db.session.scalar(select(User).where(User.email == "dangvien@demo.vn"))
        for user in (secretary, member_user):
            committee_reports.accepted(user)
        demo_cell = db.session.scalar(select(Position.organisation_id).where(Position.user_id == secretary.id,
                                                                             Position.role == Role.BI_THU))
        far_cell = db.session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.CHI_BO,
                                                                   ~Organisation.path.startswith(ward.path))
                                     .order_by(Organisation.id.desc()).limit(1))
        plan = [
            ("bí thư", secretary.id, [("baseline: home /", "/", False),
                                      ("cell sheet (demo cell, this month)", f"/dues/cells/{demo_cell}", True),
                                      ("cell sheet (last month)", f"/dues/cells/{demo_cell}?month={last_month}",
                                       True)]),
            ("member", member_user.id, [("baseline: home /", "/", False), ("/dues/me", "/dues/me", True),
                                        ("GET /api/v1/me/dues", "/api/v1/me/dues", True)]),
            ("ward", ward_user.id, [("baseline: home /", "/", False),
                                    ("/reports/dues (this month)", f"/reports/dues?organisation_id={ward.id}", True),
                                    ("/reports/dues (last month)",
                                     f"/reports/dues?organisation_id={ward.id}&month={last_month}", True),
                                    ("/reports/dues?ytd=1 (this month)",
                                     f"/reports/dues?organisation_id={ward.id}&ytd=1", True),
                                    ("/reports/reviews?kind=unpaid_dues",
                                     f"/reports/reviews?organisation_id={ward.id}&kind=unpaid_dues", True)]),
            ("city", city_user.id, [("baseline: home /", "/", False),
                                    ("/reports/dues (this month)", f"/reports/dues?organisation_id={city.id}", True),
                                    ("/reports/dues (last month)",
                                     f"/reports/dues?organisation_id={city.id}&month={last_month}", True),
                                    ("/reports/dues?ytd=1 (this month)",
                                     f"/reports/dues?organisation_id={city.id}&ytd=1", True),
                                    ("/reports/dues.xlsx", f"/reports/dues.xlsx?organisation_id={city.id}", False),
                                    ("cell sheet (a cell of another ward)", f"/dues/cells/{far_cell}", True),
                                    ("/reports/reviews?kind=unpaid_dues",
                                     f"/reports/reviews?organisation_id={city.id}&kind=unpaid_dues", False)]),
        ]
        table = []
        for role, user_id, rows in plan:
            # each caller in an app context of its own: Flask-Login keeps the signed-in user on `g`
            with app.app_context():
                client = tree_pages.signed_in(app, db.session.get(User, user_id))
                base = None
                for label, path, target in rows:
                    row = committee_reports.measure(client, counter, path, args.runs)
                    if label.startswith("baseline"):
                        base = row.get("p50")
                    table.append((role, label, row, target, base))
        month_start = today.replace(day=1)
        naive = None if args.no_naive else naive_city_month(city, month_start)
        from handbook.dues.totals import month_figures, regions_by_cell
        from handbook.org.scope import Below

        started = time.perf_counter()
        sql_month = sum(f.expected for f in month_figures(city, month_start, Below(city),
                                                          regions_by_cell(city)).values())
        sql_month_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        dues_totals(city, month_start)
        sql_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        dues_totals(city, month_start, full_year=True)
        full_ms = (time.perf_counter() - started) * 1000
    print(f"\ndatabase: {url.split('@')[-1]} · members: {members:,} · runs: {args.runs} · month {this_month}")
    print(f"{'as':<8}{'request':<40}{'cold ms':>9}{'stmts':>7}{'p50 ms':>9}{'p95 ms':>9}{'stmts':>7}"
          f"{'× home':>8}  target")
    for role, label, row, target, base in table:
        if row["status"] != 200:
            print(f"{role:<8}{label:<40}{'HTTP ' + str(row['status']):>32}")
            continue
        # judged on the cold request too: a kept report answers warm requests from memory (reports/kept.py)
        worst = max(row["p95"], row["cold_ms"])
        verdict = f"≤ {TARGET_MS} ms: " + ("met" if worst <= TARGET_MS else "NOT met") if target else ""
        ratio = f"{row['p50'] / base:>8.1f}" if base else f"{'':>8}"
        print(f"{role:<8}{label:<40}{row['cold_ms']:>9.1f}{row['cold_statements']:>7}{row['p50']:>9.1f}"
              f"{row['p95']:>9.1f}{row['statements']:>7}{ratio}  {verdict}")
    print(f"city, computed afresh: the month's figures (SQL GROUP BY) {sql_month_ms:.0f} ms; the report (the month, "
          f"the year's paid and collected) {sql_ms:.0f} ms; with the year's expected (?ytd=1, {today.month} months) "
          f"{full_ms:.0f} ms")
    if naive is not None:
        print(f"city, the month's expected total the naive way (Python per member): {naive[0]:.0f} ms — totals "
              f"{sql_month:,} (SQL) / {naive[1]:,} (naive)")


if __name__ == "__main__":
    main()
