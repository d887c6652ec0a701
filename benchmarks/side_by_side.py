"""Side by side: benchmarks/load.py on a baseline commit and on this checkout, alternating, medians and ratios.

    python benchmarks/side_by_side.py --baseline d3eed10                     # SQLite and PostgreSQL, 3 runs each
    python benchmarks/side_by_side.py --baseline main --databases sqlite --runs 6

Single load runs on a shared machine drift by 10–20 %, so a change is judged against the code before it, run
in turn with it: the baseline is exported with `git archive` into /tmp/handbook-side/<commit>/ (its
translations compiled, this checkout's load_app.py beside it); this checkout's load.py sets up the data and
drives both, the baseline served with `--serve` (so both must share the migration head), and the two versions
alternate `--runs` times per database (members' phase only, no floors).
The table gives, per database and version, the median (and range) of requests/s, p95 and the server's CPU ms
per request, then the ratio this checkout / baseline. The CPU column is the one to judge by: it moves least
with the machine's neighbours.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/handbook-side")
MEMBERS_ROW = re.compile(r"^\| members, \d+ conc\.\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|"
                         r"\s*([\d.]+)\s*\|\s*(\d+)\s*\|[^|]*\|\s*([\d.]+)\s*\|", re.M)
FIGURES = ("req/s", "p95 ms", "CPU ms/req")


def baseline_tree(ref: str) -> tuple[str, Path]:
    """The baseline commit exported once into WORK, with the app load.py serves beside it."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    tree = WORK / sha
    if not (tree / ".complete").exists():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        subprocess.run([str(Path(sys.executable).parent / "pybabel"), "compile", "-d", "handbook/translations"],
                       cwd=tree, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        (tree / ".complete").write_text(sha)
    shutil.copyfile(ROOT / "benchmarks" / "load_app.py", tree / "benchmarks" / "load_app.py")
    ours, theirs = (sorted(p.name for p in (where / "migrations" / "versions").glob("*.py")) for where in (ROOT, tree))
    if ours != theirs:
        raise SystemExit(f"{sha} has other migrations than this checkout: run benchmarks/load.py in each instead")
    return sha, tree


def one_run(tree: Path, database: str, args: argparse.Namespace) -> tuple[float, float, float]:
    """req/s, p95 ms and CPU ms per request of the members' phase of one load.py run serving `tree`."""
    command = [sys.executable, "benchmarks/load.py", "--databases", database, "--no-floors", "--serve", str(tree),
               "--concurrency", str(args.concurrency), "--duration", str(args.duration), "--pg-url", args.pg_url]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    found = MEMBERS_ROW.search(out)
    if found is None or int(found.group(5)):
        raise SystemExit(f"load.py in {tree} gave no clean members' row:\n{out}")
    return float(found.group(1)), float(found.group(3)), float(found.group(6))


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="load.py trên hai phiên bản, xen kẽ: trung vị và tỉ lệ.")
    parser.add_argument("--baseline", required=True, help="a git ref: the code before the change")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3, help="runs per version and database")
    parser.add_argument("--concurrency", type=int, default=30)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5433/postgres")
    args = parser.parse_args(argv)
    sha, tree = baseline_tree(args.baseline)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.strip()
    versions = ((f"baseline `{sha}`", tree), (f"this checkout `{head}`" + (" + changes" if dirty else ""), ROOT))
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for database in args.databases.split(","):
        for run in range(1, args.runs + 1):
            for label, where in versions:
                figures = one_run(where, database, args)
                results.setdefault((database, label), []).append(figures)
                print(f"  {database} run {run}/{args.runs} {label}: "
                      + ", ".join(f"{n} {v:.1f}" for n, v in zip(FIGURES, figures, strict=True)), flush=True)
    print(f"\n{args.runs} alternating runs per version, {args.concurrency} concurrent, {args.duration:.0f} s, "
          "members' pages; median (range)\n")
    print("| database | version | " + " | ".join(FIGURES) + " |")
    print("| --- | --- | " + " | ".join("---:" for _ in FIGURES) + " |")
    for database in args.databases.split(","):
        medians = []
        for label, _ in versions:
            rows = results[(database, label)]
            columns = list(zip(*rows, strict=True))
            medians.append([statistics.median(c) for c in columns])
            print(f"| {database} | {label} | " + " | ".join(summary(list(c)) for c in columns) + " |")
        ratios = [after / before if before else float("nan") for before, after in zip(*medians, strict=True)]
        print(f"| {database} | ratio (this / baseline) | " + " | ".join(f"×{r:.2f}" for r in ratios) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
