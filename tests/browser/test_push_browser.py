"""The whole push path in real Chromium: tap "Bật nhắc lịch sinh hoạt" → the page subscribes and posts the
subscription → a leader schedules a meeting → reminders run → the dispatcher sends it to the local fake push
service (which decrypts it and verifies the VAPID JWT) → that payload is delivered to the service worker
(CDP ServiceWorker.deliverPushMessage) → the worker shows the notification with the meeting's link.

Headless Chromium cannot reach a real push service, so `PushManager.subscribe` is replaced by one returning
a subscription whose endpoint is the fake service and whose keys were made in Python."""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from handbook.core.timeutil import utcnow
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.factories import Factory
from tests.notify.fake_push import FakePushService

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def push_site(tmp_path):
    from tests.support import build_app

    with FakePushService() as push:
        app = build_app(tmp_path, "pushbrowser", PUSH_ALLOWED_HOSTS=[push.host], PUSH_ALLOW_HTTP=True)
        with app.app_context():
            f = Factory()
            cell = f.org("Chi bộ Khu dân cư số 3", OrgKind.CHI_BO)
            leader = f.user("bithu@push.vn")
            f.member(cell, leader)
            f.grant(leader, cell, Role.BI_THU)
            f.member(cell, f.user("dangvien@push.vn"))
            f.commit()
            cell_id = cell.id
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield app, f"http://127.0.0.1:{server.server_port}", push, cell_id
        server.shutdown()


def test_turn_on_reminders_then_the_worker_shows_the_meeting_reminder(browser, push_site):
    app, base, push, cell_id = push_site
    sub = push.subscription()
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.grant_permissions(["notifications"], origin=base)
    context.add_init_script(f"""
      (() => {{
        const sub = {json.dumps(sub)};
        const fake = {{endpoint: sub.endpoint, expirationTime: null, options: {{}}, toJSON: () => sub,
                       unsubscribe: async () => true}};
        if (window.PushManager) {{
          PushManager.prototype.subscribe = async function () {{ return fake; }};
          PushManager.prototype.getSubscription = async function () {{ return null; }};
        }}
      }})();
    """)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")

    page.goto(base + "/login")
    page.get_by_label("E-mail hoặc số điện thoại").fill("dangvien@push.vn")
    page.get_by_label("Mật khẩu").fill(Factory.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(base + "/notifications/settings")
    page.evaluate("navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(() => navigator.serviceWorker.ready)")
    page.get_by_role("button", name="Bật nhắc lịch sinh hoạt").click()
    expect(page.locator("#push-status")).to_have_text("Đã bật nhắc lịch trên thiết bị này.")
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("chưa nhận thông báo nào")

    # the bí thư schedules a meeting for tomorrow evening; the worker's two commands run
    with app.app_context():
        from handbook.meetings import scheduling
        from handbook.meetings.models import MeetingFormat, MeetingKind
        from handbook.notify.push.dispatch import dispatch
        from handbook.notify.rules import run_rules
        from handbook.org.models import Organisation

        starts = (utcnow() + timedelta(hours=20)).replace(second=0, microsecond=0)
        meeting = scheduling.create_meeting(db.session.get(Organisation, cell_id), scheduling.MeetingInput(
            kind=MeetingKind.THUONG_KY, format=MeetingFormat.TRUC_TIEP, title="Sinh hoạt chi bộ thường kỳ",
            starts_at=starts, ends_at=starts + timedelta(hours=2), place="Nhà văn hóa khu dân cư số 3",
            online_url=None, combined_thematic=False, recording_held=False, agenda=[]), None)
        meeting_id = meeting.id
        run_rules()
        dispatch(once=True)
    # the meeting's notices (from the 10th of a month the dues reminder may come too)
    received = [p for p in push.payloads(sub["endpoint"]) if p["url"].startswith("/meetings/")]
    titles = sorted(p["title"] for p in received)
    assert titles == ["Lịch sinh hoạt mới: Sinh hoạt chi bộ thường kỳ", "Nhắc lịch: Sinh hoạt chi bộ thường kỳ"]
    reminder = next(p for p in received if p["title"].startswith("Nhắc lịch"))
    assert reminder["url"] == f"/meetings/{meeting_id}" and "Nhà văn hóa khu dân cư số 3" in reminder["body"]

    # what the push service would hand the browser, delivered to the service worker
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    rid = next(r["registrationId"] for r in registrations if r["scopeURL"] == base + "/")
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": base + "/", "registrationId": rid,
                                                    "data": json.dumps(reminder, ensure_ascii=False)})
    shown = []
    deadline = time.monotonic() + 10
    while not shown and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        shown = page.evaluate("""navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns =>
            ns.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url})))""")
    assert shown == [{"title": reminder["title"], "body": reminder["body"], "tag": f"meeting-{meeting_id}",
                      "url": f"/meetings/{meeting_id}"}]

    # the inbox shows it too, and its link opens the meeting
    page.goto(base + "/notifications")
    page.get_by_role("link", name="Nhắc lịch: Sinh hoạt chi bộ thường kỳ").click()
    expect(page).to_have_url(base + f"/meetings/{meeting_id}")
    context.close()
