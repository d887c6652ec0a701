"""Bytes a member's phone downloads on a first visit to each main page, measured in Chromium.

    python benchmarks/page_weight.py                        # serves a fresh demo database itself
    python benchmarks/page_weight.py --login bithu@demo.vn

Each page opens in a fresh browser context (empty HTTP cache, service worker blocked so the network is what
is measured) signed in as the member. CDP Network events give the bytes on the wire (`encodedDataLength`,
headers included) and the decoded bytes; the baseline is the same page uncompressed. Budgets:
home ≤ 60 KB HTML+CSS+JS transferred, all JavaScript ≤ 15 KB compressed.
"""
from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.live_demo import CHROMIUM, CHROMIUM_ARGS, a_meeting_path, demo_server, session_cookie  # noqa: E402

PAGE_BUDGET_KB = 60
JS_BUDGET_KB = 15
SHELL_TYPES = {"Document", "Stylesheet", "Script"}


def measure(browser, base: str, path: str, cookie: str | None) -> dict:
    context = browser.new_context(service_workers="block", viewport={"width": 360, "height": 740}, locale="vi-VN")
    if cookie:
        context.add_cookies([{"name": "session", "value": cookie, "url": base}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    reqs: dict[str, dict] = {}
    cdp.on("Network.requestWillBeSent", lambda e: reqs.setdefault(e["requestId"], {"type": e.get("type", "Other"),
                                                                                    "wire": 0, "body": 0}))
    cdp.on("Network.responseReceived", lambda e: reqs.setdefault(e["requestId"], {"wire": 0, "body": 0}).update(
        type=e["type"], url=e["response"]["url"]))
    cdp.on("Network.dataReceived", lambda e: _add(reqs, e["requestId"], "body", e["dataLength"]))
    cdp.on("Network.loadingFinished", lambda e: _add(reqs, e["requestId"], "wire", e["encodedDataLength"]))
    response = page.goto(base + path, wait_until="networkidle")
    assert response is not None and response.status == 200 and response.url == base + path, (path, response.url)
    context.close()
    done = [r for r in reqs.values() if r["wire"]]
    shell = [r for r in done if r["type"] in SHELL_TYPES]
    return {
        "requests": len(done),
        "all": sum(r["wire"] for r in done) / 1024,
        "shell": sum(r["wire"] for r in shell) / 1024,
        "js": sum(r["wire"] for r in done if r["type"] == "Script") / 1024,
        "raw": sum(r["body"] for r in shell) / 1024,
    }


def js_sizes(app) -> dict[str, tuple[int, int]]:
    """The two scripts as the server sends them: (uncompressed, brotli) body bytes."""
    from handbook.pwa.assets import static_url

    client = app.test_client()
    with app.test_request_context():
        urls = {"app.js": static_url("app.js"), "sw.js": "/sw.js"}
    out = {}
    for name, url in urls.items():
        raw = len(client.get(url).get_data())
        compressed = client.get(url, headers={"Accept-Encoding": "br"})
        assert compressed.headers.get("Content-Encoding") == "br", name
        out[name] = (raw, len(compressed.get_data()))
    return out


def _add(reqs: dict, rid: str, key: str, n: int) -> None:
    reqs.setdefault(rid, {"type": "Other", "wire": 0, "body": 0})[key] += n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--login", default="dangvien@demo.vn")
    args = parser.parse_args()
    with demo_server() as (base, app), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        cookie = session_cookie(app, args.login)
        pages = [("/login", None), ("/", cookie), ("/meetings", cookie), (a_meeting_path(app, args.login), cookie),
                 ("/regulations", cookie), ("/notifications", cookie), ("/profile", cookie), ("/offline", None)]
        rows = [(path, measure(browser, base, path, c)) for path, c in pages]
        browser.close()
        js = js_sizes(app)
    login_kb = rows[0][1]["shell"]
    print(f"First visit, signed in as {args.login}, 360 px, empty cache, service worker blocked.")
    print("HTML+CSS+JS = document, stylesheet and script bytes on the wire (compressed, headers included);")
    print("uncompressed = the same files decoded (the baseline); all = every request incl. icons.\n")
    header = (f"{'page':<16}{'requests':>9}{'all KB':>9}{'HTML+CSS+JS KB':>16}{'JS KB':>8}{'uncompr. KB':>13}"
              f"{'compr./uncompr.':>17}{'vs /login':>11}{'budget':>9}")
    print(header)
    print("-" * len(header))
    ok = True
    for path, m in rows:
        fits = m["shell"] <= PAGE_BUDGET_KB and m["js"] <= JS_BUDGET_KB
        ok &= fits
        print(f"{path:<16}{m['requests']:>9}{m['all']:>9.1f}{m['shell']:>16.1f}{m['js']:>8.1f}{m['raw']:>13.1f}"
              f"{m['shell'] / m['raw']:>17.2f}{m['shell'] / login_kb:>11.2f}{'ok' if fits else 'OVER':>9}")
    print(f"\nbudget: HTML+CSS+JS ≤ {PAGE_BUDGET_KB} KB per page, JavaScript ≤ {JS_BUDGET_KB} KB compressed")
    total = sum(c for _raw, c in js.values())
    print("all JavaScript (body bytes, brotli as served): " + ", ".join(
        f"{name} {c / 1024:.1f} KB (raw {raw / 1024:.1f} KB)" for name, (raw, c) in js.items())
        + f" = {total / 1024:.1f} KB {'ok' if total <= JS_BUDGET_KB * 1024 else 'OVER'}")
    ok &= total <= JS_BUDGET_KB * 1024
    own, child = (resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"peak RSS: this process (server + driver) {own:.0f} MB, Chromium (largest child) {child:.0f} MB")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
