"""Every report page on a 360 px phone, normal and large text, as the ward committee's staff on the demo: nothing
wider than the screen (tables scroll in their own box), charts fit, the tabs wrap; the printable page too."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_login_browser import login

WIDEST = """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"""
PAGES = ["/reports", "/reports/composition", "/reports/meetings", "/reports/attendance",
         "/reports/reviews?kind=retired_workplace", "/reports/reviews?kind=no_attendance", "/reports/reach"]


def _fits(page: Page) -> None:
    assert page.evaluate(WIDEST) <= 360, page.url
    for box in page.locator("img.chart, .scroll, nav.tabs").all():
        assert box.bounding_box()["width"] <= 360, page.url


def test_every_report_fits_a_phone(page: Page, live_server):
    # one login for both text sizes: the staff's TOTP codes are few and wrong ones are throttled
    login(page, live_server, "canbo@demo.vn")
    page.get_by_role("link", name="Báo cáo của cấp ủy: tình hình tháng này").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tình hình tháng")
    for size in ("normal", "large"):
        page.context.add_cookies([{"name": "text_size", "value": size, "url": live_server}])
        for path in PAGES:
            page.goto(live_server + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert (page.evaluate("document.documentElement.classList.contains('text-large')")) == (size == "large")
            expect(page.locator("nav.tabs a[aria-current=page]")).to_have_count(1)
            _fits(page)
            printable = page.get_by_role("link", name="Bản in")
            if printable.count():
                printable.first.click()
                expect(page.get_by_role("heading").first).to_be_visible()
                assert page.evaluate(WIDEST) <= 360, page.url
