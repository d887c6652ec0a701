"""The meetings screens on a 360 px phone in real Chromium, in normal and large text: the series preview (with and
without dates), the check-in digits, the leaders' buttons, the attendance sheet, the day's buttons on the home
page, copying the calendar address, and withdrawing an absence notice while offline.

Its own small app (not the demo data): a cell whose meeting starts in ten minutes (check-in open), a meeting in
three days the member has sent an absence notice for, and a second cell whose next year is already planned."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser.pwa_helpers import visit, wait_controlled
from tests.browser.test_login_browser import login
from tests.factories import Factory

LEADER, MEMBER = "bithu@hop.vn", "dangvien@hop.vn"
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from handbook.core.timeutil import to_local, utcnow
    from handbook.meetings import attendance, scheduling
    from handbook.meetings.models import MeetingFormat, MeetingKind
    from handbook.org.models import OrgKind, Role
    from tests.support import build_app

    app = build_app(tmp_path_factory.mktemp("meet-phone"), "meetphone")
    with app.app_context():
        f = Factory()
        ward = f.org("Đảng bộ phường Hải Châu I", OrgKind.DANG_BO_XA)
        cell = f.org("Chi bộ Khu dân cư số 5", OrgKind.CHI_BO, ward)
        planned = f.org("Chi bộ Khu dân cư số 6", OrgKind.CHI_BO, ward)
        leader = f.user(LEADER, name="Nguyễn Thị Hồng")
        f.member(cell, leader, name="Nguyễn Thị Hồng")
        f.grant(leader, cell, Role.BI_THU)
        f.grant(leader, planned, Role.BI_THU)
        member = f.member(cell, f.user(MEMBER, name="Trần Văn Minh"), name="Trần Văn Minh")
        for name in ("Hoàng Thị Phương Thảo Nguyên", "Lê Văn Thành", "Phạm Quốc Khánh"):
            f.member(cell, name=name)
        f.commit()
        now = utcnow()
        soon = scheduling.create_meeting(cell, scheduling.MeetingInput(
            kind=MeetingKind.THUONG_KY, format=MeetingFormat.KET_HOP, starts_at=now + timedelta(minutes=10),
            ends_at=now + timedelta(minutes=100), place="Nhà văn hóa khu dân cư số 5",
            online_url="https://meet.jit.si/chi-bo-khu-5"), leader.id)
        later = scheduling.create_meeting(cell, scheduling.MeetingInput(
            kind=MeetingKind.CHUYEN_DE, starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2),
            place="Hội trường phường"), leader.id)
        attendance.send_absence(later, member, "Đi công tác Quảng Ngãi")
        next_year = to_local(now).year + 1
        scheduling.create_series(planned, next_year, leader.id, place="Nhà văn hóa khu dân cư số 6")
        ids = {"cell": cell.id, "planned": planned.id, "soon": soon.id, "later": later.id, "year": next_year,
               "member": member.id}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", ids
    server.shutdown()
    thread.join(timeout=5)


def _phone(browser: Browser, browser_context_args, base: str, who: str, large: bool) -> Page:
    context = browser.new_context(**browser_context_args)
    if large:
        context.add_cookies([{"name": "text_size", "value": "large", "url": base}])
    page = context.new_page()
    login(page, base, who, Factory.PASSWORD)
    return page


def _fits(page: Page, path: str) -> None:
    assert page.evaluate(NO_SIDEWAYS), f"{path} is wider than the screen"


def _small_buttons(page: Page, selector: str) -> list[str]:
    return page.evaluate("""(sel) => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null)
        .map(e => [e.textContent.trim(), e.getBoundingClientRect()]).filter(([, r]) => r.height < 44)
        .map(([t, r]) => t + ':' + Math.round(r.height))""", selector)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_leader_screens_fit_a_phone(browser, browser_context_args, site, large):
    app, base, ids = site
    page = _phone(browser, browser_context_args, base, LEADER, large)
    assert page.evaluate("document.documentElement.classList.contains('text-large')") is large

    # the series preview: twelve dates for this cell, a clear reason (and next step) for the planned one
    page.goto(f"{base}/meetings/series/new?org={ids['cell']}&year={ids['year']}")
    page.get_by_role("button", name="Xem trước các ngày họp").click()
    expect(page.get_by_role("button", name="Tạo 12 buổi họp")).to_be_visible()
    _fits(page, "series preview")
    page.goto(f"{base}/meetings/series/new?org={ids['planned']}&year={ids['year']}")
    page.get_by_role("button", name="Xem trước các ngày họp").click()
    expect(page.locator("#series-blocked")).to_contain_text(
        f"Chi bộ đã có lịch sinh hoạt thường kỳ năm {ids['year']}.")
    expect(page.get_by_role("link", name="Xem lịch sinh hoạt")).to_be_visible()
    _fits(page, "series blocked")

    # the key actions: visible buttons a finger can hit, on the list and on the meeting
    page.goto(f"{base}/meetings")
    for name in ("Thêm buổi họp", "Tạo lịch thường kỳ cả năm"):
        expect(page.get_by_role("link", name=name).first).to_be_visible()
    assert _small_buttons(page, ".leader .btn") == []
    _fits(page, "/meetings")
    page.goto(f"{base}/meetings/{ids['soon']}")
    for name in ("Mã điểm danh (QR)", "Điểm danh", "Biên bản, nghị quyết, biểu quyết"):
        expect(page.locator(".leader").get_by_role("link", name=name, exact=True)).to_be_visible()
    assert _small_buttons(page, ".leader .btn") == []
    _fits(page, "meeting page")

    # the attendance sheet with its "Tất cả có mặt" button
    page.goto(f"{base}/meetings/{ids['soon']}/attendance")
    expect(page.get_by_role("button", name="Tất cả có mặt")).to_be_visible()
    assert _small_buttons(page, "main button") == []
    _fits(page, "attendance sheet")

    # the check-in code: big digits, bigger still in large text, on one line within the screen
    page.goto(f"{base}/meetings/{ids['soon']}/checkin-code")
    digits = page.locator("p.big")
    expect(digits).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p.big')).fontSize)")
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 2.4 * body, (size, body)
    box = digits.bounding_box()
    assert box["height"] < size * 2  # one line
    _fits(page, "check-in code")
    page.context.close()


def test_check_in_digits_grow_in_large_text(browser, browser_context_args, site):
    app, base, ids = site
    sizes = {}
    for large in (False, True):
        page = _phone(browser, browser_context_args, base, LEADER, large)
        page.goto(f"{base}/meetings/{ids['soon']}/checkin-code")
        sizes[large] = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p.big')).fontSize)")
        page.context.close()
    assert sizes[False] >= 2.4 * 16, sizes  # big on the leader's screen to begin with (body text is 16 px)
    assert sizes[True] > sizes[False] * 1.15, sizes


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_member_home_on_meeting_day_and_the_calendar_address(browser, browser_context_args, site, large):
    app, base, ids = site
    page = _phone(browser, browser_context_args, base, MEMBER, large)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    today = page.locator("#today")
    expect(today.get_by_role("button", name="Điểm danh có mặt")).to_be_visible()
    expect(today.get_by_label("Mã điểm danh")).to_be_visible()  # in person too (hybrid): the code is asked for
    expect(today.get_by_role("link", name="Tham gia trực tuyến")).to_be_visible()
    assert _small_buttons(page, "#today .btn, #today input") == []
    _fits(page, "home")

    page.goto(base + "/profile")
    page.get_by_role("button", name="Tạo địa chỉ lịch mới").click()
    expect(page).to_have_url(base + "/calendar/tokens")
    field = page.get_by_label("Địa chỉ lịch")
    address = field.input_value()
    assert address.startswith(base + "/calendar/") and address.endswith(".ics")
    page.get_by_role("button", name="Sao chép địa chỉ").click()
    expect(page.locator("#feed-url-status")).to_have_text("Đã sao chép địa chỉ.")
    assert page.evaluate("navigator.clipboard.readText()") == address
    _fits(page, "calendar address")
    page.reload()  # shown once: a reload explains instead of failing (no 405)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lịch sinh hoạt trên điện thoại")
    expect(page.get_by_label("Địa chỉ lịch")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("hãy tạo địa chỉ mới")
    page.context.close()


def test_withdrawing_a_notice_offline_waits_then_reaches_the_server(browser, browser_context_args, site):
    app, base, ids = site
    from handbook.extensions import db
    from handbook.meetings.models import Attendance

    def notice():
        with app.app_context():
            return db.session.scalar(select(Attendance.reason).where(
                Attendance.meeting_id == ids["later"], Attendance.member_id == ids["member"]))

    page = _phone(browser, browser_context_args, base, MEMBER, False)
    wait_controlled(page)
    path = f"/meetings/{ids['later']}"
    visit(page, base, path)
    expect(page.locator("main")).to_contain_text("Vắng có lý do: Đi công tác Quảng Ngãi")
    page.context.set_offline(True)
    page.reload()  # the page itself comes from the cache
    page.get_by_role("button", name="Rút báo vắng, tôi sẽ dự họp").click()
    expect(page.locator(".pending")).to_have_text("Rút báo vắng, tôi sẽ dự họp — đang chờ gửi")
    page.wait_for_timeout(500)
    assert notice() == "Đi công tác Quảng Ngãi"  # nothing reached the server while offline
    page.context.set_offline(False)
    expect(page.locator(".pending")).to_have_text("Đã gửi", timeout=10_000)
    assert notice() is None  # withdrawn: expected at the meeting again
    page.reload()
    expect(page.get_by_role("button", name="Báo vắng", exact=True)).to_be_visible()
    page.context.close()
