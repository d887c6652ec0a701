"""A cell's leader, on a 360 px phone in large text, adds a candidate and records the first steps of the file in
real Chromium: the form's refusals are Vietnamese (the browser shows no bubble of its own), no English anywhere,
and no page is wider than the phone."""
from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from tests.browser.test_layout_browser import WIDEST, _large_text
from tests.browser.test_login_browser import login

ENGLISH = re.compile(r"\b(the|field|required|Please|invalid|Not a valid|This|must|choose|Submit|Save|File)\b")


@pytest.fixture(scope="module")
def admission_server(tmp_path_factory):
    """Its own small app: a ward, a cell, its bí thư and two official members."""
    from handbook.extensions import db
    from handbook.org.models import OrgKind, Role
    from tests.factories import Factory
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("admission"), "admissionbrowser")
    with app.app_context():
        factory = Factory()
        ward = factory.org("Đảng bộ phường Hòa Bình", OrgKind.DANG_BO_XA)
        cell = factory.org("Chi bộ khu phố 1", OrgKind.CHI_BO, ward)
        leader = factory.user("bithu@kn.vn", name="Lê Văn Thư")
        factory.member(cell, leader, name="Lê Văn Thư")
        factory.grant(leader, cell, Role.BI_THU)
        factory.member(cell, name="Nguyễn Văn Giới")
        db.session.commit()
        cell_id = cell.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", cell_id
    server.shutdown()
    thread.join(timeout=5)


def _fits(page: Page) -> None:
    measured = page.evaluate(WIDEST)
    assert measured["width"] <= 360, measured


def _no_english(page: Page) -> None:
    text = page.locator("body").inner_text()
    assert not ENGLISH.search(text), ENGLISH.search(text)


def test_leader_adds_a_candidate_and_records_steps_on_a_phone(page: Page, admission_server):
    from tests.factories import Factory

    base, cell_id = admission_server
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base, "bithu@kn.vn", Factory.PASSWORD)
    _large_text(page, base)
    page.goto(f"{base}/org/{cell_id}")
    page.get_by_role("link", name="Phát triển đảng viên").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phát triển đảng viên")
    _fits(page)
    _no_english(page)
    page.get_by_role("link", name="Thêm quần chúng").click()
    _fits(page)

    today = date.today()
    page.get_by_label("Họ và tên").fill("Võ Thị Hoa")
    page.get_by_label("Ngày sinh").fill(today.replace(year=today.year - 17).strftime("%d/%m/%Y"))
    page.get_by_label("Giới tính").select_option("nu")
    page.get_by_label("Số CCCD").fill("123")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("Số CCCD phải gồm đúng 12 chữ số.")
    page.get_by_label("Số CCCD").fill("079301000111")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("p.err")).to_have_text("Không được để trống.")  # the school level
    _no_english(page)
    page.get_by_label("Giáo dục phổ thông").select_option("thpt")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("p.err")).to_contain_text("Chưa đủ 18 tuổi")
    _no_english(page)
    page.get_by_label("Ngày sinh").fill("15/03/2001")
    page.get_by_label("Là đoàn viên Đoàn TNCS Hồ Chí Minh").check()
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Võ Thị Hoa")
    expect(page.locator("main")).to_contain_text("Đã thêm Võ Thị Hoa vào danh sách quần chúng ưu tú.")
    _fits(page)
    _no_english(page)

    page.locator("#step-application").get_by_role("link", name="Ghi nhận").click()
    page.get_by_label("Tình trạng").select_option("xong")
    page.get_by_label("Ngày (ngày trên văn bản hoặc ngày diễn ra)").fill("05/01/2026")
    page.get_by_label("Người thực hiện").fill("Đ/c Thư")
    _fits(page)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#step-application")).to_contain_text("Đã xong")
    expect(page.locator("#step-application")).to_contain_text("05/01/2026")

    page.locator("#step-awareness").get_by_role("link", name="Ghi nhận").click()
    page.get_by_label("Tình trạng").select_option("xong")
    page.get_by_label("Ngày (ngày trên văn bản hoặc ngày diễn ra)").fill("10/01/2026")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("muộn hơn ngày 05/01/2026")
    _no_english(page)
    page.get_by_label("Ngày (ngày trên văn bản hoặc ngày diễn ra)").fill("ngày mai")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("p.err")).to_contain_text("Ngày không hợp lệ")
    page.get_by_label("Ngày (ngày trên văn bản hoặc ngày diễn ra)").fill("02/01/2026")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#step-awareness")).to_contain_text("02/01/2026")
    expect(page.locator("main")).to_contain_text("Đã đến bước: Đơn xin vào Đảng")

    page.get_by_role("link", name="Chi bộ khu phố 1").click()
    expect(page.locator("main")).to_contain_text("Võ Thị Hoa")
    _fits(page)
    _no_english(page)
