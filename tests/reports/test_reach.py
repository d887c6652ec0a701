"""Reach and usage on a small ward, figures checked by hand: who has an account, activated it, signed in (by login or
by a session still in use), gets reminders, has the app installed, read a meeting's documents before it; the cells
with the lowest reach first; the pages' scope, the one-tap link to a cell's activation codes, Excel and print."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from handbook.auth.models import UserSession
from handbook.extensions import db
from handbook.meetings.models import DocumentRead, Meeting, MeetingDocument, MeetingKind, MeetingStatus
from handbook.members.models import MemberStatus
from handbook.notify.models import PushSubscription
from handbook.org.models import OrgKind, Role, Scope
from handbook.reports import reach_tables
from handbook.reports.reach import STEPS, reach_report
from tests.support import signed_in

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # 10:00 on 06/12/2026 in Hà Nội
DAY = timedelta(days=1)


def _account(factory, *, password=True, login=None, session=None, push=False, app=None):
    user = factory.user(password=password)
    user.last_login_at = login
    user.app_seen_at = app
    if session is not None:
        db.session.add(UserSession(id=f"{user.id:064d}", user_id=user.id, created_at=session - 30 * DAY,
                                   last_seen_at=session))
    if push:
        db.session.add(PushSubscription(user_id=user.id, endpoint=f"https://push.example/{user.id}", p256dh="k",
                                        auth="a"))
    db.session.flush()
    return user


def _meeting(org, starts_at, *, documents=True, kind=MeetingKind.THUONG_KY, status=MeetingStatus.HELD):
    meeting = Meeting(organisation_id=org.id, kind=kind, title="Sinh hoạt chi bộ", starts_at=starts_at,
                      status=status, checkin_secret="A" * 32)
    db.session.add(meeting)
    db.session.flush()
    if documents:
        db.session.add(MeetingDocument(meeting_id=meeting.id, title="Dự thảo", link_url="https://example.vn/d"))
        db.session.flush()
    return meeting


def _read(meeting, member, at):
    db.session.add(DocumentRead(meeting_id=meeting.id, member_id=member.id, first_read_at=at))
    db.session.flush()


@pytest.fixture
def ward(factory):
    """Ward W: cells A and B, đảng bộ D with cell D1; another ward O with cell X."""
    w = factory.org("Phường Thử", OrgKind.DANG_BO_XA)
    a = factory.org("Chi bộ A", parent=w)
    b = factory.org("Chi bộ B", parent=w)
    d = factory.org("Đảng bộ D", OrgKind.DANG_BO_CO_SO, parent=w)
    d1 = factory.org("Chi bộ D1", parent=d)
    o = factory.org("Phường Khác", OrgKind.DANG_BO_XA)
    x = factory.org("Chi bộ X", parent=o)
    # A: a1 signed in 10 days ago, reminders, installed 5 days ago; a2 logged in 60 days ago but a session was used
    # 20 days ago; a3 has an account never activated; a4 no account; an exempt and a transferred member not counted
    a1 = factory.member(a, _account(factory, login=NOW - 10 * DAY, push=True, app=NOW - 5 * DAY))
    a2 = factory.member(a, _account(factory, login=NOW - 60 * DAY, session=NOW - 20 * DAY),
                        status=MemberStatus.DU_BI)
    factory.member(a, _account(factory, password=False))
    factory.member(a)
    factory.member(a, _account(factory, login=NOW - DAY), status=MemberStatus.MIEN_SINH_HOAT)
    factory.member(a, _account(factory, login=NOW - DAY), status=MemberStatus.CHUYEN_DI)
    # B: b1 logged in and installed 100 days ago (past 90), b2 no account
    factory.member(b, _account(factory, login=NOW - 100 * DAY, app=NOW - 100 * DAY))
    factory.member(b)
    # D1: d1 logged in 40 days ago
    d1_member = factory.member(d1, _account(factory, login=NOW - 40 * DAY))
    # X, in another ward: reached, and not W's
    factory.member(x, _account(factory, login=NOW - DAY, push=True, app=NOW - DAY))

    # A's held meeting with documents 20 days ago: a1 read before it, a2 after; others not counted: without
    # documents, 4 months ago, a chi ủy meeting, one still to come
    m1 = _meeting(a, NOW - 20 * DAY)
    _read(m1, a1, NOW - 21 * DAY)
    _read(m1, a2, NOW - 19 * DAY)
    _meeting(a, NOW - 15 * DAY, documents=False)
    old = _meeting(a, NOW - 120 * DAY)
    _read(old, a1, NOW - 121 * DAY)
    _meeting(a, NOW - 10 * DAY, kind=MeetingKind.CHI_UY)
    _meeting(b, NOW + 3 * DAY, status=MeetingStatus.SCHEDULED)
    # D1: the 3 months start at 06/09/2026 00:00 in Hà Nội = 05/09 17:00 UTC: 17:30 UTC is in, 16:30 UTC is not
    inside = _meeting(d1, datetime(2026, 9, 5, 17, 30, tzinfo=UTC))
    _read(inside, d1_member, datetime(2026, 9, 4, tzinfo=UTC))
    outside = _meeting(d1, datetime(2026, 9, 5, 16, 30, tzinfo=UTC))
    _read(outside, d1_member, datetime(2026, 9, 4, tzinfo=UTC))
    factory.commit()
    return SimpleNamespace(w=w, a=a, b=b, d=d, d1=d1, o=o, x=x)


def _counts(line) -> tuple:
    return tuple(line.counts[step] for step in STEPS)


def test_figures_per_cell_and_organisation_below(ward):
    report = reach_report(ward.w, now=NOW)
    #              members account activated 90d 30d reminders installed
    assert _counts(report.total) == (7, 5, 4, 3, 2, 1, 1)
    children = {line.name: line for line in report.children}
    assert list(children) == ["Chi bộ A", "Chi bộ B", "Đảng bộ D"]
    assert _counts(children["Chi bộ A"]) == (4, 3, 2, 2, 2, 1, 1)
    assert _counts(children["Chi bộ B"]) == (2, 1, 1, 0, 0, 0, 0)
    assert _counts(children["Đảng bộ D"]) == (1, 1, 1, 1, 0, 0, 0)
    a = children["Chi bộ A"]
    assert (a.meetings, a.expected_reads, a.read_before, a.read_share) == (1, 4, 1, 25.0)
    d = children["Đảng bộ D"]
    assert (d.meetings, d.expected_reads, d.read_before) == (1, 1, 1)
    assert (report.total.meetings, report.total.expected_reads, report.total.read_before) == (2, 5, 2)
    # the cells, the lowest reach (signed in within 90 days) first
    assert [(c.name, c.under, c.score) for c in report.cells] == [
        ("Chi bộ B", "Chi bộ B", 0.0), ("Chi bộ A", "Chi bộ A", 50.0), ("Chi bộ D1", "Đảng bộ D", 100.0)]
    assert report.total.share("activated") == round(4 * 100 / 7, 1)


def test_a_cells_own_report_and_statements(ward, statements):
    assert ward.a.path  # loaded before counting
    with statements() as seen:
        report = reach_report(ward.a, now=NOW)
    assert len(seen) == 4  # children, cells, members, meetings: whatever the size of the subtree
    assert report.children == [] and _counts(report.total) == (4, 3, 2, 2, 2, 1, 1)
    assert [c.name for c in report.cells] == ["Chi bộ A"]


def test_tables_and_workbook(ward, app):
    report = reach_report(ward.w, now=NOW)
    summary, cells = reach_tables.tables(report)
    assert summary[2][-1] == ["Toàn Phường Thử", 7, "5 (71,4\u00a0%)", "4 (57,1\u00a0%)", "3 (42,9\u00a0%)",
                              "2 (28,6\u00a0%)", "1 (14,3\u00a0%)", "1 (14,3\u00a0%)", "2/5 (40,0\u00a0%)"]
    assert cells[2][0] == [1, "Chi bộ B", "Chi bộ B", 2, "0,0\u00a0%", "1 (50,0\u00a0%)", "0 (0,0\u00a0%)",
                           "0 (0,0\u00a0%)", ""]
    book = load_workbook(io.BytesIO(reach_tables.workbook(report)), read_only=True)
    rows = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert rows[0][0].startswith("BÁO CÁO MỨC ĐỘ TIẾP CẬN ỨNG DỤNG — Phường Thử")
    assert [r[1] for r in _data(rows)] == ["Chi bộ B", "Chi bộ A", "Chi bộ D1"]
    assert "<svg" in reach_tables.funnel_chart(report)


def _data(rows: list) -> list:
    """The rows below the headings (the first cell of the headings row is "STT")."""
    rows = [r for r in rows if r]
    return rows[[r[0] for r in rows].index("STT") + 1:]


# --- pages ---------------------------------------------------------------------------------------------------

def _staff(factory, org, email, scope=Scope.SUBTREE, role=Role.CAN_BO):
    user = factory.user(email)
    factory.grant(user, org, role, scope)
    factory.commit()
    return user


def test_ward_staff_page_with_codes_buttons(app, factory, ward):
    _staff(factory, ward.w, "canbo@test.vn")
    client = signed_in(app, "canbo@test.vn")
    page = client.get(f"/reports/reach?organisation_id={ward.w.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mức độ tiếp cận ứng dụng" in html and "Chi bộ D1" in html and 'src="data:image/svg+xml;base64,' in html
    assert f'action="/org/{ward.a.id}/activation-codes"' in html
    assert f'action="/org/{ward.b.id}/activation-codes"' in html
    assert f'action="/org/{ward.d1.id}/activation-codes"' not in html  # everyone there has activated
    assert 'class="scroll"' in html  # tables scroll inside their box on a 360 px phone
    # the ward itself when no organisation is given; another ward is not theirs
    assert client.get("/reports/reach").status_code == 200
    assert client.get(f"/reports/reach?organisation_id={ward.o.id}").status_code == 404
    assert client.get("/reports/reach?organisation_id=abc").status_code == 404
    assert client.get(f"/reports/reach.xlsx?organisation_id={ward.o.id}").status_code == 404

    xlsx = client.get(f"/reports/reach.xlsx?organisation_id={ward.w.id}")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    assert {r[1] for r in _data(list(book.worksheets[1].iter_rows(values_only=True)))} == {
        "Chi bộ A", "Chi bộ B", "Chi bộ D1"}
    printed = client.get(f"/reports/reach/print?organisation_id={ward.w.id}")
    assert printed.status_code == 200
    text = printed.get_data(as_text=True)
    assert "BÁO CÁO MỨC ĐỘ TIẾP CẬN ỨNG DỤNG" in text and "activation-codes" not in text and "<form" not in text


def test_unit_scope_sees_the_report_but_no_codes_button(app, factory, ward):
    """A position on the ward alone (unit scope) manages the ward, not its cells: no button to issue codes there."""
    _staff(factory, ward.w, "vanphong@test.vn", scope=Scope.UNIT)
    html = signed_in(app, "vanphong@test.vn").get(f"/reports/reach?organisation_id={ward.w.id}").get_data(
        as_text=True)
    assert "Chi bộ A" in html and "activation-codes" not in html


def test_cell_leader_sees_their_cell_and_a_member_gets_403(app, factory, ward):
    _staff(factory, ward.a, "bithu@test.vn", role=Role.BI_THU)
    leader = signed_in(app, "bithu@test.vn")
    html = leader.get("/reports/reach").get_data(as_text=True)
    assert "Chi bộ A" in html and f'action="/org/{ward.a.id}/activation-codes"' in html
    assert leader.get(f"/reports/reach?organisation_id={ward.w.id}").status_code == 404
    member_user = factory.user("dv@test.vn")
    factory.member(ward.a, member_user)
    factory.commit()
    member = signed_in(app, "dv@test.vn")
    for path in ("/reports/reach", "/reports/reach.xlsx", "/reports/reach/print"):
        assert member.get(f"{path}?organisation_id={ward.a.id}").status_code == 403
