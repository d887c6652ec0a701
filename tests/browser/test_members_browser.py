"""The bí thư's member-records round in real Chromium: edit a member, import the sample file with bad rows,
import the valid ones, download the rejected rows and the export; the admin sees it all in the audit log."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from tests.browser.test_login_browser import login

SAMPLE = Path(__file__).resolve().parents[2] / "handbook" / "members" / "samples" / "demo_import.xlsx"


@pytest.fixture(scope="module")
def members_server(tmp_path_factory):
    """Its own seeded app: this test writes (an import), so it does not share the session's demo app."""
    from handbook.demo.seed import seed_demo
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("members-demo"), "membersdemo")
    with app.app_context():
        seed_demo(members=None, if_empty=False, echo=lambda *_: None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_secretary_edits_imports_exports_and_admin_audits(page: Page, members_server):
    base = members_server
    login(page, base, "bithu@demo.vn")
    page.get_by_role("link", name="Danh bạ chi bộ").click()
    first = page.locator("ul.dir li a[href^='/members/']").nth(1)
    first.click()
    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.get_by_label("Nghề nghiệp", exact=True).fill("Kỹ sư xây dựng")
    page.get_by_label("Số CCCD").fill("123")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("Số CCCD phải gồm đúng 12 chữ số.")
    page.get_by_label("Số CCCD").fill("")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("Lịch sử thay đổi")
    expect(page.locator("main")).to_contain_text("Kỹ sư xây dựng")

    page.goto(base + "/members/import")
    page.get_by_label("Tệp Excel").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator("main")).to_contain_text("8 dòng hợp lệ, 4 dòng lỗi hoặc trùng")
    expect(page.locator("tr.bad")).to_have_count(4)
    expect(page.locator("main")).to_contain_text("Trùng số CCCD với dòng 2 trong tệp.")
    page.get_by_label("Chỉ nhập 8 dòng hợp lệ").check()
    page.get_by_role("button", name="Nhập các dòng hợp lệ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã nhập 8 đảng viên")
    with page.expect_download() as rejected:
        page.get_by_role("link", name="Tải các dòng bị từ chối").click()
    assert rejected.value.suggested_filename.endswith(".xlsx")
    page.get_by_role("link", name="Xem danh sách chi bộ").click()
    with page.expect_download() as export:
        page.get_by_role("link", name="Xuất danh sách Excel").click()
    assert export.value.suggested_filename.startswith("danh-sach-dang-vien")
    page.get_by_role("button", name="Đăng xuất").click()

    login(page, base, "admin@demo.vn")
    page.goto(base + "/admin/audit/")
    for action in ("Sửa hồ sơ", "Xem hồ sơ", "Nhập danh sách từ Excel", "Xuất danh sách Excel"):
        expect(page.locator("main table")).to_contain_text(action)


def test_member_sees_directory_cards_and_edits_own_contact(page: Page, members_server):
    base = members_server
    login(page, base, "dangvien@demo.vn")
    page.get_by_role("link", name="Danh bạ chi bộ").click()
    expect(page.locator("ul.dir a[href^='tel:']").first).to_be_visible()
    expect(page.locator("ul.dir a[href^='/members/']")).to_have_count(0)
    page.get_by_role("link", name="Cá nhân").click()
    page.get_by_role("link", name="Sửa liên hệ, ảnh").click()
    page.get_by_label("Nơi cư trú").fill("Số 5 ngõ 12 phố Huế")
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(base + "/profile")
    expect(page.locator("main")).to_contain_text("Số 5 ngõ 12 phố Huế")
