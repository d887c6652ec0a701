"""A bí thư issues activation codes for the whole demo cell in real Chromium at 360 px: the confirmation, the
slips (no sideways scrolling on the phone; two columns on A4 when printed, the menus hidden) and the SMS page
(its copy buttons shown by the script, the text selectable)."""
from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from tests.browser.test_login_browser import login


@pytest.fixture(scope="module")
def codes_server(tmp_path_factory):
    """Its own seeded app: this test writes (accounts and codes)."""
    from handbook.demo.seed import seed_demo
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("codes-demo"), "codesdemo")
    with app.app_context():
        seed_demo(members=None, if_empty=False, echo=lambda *_: None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_slips_and_sms_for_the_whole_cell_at_360px(page: Page, codes_server):
    base = codes_server
    login(page, base, "bithu@demo.vn")
    page.get_by_role("link", name="Danh bạ chi bộ").click()
    page.get_by_role("link", name="Cấp mã kích hoạt cho cả chi bộ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cấp mã kích hoạt cho cả chi bộ")
    button = page.get_by_role("button", name=re.compile(r"^Cấp \d+ mã kích hoạt$"))
    count = int(re.search(r"\d+", button.inner_text()).group())
    _no_sideways_scroll(page)
    button.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu kích hoạt tài khoản")
    expect(page.locator("article.slip")).to_have_count(count)
    expect(page.locator(".slip-code").first).to_have_text(re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$"))
    expect(page.get_by_role("button", name="In phiếu")).to_be_visible()  # shown by the script
    _no_sideways_scroll(page)
    page.emulate_media(media="print")
    columns = page.evaluate("getComputedStyle(document.querySelector('.slips')).gridTemplateColumns")
    assert len(columns.split()) == 2, columns
    assert page.evaluate("getComputedStyle(document.querySelector('.top')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.flash')).display") == "none"  # "Đã cấp …"
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Tin nhắn soạn sẵn").click()
    expect(page.locator("textarea.copy-source")).to_have_count(count)
    first_text = page.locator("textarea.copy-source").first
    expect(first_text).to_have_value(re.compile(r"^Đ/c .+ mã kích hoạt .+/activate\?code="))
    expect(page.get_by_role("button", name="Sao chép").first).to_be_visible()
    _no_sideways_scroll(page)
