"""The admissions report in real Chromium on a 360 px phone, normal and large text: the charts are drawn (SVG images
from data: URLs, allowed by the app's Content-Security-Policy, their own styles applied), no policy violation is
reported, and nothing is wider than the screen; the printable page too."""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser.test_layout_browser import WIDEST, _large_text
from tests.browser.test_login_browser import login

STAFF = "canbo@demo.vn"  # cán bộ of the demo ward's committee


@pytest.fixture(scope="module")
def report_server(tmp_path_factory):
    """Its own seeded app (a staff login spends second-factor codes); the demo has this year's admissions in the
    staff member's ward, and its targets."""
    from handbook.admission.report import admissions_report
    from handbook.auth.models import User
    from handbook.core.timeutil import local_today
    from handbook.demo.seed import seed_demo
    from handbook.extensions import db
    from handbook.org.models import Organisation, Position
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("report-demo"), "reportdemo")
    with app.app_context():
        seed_demo(members=None, if_empty=False, echo=lambda *_: None)
        user = db.session.scalar(select(User).where(User.email == STAFF))
        ward = db.session.scalar(select(Organisation).join(Position, Position.organisation_id == Organisation.id)
                                 .where(Position.user_id == user.id))
        admitted = admissions_report(ward, local_today().year, today=local_today()).total.admitted
        assert admitted > 0
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", admitted
    server.shutdown()
    thread.join(timeout=5)


def _charts_drawn(page: Page) -> None:
    charts = page.locator("img.chart")
    expect(charts).to_have_count(2)
    sizes = charts.evaluate_all("imgs => imgs.map(i => [i.complete, i.naturalWidth, i.getBoundingClientRect().width])")
    for complete, natural, shown in sizes:
        assert complete and natural > 0, sizes  # decoded: the image loaded under the policy
        assert 0 < shown <= 360, sizes


def _fits(page: Page) -> None:
    measured = page.evaluate(WIDEST)
    assert measured["width"] <= 360, (page.url, measured)


def test_the_report_fits_a_phone_with_its_charts(page: Page, report_server):
    report_server, admitted = report_server
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, report_server, STAFF)
    for large in (False, True):
        if large:
            _large_text(page, report_server)
        page.goto(report_server + "/admission/report")
        expect(page.locator("h1")).to_contain_text("Kết nạp đảng viên năm")
        expect(page.locator("main")).to_contain_text(f"Đã kết nạp {admitted} đảng viên.")
        _charts_drawn(page)
        _fits(page)
        page.get_by_role("link", name="Bản in").click()
        page.wait_for_load_state()
        expect(page.locator("nav")).to_have_count(0)  # no menu on the printable page
        _charts_drawn(page)
        _fits(page)
        page.goto(report_server + "/admission/targets")
        expect(page.get_by_role("button", name="Lưu chỉ tiêu")).to_be_visible()
        _fits(page)
    assert violations == []
