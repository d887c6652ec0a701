"""On a phone-sized screen: search without diacritics → the article → "Lưu" → the saved list (demo data)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "Demo@2026"


def login(page: Page, base: str, login_name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail hoặc số điện thoại").fill(login_name)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_member_searches_reads_and_bookmarks_on_a_phone(page: Page, live_server):
    login(page, live_server, "dangvien@demo.vn")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Văn bản").click()
    expect(page).to_have_url(live_server + "/regulations")

    page.get_by_label("Tìm trong văn bản").fill("dang phi")
    page.get_by_role("button", name="Tìm", exact=True).click()
    first = page.locator("ul.results li").first
    expect(first.locator("mark").first).to_have_text(re.compile("^(đảng|Đảng)$"))
    first.get_by_role("link").first.click()

    expect(page).to_have_url(re.compile(r"/regulations/articles/\d+$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Điều")
    expect(heading).to_contain_text("đảng phí")
    expect(page.locator("article")).to_contain_text("Văn bản mẫu để trình diễn")
    article_url = page.url
    title = heading.inner_text()

    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu")
    expect(page.get_by_role("button", name="Bỏ lưu")).to_be_visible()

    page.get_by_role("button", name="Chữ lớn").click()  # text size works without JavaScript
    expect(page.locator("article.reader")).to_have_class(re.compile(r"\bt-l\b"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone

    page.goto(live_server + "/regulations/saved")
    saved = page.locator("main ul.list").first
    expect(saved.get_by_role("link", name=title)).to_have_attribute("href", article_url.replace(live_server, ""))
    expect(page.get_by_role("heading", name="Đọc gần đây")).to_be_visible()
