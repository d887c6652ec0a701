"""The tree import page in real Chromium on a 360 px phone, in normal and large text: committee staff upload a
small file with one bad row, the preview names it (row, column, value, problem) and writes nothing; the fixed file
is confirmed and the ward's page lists the new cells."""
from __future__ import annotations

import threading

import pytest
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from handbook.treeio.columns import COLUMNS
from tests.browser.test_login_browser import login

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def tree_site(tmp_path_factory):
    """Its own seeded app (this test writes organisations); yields the base URL and the staff's ward."""
    from handbook.auth.models import User
    from handbook.demo.seed import seed_demo
    from handbook.extensions import db
    from handbook.org.models import Organisation, Position
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("tree-demo"), "treedemo")
    with app.app_context():
        seed_demo(members=None, if_empty=False, echo=lambda *_: None)
        ward = db.session.scalar(select(Organisation).join(Position, Position.organisation_id == Organisation.id)
                                 .join(User, User.id == Position.user_id).where(User.email == "canbo@demo.vn"))
        ward_info = {"id": ward.id, "code": ward.code, "name": ward.name}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", ward_info
    server.shutdown()
    thread.join(timeout=5)


def _file(path, rows) -> str:
    book = Workbook()
    book.active.append(list(COLUMNS))
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return str(path)


def _upload(page: Page, base: str, path: str) -> None:
    page.goto(base + "/org/tree/import")
    page.get_by_label("Tệp Excel (.xlsx, tối đa 5 MB)").set_input_files(path)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_bad_row_named_then_fixed_file_imported(browser: Browser, browser_context_args, tree_site, tmp_path, large):
    base, ward = tree_site
    context = browser.new_context(**browser_context_args)
    if large:
        context.add_cookies([{"name": "text_size", "value": "large", "url": base}])
    page = context.new_page()
    login(page, base, "canbo@demo.vn")
    suffix = "L" if large else "N"
    first = (f"{ward['code']}-{suffix}1", f"Chi bộ Khu dân cư mới {suffix}1", "Chi bộ", ward["code"], "")
    second = (f"{ward['code']}-{suffix}2", f"Chi bộ Khu dân cư mới {suffix}2", "Chi bộ", "KHONG-CO", "")

    _upload(page, base, _file(tmp_path / "sai.xlsx", [first, second]))
    assert page.evaluate("document.documentElement.classList.contains('text-large')") is large
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem trước: cây tổ chức")
    bad = page.locator("tr.bad")
    expect(bad).to_have_count(1)
    expect(bad.locator("td").nth(0)).to_have_text("3")
    expect(bad.locator("td").nth(1)).to_have_text("Mã cấp trên")
    expect(bad.locator("td").nth(2)).to_have_text("KHONG-CO")
    expect(page.get_by_text("Chưa ghi gì. Hãy sửa tệp rồi tải lên lại.")).to_be_visible()
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    assert page.evaluate(NO_SIDEWAYS), "the preview is wider than the phone"

    fixed = (second[0], second[1], second[2], ward["code"], "")
    _upload(page, base, _file(tmp_path / "dung.xlsx", [first, fixed]))
    expect(page.get_by_text("Nếu nhập: 2 tổ chức mới")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS), "the preview is wider than the phone"
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã nhập cây tổ chức")
    assert page.evaluate(NO_SIDEWAYS), "the result is wider than the phone"

    page.get_by_role("link", name="Xem các tổ chức đảng").click()
    page.get_by_role("link", name=ward["name"]).first.click()
    for name in (first[1], second[1]):
        expect(page.get_by_text(name, exact=True)).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS), "the ward's page is wider than the phone"
    context.close()
