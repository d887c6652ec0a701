"""The whole path, through the pages, as people would walk it: a cell's leader adds a candidate and records the file
step by step (the cell's resolution in January 2027, so the decision's 60 working days run across the Tết break),
the ceremony makes a dự bị member with a sponsor, the sponsor writes a note, and twelve months later — the clock
moved — the recognition, decided late, makes them official from the end of the probation; the ward's staff see
the year's admission against the target, by group, as a chart and in Excel."""
from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from handbook.admission.models import Candidate, CandidateStatus
from handbook.admission.steps import decision_due
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus
from handbook.org.models import OrgKind, Role
from tests.support import get_csrf, signed_in

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=HANOI), tick=False)


def _post(client, path: str, data: dict, expect: int = 302):
    """Post a page's form; every page signs in again (sessions are as old as the moved clock says)."""
    response = client.post(path, data={"csrf_token": get_csrf(client, "/activate"), **data})
    assert response.status_code == expect, response.get_data(as_text=True)[:2000]
    return response


def _step(client, candidate_id: int, code: str, day: str, expect: int = 302, **more):
    return _post(client, f"/admission/candidates/{candidate_id}/steps/{code}",
                 {"status": "xong", "done_on": day, **more}, expect)


def test_a_candidate_to_official_membership_and_the_wards_report(app, factory):
    ward = factory.org("Đảng bộ phường Hòa Cường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Khu dân cư số 7", OrgKind.CHI_BO, ward)
    leader_user = factory.user("bithu7@test.vn")
    factory.member(cell, leader_user, name="Nguyễn Thị Bích")
    factory.grant(leader_user, cell, Role.BI_THU)
    sponsor_user = factory.user("giupdo7@test.vn")
    sponsor = factory.member(cell, sponsor_user, name="Lê Văn Giúp")
    introducer = factory.member(cell, name="Phạm Văn Giới")
    staff = factory.user("canbo7@test.vn")
    factory.grant(staff, ward, Role.CAN_BO)
    factory.commit()

    with _at(date(2026, 10, 5)):  # the leader puts a Youth Union member on the list
        leader = signed_in(app, "bithu7@test.vn")
        _post(leader, f"/admission/cells/{cell.id}/candidates/new", {
            "full_name": "Đinh Thị Thu Trang", "birth_date": "14/02/2001", "gender": "nu", "ethnicity": "Tày",
            "religion": "", "cccd": "048301009876", "general_education": "thpt", "professional_level": "dai_hoc",
            "occupation_group": "vien_chuc", "youth_union": "y", "source": "doan_tn",
            "residence": "Tổ 12, phường Hòa Cường"})
        candidate = db.session.scalar(select(Candidate).where(Candidate.cccd == "048301009876"))
        file_id = candidate.id
        for code, day in (("awareness", "20/09/2026"), ("application", "05/10/2026")):
            _step(leader, file_id, code, day)

    with _at(date(2027, 1, 8)):
        leader = signed_in(app, "bithu7@test.vn")
        for code, day in (("background", "12/10/2026"), ("verification", "20/11/2026"),
                          ("youth_union", "01/12/2026")):
            _step(leader, file_id, code, day)
        _post(leader, f"/admission/candidates/{file_id}/introducers",
              {"member_id": str(introducer.id), "known_since": "01/03/2023", "signed_on": "03/12/2026"})
        for code, day in (("introducers", "03/12/2026"), ("org_comments", "15/12/2026"),
                          ("residence_comments", "18/12/2026"), ("cell_resolution", "05/01/2027")):
            _step(leader, file_id, code, day)

    # 60 working days from 05/01/2027, the Tết break (04–10/02/2027) not counted
    due = decision_due(date(2027, 1, 5), extended=False)
    assert due == date(2027, 4, 6)
    with _at(date(2027, 4, 20)):
        leader = signed_in(app, "bithu7@test.vn")
        _step(leader, file_id, "grassroots_resolution", "15/01/2027")
        late = _step(leader, file_id, "decision", "07/04/2027", expect=400)  # one working day too late
        assert "06/04/2027" in late.get_data(as_text=True)
        _step(leader, file_id, "decision", "06/04/2027", number="245-QĐ/ĐU")
        _post(leader, f"/admission/candidates/{file_id}/ceremony", {"held_on": "19/04/2027",
                                                                      "sponsor": str(sponsor.id)})
    db.session.expire_all()
    candidate = db.session.get(Candidate, file_id)
    member = db.session.get(Member, candidate.member_id)
    assert (member.full_name, member.cccd, member.ethnicity, member.status, member.admission_date) == (
        "Đinh Thị Thu Trang", "048301009876", "Tày", MemberStatus.DU_BI, date(2027, 4, 19))
    assert candidate.sponsor_id == sponsor.id

    with _at(date(2027, 9, 1)):  # the sponsor reads the file and writes a note; others of the cell see nothing
        helper = signed_in(app, "giupdo7@test.vn")
        assert helper.get(f"/admission/candidates/{file_id}").status_code == 200
        _post(helper, f"/admission/candidates/{file_id}/notes", {"text": "Tích cực, gương mẫu trong khu dân cư."})
        assert "Đinh Thị Thu Trang" in helper.get("/admission/sponsored").get_data(as_text=True)

    with _at(date(2027, 6, 30)):  # the ward's staff: the year's admission against the target, by group
        ward_staff = signed_in(app, "canbo7@test.vn")
        _post(ward_staff, f"/admission/targets?organisation_id={ward.id}&year=2027",
              {f"target_{ward.id}": "4", f"target_{cell.id}": "2"})
        page = ward_staff.get(f"/admission/report?organisation_id={ward.id}&year=2027")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Đã kết nạp 1 đảng viên." in html and "<img" in html
        book = load_workbook(io.BytesIO(ward_staff.get(
            f"/admission/report.xlsx?organisation_id={ward.id}&year=2027").data), read_only=True)
        rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
        assert any("Chi bộ Khu dân cư số 7" in row and 1 in row and 2 in row for row in rows), rows

    with _at(date(2028, 6, 2)):  # twelve months on, recognised more than a month late
        leader = signed_in(app, "bithu7@test.vn")
        for code, day in (("self_review", "10/04/2028"), ("sponsor_comments", "12/04/2028"),
                          ("recog_org_comments", "14/04/2028"), ("recog_residence_comments", "17/04/2028"),
                          ("recog_cell_resolution", "20/04/2028"), ("recog_grassroots_resolution", "15/05/2028")):
            _step(leader, file_id, code, day)
        _post(leader, f"/admission/candidates/{file_id}/recognition",
              {"outcome": "recognise", "decided_on": "01/06/2028", "number": "12-QĐ/ĐU"})
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.status is MemberStatus.CHINH_THUC
    assert member.official_date == date(2028, 4, 19)  # the end of the 12 months, not the decision's day
    assert db.session.get(Candidate, file_id).status is CandidateStatus.CHINH_THUC


def test_the_home_page_leads_to_the_cells_candidates_and_the_sponsors_list(app, factory):
    cell = factory.org("Chi bộ Khu dân cư số 8", OrgKind.CHI_BO, factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA))
    leader_user, sponsor_user = factory.user("bithu8@test.vn"), factory.user("giupdo8@test.vn")
    factory.member(cell, leader_user)
    factory.grant(leader_user, cell, Role.BI_THU)
    sponsor = factory.member(cell, sponsor_user)
    factory.candidate(cell, status=CandidateStatus.DU_BI, sponsor_id=sponsor.id, admitted_on=date(2026, 6, 1))
    factory.commit()
    leader_home = signed_in(app, "bithu8@test.vn").get("/").get_data(as_text=True)
    sponsor_home = signed_in(app, "giupdo8@test.vn").get("/").get_data(as_text=True)
    assert f'href="/admission/cells/{cell.id}/candidates"' in leader_home
    assert f'href="/admission/cells/{cell.id}/candidates"' not in sponsor_home
    assert 'href="/admission/sponsored"' in sponsor_home and 'href="/admission/sponsored"' not in leader_home
