"""The organisation tree in real Chromium on a 360 px phone, normal and large text: nothing wider than the screen,
a node's children open in place (JavaScript), a search without diacritics finds a cell, and without JavaScript a
node's link leads to its own page listing its children."""
from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from tests.browser.test_layout_browser import WIDEST, _large_text
from tests.browser.test_login_browser import login

STAFF = "canbo@demo.vn"  # cán bộ of the demo ward's committee (Phường Hải Châu)


@pytest.fixture(scope="module")
def tree_server(tmp_path_factory):
    """Its own seeded app: the staff logins here (each with a second factor) must not spend the codes or the login
    limits of the session's shared demo app."""
    from handbook.demo.seed import seed_demo
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("tree-demo"), "treedemo")
    with app.app_context():
        seed_demo(members=None, if_empty=False, echo=lambda *_: None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _fits(page: Page) -> None:
    measured = page.evaluate(WIDEST)
    assert measured["width"] <= 360, (page.url, measured)


@pytest.mark.parametrize("large", [False, True], ids=["normal-text", "large-text"])
def test_tree_fits_a_phone_expands_lazily_and_searches_without_diacritics(page: Page, tree_server, large):
    login(page, tree_server, STAFF)
    if large:
        _large_text(page, tree_server)
    page.goto(tree_server + "/tree")
    ward = page.locator("ul[data-tree] > li.node").first
    expect(ward.locator("a").first).to_contain_text("Hải Châu")
    _fits(page)

    expand = ward.locator(":scope > button.expand")
    expect(expand).to_be_visible()
    children = ward.locator(":scope > ul.sub > li.node")
    expect(children).to_have_count(0)
    expand.click()
    expect(expand).to_have_attribute("aria-expanded", "true")
    expect(children.first).to_be_visible()
    expect(children.first.locator("a").first).to_contain_text("Chi bộ")  # a cell of the ward, fetched on demand
    _fits(page)

    page.locator("#q").fill("chi bo khu dan cu so 3")
    page.locator("form[role=search]").evaluate("form => form.requestSubmit()")
    page.wait_for_load_state()
    expect(page.locator("ul[data-tree]")).to_contain_text("Chi bộ Khu dân cư số 3")
    _fits(page)


def test_without_javascript_a_node_links_to_its_own_page(browser: Browser, tree_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    try:
        login(page, tree_server, STAFF)
        page.goto(tree_server + "/tree")
        ward = page.locator("ul[data-tree] > li.node").first
        expect(ward.locator(":scope > button.expand")).to_be_hidden()  # nothing to press without JavaScript
        ward.locator("a").first.click()
        page.wait_for_load_state()
        assert re.search(r"/tree/\d+$", page.url), page.url
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hải Châu")
        expect(page.locator("main li.node a").first).to_contain_text("Chi bộ")  # its children, as links
        _fits(page)
    finally:
        context.close()
