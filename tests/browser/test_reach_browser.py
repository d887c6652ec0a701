"""The reach report on a 360 px phone, normal and large text: nothing wider than the screen (the tables scroll in
their own box), the chart fits, and a committee's staff issue a cell's activation codes in one tap."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_login_browser import login

WIDEST = """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"""


@pytest.mark.parametrize("size", ["normal", "large"])
def test_reach_fits_a_phone(page: Page, live_server, size):
    page.context.add_cookies([{"name": "text_size", "value": size, "url": live_server}])
    login(page, live_server, "canbo@demo.vn")
    page.goto(live_server + "/reports/reach")
    expect(page.get_by_role("heading", level=1, name="Mức độ tiếp cận ứng dụng")).to_be_visible()
    assert page.evaluate(WIDEST) <= 360
    chart = page.locator("img.chart")
    assert chart.bounding_box()["width"] <= 360
    for table in page.locator(".scroll").all():
        assert table.bounding_box()["width"] <= 360
    page.get_by_role("button", name="Cấp mã kích hoạt").first.click()  # one tap: the codes, ready to print
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/activation-codes/" in page.url and page.url.endswith("/slips")
