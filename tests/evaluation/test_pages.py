"""The evaluation through its pages and the API: a member writes, saves and submits; the leader sees it with the
year's record beside it, rates it (bad input: the message on the form, 400, nothing written), reopens it; the
figures, the collective report's print, the committee's report with Excel and print; history; scope."""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from handbook.evaluation.models import AssessmentStatus, Level, Rating, SelfAssessment
from handbook.extensions import db
from tests.evaluation.scene import YEAR, build
from tests.support import get_csrf, signed_in

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
ANSWERS = {code: f"Nội dung mục {code}" for code in
           ("politics", "ethics", "discipline", "tasks", "shortcomings", "remedies", "party_tasks", "residence",
            "leadership")}


@pytest.fixture
def scene(app, factory):
    return build(factory)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _post(client, url, data):
    return client.post(url, data={"csrf_token": get_csrf(client, "/evaluation"), **data})


def test_member_writes_submits_and_the_leader_rates(app, scene):
    member = signed_in(app, "congchuc@test.vn")
    home = member.get("/").get_data(as_text=True)
    assert "Kiểm điểm, đánh giá năm 2026" in home and "Bản tự kiểm điểm của tôi" in home
    assert "Viết bản tự kiểm điểm" in member.get("/evaluation").get_data(as_text=True)
    url = f"/evaluation/{YEAR}/orgs/{scene.cell.id}/self"
    page = member.get(url).get_data(as_text=True)
    assert "Mẫu 2B" in page and "Dự sinh hoạt" in page and "Đảng phí" in page
    assert _post(member, url, {"politics": "Vững vàng", "action": "draft"}).status_code == 302
    refused = _post(member, url, {"politics": "Vững vàng", "action": "submit", "proposed_level": "tot"})
    assert refused.status_code == 400 and "Hãy viết mục" in refused.get_data(as_text=True)
    assert db.session.scalar(select(SelfAssessment.status)) is AssessmentStatus.DRAFT
    done = _post(member, url, {**ANSWERS, "action": "submit", "proposed_level": "tot"})
    assert done.status_code == 302
    assert "Đã nộp ngày" in member.get(url).get_data(as_text=True)

    leader = signed_in(app, "bithu@test.vn")
    org_page = leader.get(f"/evaluation/orgs/{scene.cell.id}?year={YEAR}").get_data(as_text=True)
    assert "Lê Thị Công Chức" in org_page and "Không đánh giá" in org_page and "Võ Văn Miễn" in org_page
    review = f"/evaluation/orgs/{scene.cell.id}/members/{scene.civil.id}?year={YEAR}"
    assert "Nội dung mục tasks" in leader.get(review).get_data(as_text=True)
    bad = _post(leader, review, {"score": "101", "level": ""})
    assert bad.status_code == 400 and "Điểm phải từ 0 đến 100." in bad.get_data(as_text=True)
    bad = _post(leader, review, {"score": "95", "level": "xuat_sac", "all_tasks_done": "y", "exceeding_share": "10"})
    assert bad.status_code == 400 and "ít nhất 30 %" in bad.get_data(as_text=True)
    bad = _post(leader, review, {"score": "80", "exceeding_share": "ba"})
    assert bad.status_code == 400 and "số nguyên từ 0 đến 100" in bad.get_data(as_text=True)
    bad = _post(leader, review, {"score": "80", "decided_on": "31/02/2026"})
    assert bad.status_code == 400 and "Ngày không hợp lệ" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Rating.id))) == 0
    ok = _post(leader, review, {"score": "92,5", "all_tasks_done": "y", "exceeding_share": "30", "note": "Tốt",
                                "decided_on": "05/12/2026"})
    assert ok.status_code == 302
    rating = db.session.scalar(select(Rating))
    assert (rating.score_tenths, rating.level) == (925, Level.XUAT_SAC)
    reopen = _post(leader, f"/evaluation/orgs/{scene.cell.id}/members/{scene.civil.id}/reopen?year={YEAR}", {})
    assert reopen.status_code == 302
    assert db.session.scalar(select(SelfAssessment.status)) is AssessmentStatus.DRAFT

    collective = leader.get(f"/evaluation/orgs/{scene.cell.id}/collective?year={YEAR}").get_data(as_text=True)
    assert "SỐ LIỆU ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN NĂM 2026" in collective and "92,5" in collective
    mine = member.get("/evaluation").get_data(as_text=True)
    assert "Hoàn thành xuất sắc nhiệm vụ" in mine and "92,5 điểm" in mine
    api = member.get("/api/v1/me/evaluations").get_json()
    assert api["items"][0] | {} == api["items"][0]
    assert (api["items"][0]["score"], api["items"][0]["level"], api["items"][0]["form"]) == ("92.5", "xuat_sac", "2B")
    assert leader.get(f"/evaluation/members/{scene.civil.id}").status_code == 200


def test_committee_report_excel_and_print(app, scene):
    leader = signed_in(app, "bithu@test.vn")
    review = f"/evaluation/orgs/{scene.cell.id}/members/{scene.civil.id}?year={YEAR}"
    assert _post(leader, review, {"score": "75", "all_tasks_done": "y"}).status_code == 302
    staff = signed_in(app, "canbo@test.vn")
    page = staff.get(f"/reports/evaluation?organisation_id={scene.ward.id}&year={YEAR}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Chi bộ khu phố 1" in text and "Đánh giá, xếp loại" in text
    assert staff.get(f"/reports/evaluation/print?organisation_id={scene.ward.id}&year={YEAR}").status_code == 200
    xlsx = staff.get(f"/reports/evaluation.xlsx?organisation_id={scene.ward.id}&year={YEAR}")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    total = rows[-1]
    assert total[0] == "Toàn Đảng bộ phường Thử"
    assert total[1:5] == (6, 1, 5, 0) and total[6] == "1 (100,0\u00a0%)"
    assert staff.get(f"/reports/evaluation?organisation_id={scene.ward.id}&year=abc").status_code == 400
    assert staff.get(f"/reports/evaluation?organisation_id={scene.ward.id}&year=2999").status_code == 400


def test_scope(app, scene):
    other = signed_in(app, "huutri@test.vn")
    assert other.get(f"/evaluation/orgs/{scene.cell.id}").status_code == 403
    assert other.get(f"/evaluation/members/{scene.civil.id}").status_code == 404
    assert other.get(f"/evaluation/{YEAR}/orgs/{scene.ward.id}/self").status_code == 404  # not reviewed there
    assert other.get(f"/evaluation/orgs/{scene.cell_b.id}").status_code == 404
    leader = signed_in(app, "bithu@test.vn")
    assert leader.get(f"/evaluation/orgs/{scene.cell_b.id}").status_code == 404
    assert leader.get(f"/evaluation/orgs/{scene.cell.id}/members/{scene.b_members[0].id}").status_code == 404
    exempt = signed_in(app, "mien@test.vn")
    assert "không phải tự kiểm điểm" in exempt.get("/evaluation").get_data(as_text=True)
    assert exempt.post(f"/evaluation/{YEAR}/orgs/{scene.cell.id}/self",
                       data={"csrf_token": get_csrf(exempt, "/evaluation"), "action": "draft"}).status_code == 400


def test_the_home_card_only_in_the_season_and_not_for_the_exempt(app, scene):
    with time_machine.travel(datetime(2026, 10, 31, 16, 59, tzinfo=UTC), tick=False):  # 23:59 on 31/10 in Hà Nội
        home = signed_in(app, "congchuc@test.vn").get("/").get_data(as_text=True)
        assert "Kiểm điểm, đánh giá năm" not in home and "Đánh giá, xếp loại của tôi" in home
    with time_machine.travel(datetime(2026, 10, 31, 17, 0, tzinfo=UTC), tick=False):  # 00:00 on 1/11
        assert "Kiểm điểm, đánh giá năm 2026" in signed_in(app, "congchuc@test.vn").get("/").get_data(as_text=True)
        assert "Kiểm điểm, đánh giá năm" not in signed_in(app, "mien@test.vn").get("/").get_data(as_text=True)
    with time_machine.travel(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), tick=False):  # 00:00 on 1/1/2027
        assert "Kiểm điểm, đánh giá năm" not in signed_in(app, "congchuc@test.vn").get("/").get_data(as_text=True)


def test_an_exempt_member_is_shown_without_a_rating_form(app, scene):
    leader = signed_in(app, "bithu@test.vn")
    page = leader.get(f"/evaluation/orgs/{scene.cell.id}/members/{scene.exempt.id}?year={YEAR}").get_data(as_text=True)
    assert "không đánh giá, xếp loại" in page and "Ghi xếp loại" not in page
    refused = _post(leader, f"/evaluation/orgs/{scene.cell.id}/members/{scene.exempt.id}?year={YEAR}", {"score": "80"})
    assert refused.status_code == 400 and db.session.scalar(select(func.count(Rating.id))) == 0


def test_a_self_assessment_of_a_year_long_past_is_not_written(app, scene):
    """A round that opened by itself is never closed: years before the last one take no self-assessment (the
    leaders cannot open them either), and nothing is written — no self-assessment, no round."""
    from handbook.evaluation.models import EvaluationRound

    member = signed_in(app, "congchuc@test.vn")
    url = f"/evaluation/2020/orgs/{scene.cell.id}/self"
    page = member.get(url).get_data(as_text=True)
    assert "chưa mở hoặc đã đóng" in page and 'value="submit"' not in page
    refused = _post(member, url, {**ANSWERS, "proposed_level": Level.TOT.value, "action": "submit"})
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count(SelfAssessment.id))) == 0
    assert db.session.scalar(select(func.count(EvaluationRound.id))) == 0
