"""A new service worker waits; the page offers "Có phiên bản mới — tải lại" and reloads only when asked."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.pwa_helpers import login, wait_controlled


def test_update_waits_and_prompt_reloads(page: Page, live_server, demo_app):
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    old = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    old_version = page.evaluate("fetch('/sw.js').then(r => r.text()).then(t => /VERSION = \"(\\w+)\"/.exec(t)[1])")
    button = page.get_by_role("button", name="Có phiên bản mới — tải lại")
    expect(button).to_be_hidden()
    demo_app.config["PWA_VERSION"] = "browser-test-2"
    try:
        page.evaluate("window.__marker = 'still here'")
        page.evaluate("navigator.serviceWorker.ready.then(r => r.update())")
        expect(button).to_be_visible(timeout=15_000)
        # The new worker waits: the page in use keeps its worker and its state.
        assert page.evaluate("window.__marker") == "still here"
        assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.waiting)") is True
        with page.expect_event("load"):
            button.click()
        expect(button).to_be_hidden()
        wait_controlled(page)
        assert page.evaluate("window.__marker === undefined")  # reloaded
        shells = page.evaluate("caches.keys().then(ks => ks.filter(k => k.startsWith('shell-')))")
        assert shells and f"shell-{old_version}" not in shells
        assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == old
    finally:
        demo_app.config["PWA_VERSION"] = "1"
