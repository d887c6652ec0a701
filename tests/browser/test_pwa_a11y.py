"""Accessibility in real Chromium: axe-core on every main page, 320 px width, touch targets, large text."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pwa_helpers import MAIN_PAGES, future_meeting_id, login

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AXE = os.path.join(ROOT, "node_modules", "axe-core", "axe.min.js")
AXE_RUN = """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
  'wcag22aa', 'best-practice']}, resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', ')))"""


@pytest.fixture(scope="module")
def axe_path():
    if not os.path.exists(AXE):
        pytest.fail("axe-core is missing: run `make dev-setup` (npm install --no-save axe-core@4.14.1)", pytrace=False)
    return AXE


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """axe is injected as an inline script, which the app's Content-Security-Policy (rightly) blocks: this
    module's browser lets the test's own script through (the CSP itself is tested in test_csp_browser.py)."""
    return {**browser_context_args, "bypass_csp": True}


def _pages(demo_app) -> list[str]:
    return [*MAIN_PAGES, f"/meetings/{future_meeting_id(demo_app, 'dangvien@demo.vn')}"]


def _axe(page: Page, axe_path: str) -> list[str]:
    page.add_script_tag(path=axe_path)
    return page.evaluate(AXE_RUN)


@pytest.mark.parametrize("width", [360, 320])
def test_axe_no_serious_violations_on_main_pages(page: Page, live_server, demo_app, axe_path, width):
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(live_server + "/login")
    problems = {"/login": _axe(page, axe_path)}
    login(page, live_server, "dangvien@demo.vn")
    for path in [*_pages(demo_app), "/offline"]:
        page.goto(live_server + path)
        problems[path] = _axe(page, axe_path)
        # Usable at this width: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    assert {p: v for p, v in problems.items() if v} == {}


def test_touch_targets_are_44px(page: Page, live_server, demo_app):
    page.set_viewport_size({"width": 320, "height": 740})
    login(page, live_server, "dangvien@demo.vn")
    small = {}
    for path in _pages(demo_app):
        page.goto(live_server + path)
        found = page.evaluate("""() => [...document.querySelectorAll(
            'button, .btn, nav.bottom a, input:not([type=hidden]):not([type=radio]), select, textarea')]
          .filter(e => e.offsetParent !== null)
          .map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect()])
          .filter(([, r]) => r.height < 44).map(([t, r]) => t + ':' + Math.round(r.height))""")
        if found:
            small[path] = found
    assert small == {}


def test_large_text_setting_is_remembered(page: Page, live_server):
    login(page, live_server, "dangvien@demo.vn")
    page.goto(live_server + "/profile")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_label("Chữ lớn").check()
    page.get_by_role("button", name="Lưu cỡ chữ").click()
    # the form posts and comes back to the same URL: wait for the new page itself, not for the URL
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-large\b"))
    page.wait_for_load_state("load")
    expect(page).to_have_url(live_server + "/profile")
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= normal * 1.2
    page.goto(live_server + "/meetings")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == large
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(live_server + "/profile")
    page.get_by_label("Chữ thường").check()
    page.get_by_role("button", name="Lưu cỡ chữ").click()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\btext-large\b"))
    page.wait_for_load_state("load")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == normal


def test_focus_order_starts_with_skip_link(page: Page, live_server):
    login(page, live_server, "dangvien@demo.vn")
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")
    page.wait_for_function("document.activeElement && document.activeElement.closest('main') !== null")
