"""A member logs in through the form in real Chromium and sees the Vietnamese home page."""
from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Page, expect

from handbook.demo.security import DEMO_TOTP_SECRET

DEMO_PASSWORD = "Demo@2026"


def login(page: Page, base: str, login_name: str, password: str = DEMO_PASSWORD) -> None:
    """The login form; staff (admin@demo.vn, canbo@demo.vn) then enter a code from the demo TOTP secret."""
    page.goto(base + "/login")
    page.get_by_label("E-mail hoặc số điện thoại").fill(login_name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    if page.url.endswith("/login/2fa"):
        second_factor(page)


def second_factor(page: Page) -> None:
    """A code is accepted once: a second login in the same 30 s uses the next step's code (valid ±1 step)."""
    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    for attempt in range(4):
        if attempt == 2:
            time.sleep(31)  # both usable codes were spent by earlier logins: wait for a new one
        page.get_by_label("Mã xác thực").fill(totp.at(time.time() + (30 if attempt % 2 else 0)))
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()
        if not page.url.endswith("/login/2fa"):
            return
    raise AssertionError("the demo TOTP code was refused")


def test_member_logs_in_and_sees_vietnamese_home(page: Page, live_server):
    login(page, live_server, "dangvien@demo.vn")
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào, đồng chí")
    expect(page.locator("main")).to_contain_text("Chi bộ Khu dân cư số 3")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    for label in ("Trang chủ", "Lịch họp", "Văn bản", "Thông báo", "Cá nhân"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "vi"


def test_phone_login_in_national_format(page: Page, live_server):
    login(page, live_server, "0901 234 567")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào, đồng chí")


def test_wrong_password_shows_vietnamese_error(page: Page, live_server):
    login(page, live_server, "dangvien@demo.vn", "sai-mat-khau")
    expect(page.get_by_role("alert")).to_contain_text("E-mail/số điện thoại hoặc mật khẩu không đúng.")
    expect(page).to_have_url(live_server + "/login")


def test_secretary_sees_position_and_logs_out(page: Page, live_server):
    login(page, live_server, "bithu@demo.vn")
    expect(page.locator("main")).to_contain_text("Bí thư Chi bộ Khu dân cư số 3")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(live_server + "/login")
    page.goto(live_server + "/profile")
    expect(page).to_have_url(live_server + "/login?next=/profile")
