"""Installability in real Chromium, checked by the browser itself (CDP Page.getInstallabilityErrors)."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import CHROMIUM, CHROMIUM_ARGS
from tests.browser.pwa_helpers import login, wait_controlled


@pytest.fixture
def persistent(playwright, tmp_path):
    """A persistent profile: an incognito-like context always reports `in-incognito`."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        viewport={"width": 360, "height": 740}, locale="vi-VN")
    yield context
    context.close()


def installability_errors(context, page) -> list:
    cdp = context.new_cdp_session(page)
    return cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]


def test_app_is_installable(persistent, live_server):
    page = persistent.pages[0] if persistent.pages else persistent.new_page()
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    page.reload()
    assert installability_errors(persistent, page) == []


def test_manifest_without_icons_is_not_installable(persistent, live_server):
    page = persistent.pages[0] if persistent.pages else persistent.new_page()
    broken = {"name": "Sổ tay đảng viên điện tử", "short_name": "Sổ tay", "start_url": "/", "scope": "/",
              "display": "standalone"}
    persistent.route("**/manifest.webmanifest", lambda route: route.fulfill(
        status=200, content_type="application/manifest+json", body=json.dumps(broken)))
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    page.reload()
    errors = installability_errors(persistent, page)
    assert any("icon" in e["errorId"] for e in errors), errors


def test_home_offers_install_once_and_remembers_dismissal(page, live_server):
    login(page, live_server, "dangvien@demo.vn")
    wait_controlled(page)
    panel = page.locator("#install")
    expect(panel).to_be_hidden()
    # Chromium fires beforeinstallprompt only under its engagement heuristics; a stand-in event drives the UI.
    fake = """() => { const e = new Event('beforeinstallprompt', {cancelable: true});
      e.prompt = () => { window.__prompted = true; }; e.userChoice = Promise.resolve({outcome: 'dismissed'});
      window.dispatchEvent(e); }"""
    page.evaluate(fake)
    expect(panel).to_be_visible()
    expect(page.get_by_role("button", name="Cài đặt ứng dụng")).to_be_visible()
    page.get_by_role("button", name="Cài đặt", exact=True).click()
    assert page.evaluate("window.__prompted") is True
    page.reload()
    page.evaluate(fake)
    expect(panel).to_be_visible()
    page.get_by_role("button", name="Để sau").click()
    expect(panel).to_be_hidden()
    page.reload()
    page.evaluate(fake)
    expect(page.get_by_role("button", name="Cài đặt ứng dụng")).to_be_visible()  # still in the header menu
    expect(panel).to_be_hidden()  # but the home page does not nag again


def test_iphone_sees_add_to_home_screen_steps(browser, live_server):
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
    context = browser.new_context(user_agent=iphone, viewport={"width": 375, "height": 740}, locale="vi-VN")
    page = context.new_page()
    login(page, live_server, "dangvien@demo.vn")
    steps = page.locator("#install-ios")
    expect(steps).to_be_visible()
    expect(steps).to_contain_text("Thêm vào Màn hình chính")
    expect(steps).to_contain_text("nhắc lịch họp chỉ đến được khi đã thêm ứng dụng vào Màn hình chính")
    context.close()
