"""Tree import benchmark: generate a province tree of N cells in the template's columns, then check it (the dry
run) and import it with the code path of `flask org import`, each size in a fresh process on a fresh database.

    .venv/bin/python benchmarks/org_import.py                     # 500 cells (baseline) and 5,000 cells
    .venv/bin/python benchmarks/org_import.py --cells 500 5000 20000
    .venv/bin/python benchmarks/org_import.py --database-url postgresql+psycopg://postgres@127.0.0.1:5433/bench
    .venv/bin/python benchmarks/org_import.py --cells 5000 --profile /tmp/org_import.prof

The tree (Faker vi_VN, seeded): one đảng bộ tỉnh, about one xã/phường per 50 cells (100 for 5,000), and under
each ward chi bộ of villages and residential areas, a few chi bộ cơ sở, and đảng bộ cơ sở with their own chi bộ.
The table: rows (organisations), the dry run's wall time (validate_tree), the import's (import_tree), rows/s over
both, this process's CPU seconds, peak RSS above the ready app, and the ratios to the first size.
The goal: 5,000 cells validated and imported in ≤ 30 s.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from member_import import _cpu, _reset_peak, _status_mb  # noqa: E402  (the same measuring helpers)

SEED = 2026


def tree_rows(cells: int, seed: int = SEED) -> list[tuple[str, str, str, str, str]]:
    """(Mã, Tên, Loại, Mã cấp trên, Bí thư) for a province of `cells` cells (chi bộ and chi bộ cơ sở), parents not
    always first (a real file is not sorted)."""
    from faker import Faker

    faker = Faker("vi_VN")
    faker.seed_instance(seed)
    rng = random.Random(seed)
    rows = [("T", f"Đảng bộ tỉnh {faker.province() if hasattr(faker, 'province') else faker.city()}",
             "Đảng bộ tỉnh", "", "")]
    wards = max(1, round(cells / 50))
    per_ward = [cells // wards + (1 if i < cells % wards else 0) for i in range(wards)]
    for w, budget in enumerate(per_ward, start=1):
        ward = f"T-{w:03d}"
        kind = rng.choice(("Đảng bộ xã", "Đảng bộ phường"))
        rows.append((ward, f"{kind} {faker.last_name()} {faker.first_name()}", "Đảng bộ xã/phường", "T", ""))
        n = 0
        while budget > 0:
            n += 1
            code = f"{ward}-{n:02d}"
            roll = rng.random()
            if roll < 0.1 and budget >= 4:  # a đảng bộ cơ sở (a school, a company) with 3–6 chi bộ
                rows.append((code, f"Đảng bộ {faker.company()}", "Đảng bộ cơ sở", ward, ""))
                for c in range(1, min(budget, rng.randint(3, 6)) + 1):
                    rows.append((f"{code}-{c:02d}", f"Chi bộ {faker.job()[:60]}", "Chi bộ", code, ""))
                    budget -= 1
            elif roll < 0.2:
                rows.append((code, f"Chi bộ cơ sở {faker.company()}", "Chi bộ cơ sở", ward, ""))
                budget -= 1
            else:
                rows.append((code, f"Chi bộ {rng.choice(('thôn', 'khu phố', 'tổ dân phố'))} {faker.street_name()}",
                             "Chi bộ", ward, ""))
                budget -= 1
    head, rest = rows[:1], rows[1:]
    rng.shuffle(rest)  # children may come before their parents
    return rest[: len(rest) // 2] + head + rest[len(rest) // 2:]


def write_tree(path: Path, rows) -> None:
    from openpyxl import Workbook

    from handbook.treeio.columns import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cây tổ chức")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row))
    book.save(path)


def child(path: str, database_url: str | None, workdir: str, profile: str | None) -> dict:
    from flask_migrate import upgrade

    from handbook import create_app
    from handbook.audit.service import CLI
    from handbook.extensions import db
    from handbook.treeio.apply import import_tree
    from handbook.treeio.cli import EVERYWHERE
    from handbook.treeio.validate import validate_tree

    url = database_url or f"sqlite:///{workdir}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": f"{workdir}/instance", "SECRET_KEY": "x"})
    with app.app_context():
        if database_url:
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        rss_ready = _status_mb("VmRSS")
        _reset_peak()
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        cpu_started = _cpu()
        started = time.perf_counter()
        report = validate_tree(path, EVERYWHERE)  # what `flask org import --dry-run` does
        validated = time.perf_counter()
        assert report.ok, [(p.row, p.column, p.value, p.message) for p in report.problems[:5]]
        result = import_tree(report, CLI, origin="benchmark")
        done = time.perf_counter()
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
    return {"rows": report.total, "created": result.created, "validate": validated - started,
            "import": done - validated, "total": done - started, "rss_ready": rss_ready,
            "rss_peak": _status_mb("VmHWM"), "cpu": _cpu() - cpu_started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", default=None, help="cProfile the last size into this file")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.database_url, args.child[1], args.profile)))
        return

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, cells in enumerate(args.cells):
            path = Path(tmp) / f"tree-{cells}.xlsx"
            write_tree(path, tree_rows(cells))
            workdir = Path(tmp) / f"run-{cells}"
            workdir.mkdir()
            command = [sys.executable, __file__, "--child", str(path), str(workdir)]
            if args.database_url:
                command += ["--database-url", args.database_url]
            if args.profile and index == len(args.cells) - 1:
                command += ["--profile", args.profile]
            out = subprocess.run(command, check=True, capture_output=True, text=True, env=dict(os.environ),
                                 cwd=ROOT).stdout.strip().splitlines()[-1]
            result = json.loads(out)
            result["cells"] = cells
            results.append(result)

    base = results[0]
    print(f"database: {args.database_url or 'SQLite (file)'}; Python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPU(s)")
    header = (f"{'cells':>6} {'rows':>6} {'validation s':>12} {'import s':>9} {'total s':>8} {'rows/s':>7} "
              f"{'CPU s':>6} {'peak RSS MB':>11} {'+ over ready':>12} {'× rows':>7} {'× time':>7} {'≤ 30 s':>7}")
    print(header)
    print("-" * len(header))
    for r in results:
        verdict = ("yes" if r["total"] <= 30 else "NO") if r["cells"] == 5000 else "—"
        print(f"{r['cells']:>6} {r['rows']:>6} {r['validate']:>12.2f} {r['import']:>9.2f} {r['total']:>8.2f} "
              f"{r['rows'] / r['total']:>7.0f} {r['cpu']:>6.2f} {r['rss_peak']:>11.0f} "
              f"{r['rss_peak'] - r['rss_ready']:>12.0f} {r['rows'] / base['rows']:>7.1f} "
              f"{r['total'] / base['total']:>7.1f} {verdict:>7}")


if __name__ == "__main__":
    main()
