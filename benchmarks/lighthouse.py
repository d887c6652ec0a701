"""Lighthouse (mobile: emulated Moto G, simulated slow 4G, 4× CPU slowdown) on the pages a member opens most.

    make lighthouse && python benchmarks/lighthouse.py     # optional; not part of `make test`

Serves a fresh demo database itself, signs in as the demo member and passes the session cookie to Lighthouse.
Targets: performance ≥ 0.95 and accessibility 1.0; the login page (anonymous) is the baseline row.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_demo import CHROMIUM, a_meeting_path, demo_server, session_cookie  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
METRICS = (("first-contentful-paint", "FCP"), ("largest-contentful-paint", "LCP"), ("total-blocking-time", "TBT"),
           ("cumulative-layout-shift", "CLS"))


def run(url: str, cookie: str | None) -> dict:
    cmd = ["node", str(CLI), url, "--quiet", "--output=json", "--output-path=stdout",
           "--only-categories=performance,accessibility",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"]
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": f"session={cookie}"}))
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env={**os.environ, "CHROME_PATH": CHROMIUM},
                         check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--login", default="dangvien@demo.vn")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median-performance run is shown")
    args = parser.parse_args()
    if not CLI.exists():
        sys.exit("Lighthouse is not installed: run `make lighthouse` (npm install --no-save lighthouse@12.8.2).")
    with demo_server() as (base, app):
        cookie = session_cookie(app, args.login)
        pages = [("/login", None), ("/", cookie), ("/meetings", cookie), (a_meeting_path(app, args.login), cookie),
                 ("/regulations", cookie)]
        rows = []
        for path, c in pages:
            reports = sorted((run(base + path, c) for _ in range(args.runs)),
                             key=lambda r: r["categories"]["performance"]["score"])
            report = reports[len(reports) // 2]
            assert report["finalDisplayedUrl"].endswith(path), (path, report["finalDisplayedUrl"])
            rows.append((path, report))
    header = f"{'page':<14}{'perf':>6}{'a11y':>6}" + "".join(f"{label:>9}" for _k, label in METRICS) + f"{'target':>9}"
    print(f"Lighthouse {rows[0][1]['lighthouseVersion']}, mobile, signed in as {args.login} (login page anonymous), "
          f"median of {args.runs} run(s) per page\n")
    print(header)
    print("-" * len(header))
    ok = True
    for path, r in rows:
        perf, a11y = r["categories"]["performance"]["score"], r["categories"]["accessibility"]["score"]
        fits = perf >= 0.95 and a11y == 1.0
        ok &= fits
        metrics = "".join(f"{r['audits'][k]['displayValue'].replace(chr(160), ' '):>9}" for k, _l in METRICS)
        print(f"{path:<14}{perf:>6.2f}{a11y:>6.2f}{metrics}{'ok' if fits else 'MISS':>9}")
        failing = [a for a, v in r["audits"].items()
                   if v.get("score") is not None and v["score"] < 1 and a in _a11y_ids(r)]
        if failing:
            print(f"{'':<14}accessibility audits not passed: {', '.join(failing)}")
    baseline = rows[0][1]["categories"]["performance"]["score"]
    print("\nperformance relative to the login page: " + ", ".join(
        f"{p} {r['categories']['performance']['score'] / baseline:.2f}" for p, r in rows[1:]))
    own, child = (resource.getrusage(w).ru_maxrss / 1024 for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"peak RSS: this process (server) {own:.0f} MB, largest child (node/Chromium) {child:.0f} MB")
    sys.exit(0 if ok else 1)


def _a11y_ids(report: dict) -> set[str]:
    return {ref["id"] for ref in report["categories"]["accessibility"]["auditRefs"] if ref.get("weight", 0) > 0}


if __name__ == "__main__":
    main()
