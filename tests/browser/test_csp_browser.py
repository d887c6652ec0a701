"""The Content-Security-Policy (no inline script or style) breaks nothing: zero violations on the main pages
for each demo role, the QR check-in page included."""
from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.pwa_helpers import MAIN_PAGES, future_meeting_id
from tests.browser.test_login_browser import login

WATCH = """() => { window.__csp = []; document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI)); }"""


def _violations(page: Page, base: str, paths) -> list[str]:
    found: list[str] = []
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        found += [f"{path}: {v}" for v in page.evaluate("window.__csp || []")]
    return found


def test_no_csp_violations_for_any_demo_role(page: Page, live_server, demo_app):
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(WATCH)
    meeting = future_meeting_id(demo_app, "bithu@demo.vn")
    pages = {
        "dangvien@demo.vn": [*MAIN_PAGES, f"/meetings/{meeting}", "/privacy"],
        "bithu@demo.vn": [*MAIN_PAGES, f"/meetings/{meeting}", f"/meetings/{meeting}/checkin-code"],
        "canbo@demo.vn": [*MAIN_PAGES, "/regulations/new"],
        "admin@demo.vn": [*MAIN_PAGES, "/admin/audit/", "/account/2fa/disable"],
    }
    violations = _violations(page, live_server, ["/login"])
    for who, paths in pages.items():
        login(page, live_server, who)
        assert not page.url.endswith("/login"), who
        violations += _violations(page, live_server, paths)
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_load_state()
    assert not violations, violations
    assert not console, console
