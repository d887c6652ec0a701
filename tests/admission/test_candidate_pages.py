"""The leader's pages: the cell's list and its reviews, adding a candidate, the file, a step's form and its scan,
introducers, the extension — 404 outside the caller's scope, 403 for a sponsor who may only read."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from handbook.admission import dossier, files
from handbook.admission.models import Candidate, CandidateStatus
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.admission.dossier_scene import ACTOR, TODAY, build, counts
from tests.support import csrf_from, signed_in

NOW = "2026-12-06 03:00:00+00:00"  # 10:00 in Hà Nội
NEUTRAL = "Số CCCD này đã có trong dữ liệu đảng viên hoặc quần chúng"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def scene(app, factory):
    scene = build(factory)
    outsider = factory.user("khac@test.vn", name="Bí thư nơi khác")
    factory.member(scene.other_cell, outsider, name="Ngô Văn Khác")
    factory.grant(outsider, scene.other_cell, Role.BI_THU)
    plain = factory.user("dangvien@test.vn", name="Đảng viên")
    factory.member(scene.cell, plain, name="Vũ Thị Thường")
    factory.commit()
    return scene


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(**fields):
    values = {"full_name": "Võ Thị Hoa", "birth_date": "15/03/2001", "gender": "nu", "ethnicity": "Kinh",
              "religion": "", "cccd": "079301000111", "phone": "", "residence": "Tổ 3", "hometown": "",
              "general_education": "thpt", "education_exception": "", "professional_level": "dai_hoc",
              "qualification": "", "occupation": "", "occupation_group": "dn_tu_nhan", "youth_union": "y",
              "source": "doan_tn", "notes": ""}
    values.update(fields)
    return values


def _post(client, path, form_path=None, **data):
    token = csrf_from(client.get(form_path or path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def test_the_leader_adds_a_candidate_and_sees_the_list(app, scene):
    client = signed_in(app, "bithu@test.vn")
    org_page = client.get(f"/org/{scene.cell.id}").get_data(as_text=True)
    assert f"/admission/cells/{scene.cell.id}/candidates" in org_page and "Phát triển đảng viên" in org_page
    page = client.get(f"/admission/cells/{scene.cell.id}/candidates")
    assert page.status_code == 200 and "Thêm quần chúng" in page.get_data(as_text=True)
    new = f"/admission/cells/{scene.cell.id}/candidates/new"
    response = _post(client, new, **_form())
    assert response.status_code == 302
    candidate = db.session.scalar(select(Candidate))
    assert response.headers["Location"].endswith(f"/admission/candidates/{candidate.id}")
    html = client.get(f"/admission/candidates/{candidate.id}").get_data(as_text=True)
    assert "Võ Thị Hoa" in html and "Giấy giới thiệu người vào Đảng" in html and "3-KNĐ" in html
    assert "Bản tự kiểm điểm của đảng viên dự bị" in html  # both phases
    listing = client.get(f"/admission/cells/{scene.cell.id}/candidates").get_data(as_text=True)
    assert "Võ Thị Hoa" in listing and "25 tuổi" in listing and "Chưa ghi nhận lần rà soát nào." in listing


def test_under_18_on_the_form_is_refused_and_nothing_written(app, scene):
    client = signed_in(app, "bithu@test.vn")
    new = f"/admission/cells/{scene.cell.id}/candidates/new"
    response = _post(client, new, **_form(birth_date="07/12/2008"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Chưa đủ 18 tuổi" in html
    assert counts() == (0, 0, 0)


def test_a_duplicate_cccd_on_the_form_is_neutral_and_nothing_written(app, scene):
    client = signed_in(app, "bithu@test.vn")
    new = f"/admission/cells/{scene.cell.id}/candidates/new"
    response = _post(client, new, **_form(cccd="001090000123"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and NEUTRAL in html
    assert "Đỗ Văn Xa" not in html and "Chi bộ khu phố 9" not in html
    assert counts() == (0, 0, 0)


def test_bad_form_input_answers_in_vietnamese(app, scene):
    client = signed_in(app, "bithu@test.vn")
    new = f"/admission/cells/{scene.cell.id}/candidates/new"
    response = _post(client, new, **_form(birth_date="hôm qua", general_education="phd"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Lựa chọn không hợp lệ." in html
    assert "Not a valid" not in html and counts() == (0, 0, 0)


def test_scope_404_outside_and_403_for_who_only_sees(app, scene, factory):
    candidate = factory.candidate(scene.cell, sponsor_id=scene.introducers[0].id)
    factory.commit()
    outsider = signed_in(app, "khac@test.vn")
    assert outsider.get(f"/admission/cells/{scene.cell.id}/candidates").status_code == 404
    assert outsider.get(f"/admission/candidates/{candidate.id}").status_code == 404
    plain = signed_in(app, "dangvien@test.vn")
    assert plain.get(f"/admission/cells/{scene.cell.id}/candidates").status_code == 403
    assert plain.get(f"/admission/candidates/{candidate.id}").status_code == 404
    ward_page = signed_in(app, "bithu@test.vn").get(f"/admission/cells/{scene.ward.id}/candidates")
    assert ward_page.status_code == 404  # not a cell


def test_the_sponsor_reads_the_file_but_may_not_change_it(app, scene, factory):
    from handbook.members.models import Member

    sponsor = db.session.scalar(select(Member).where(Member.user_id == scene.sponsor_user.id))
    candidate = factory.candidate(scene.cell, status=CandidateStatus.DU_BI, sponsor_id=sponsor.id,
                                  admitted_on=date(2026, 5, 1))
    factory.commit()
    client = signed_in(app, "giupdo@test.vn")
    page = client.get(f"/admission/candidates/{candidate.id}")
    assert page.status_code == 200 and "Sửa thông tin" not in page.get_data(as_text=True)
    assert client.get(f"/admission/candidates/{candidate.id}/edit").status_code == 403
    assert client.get(f"/admission/candidates/{candidate.id}/steps/self_review").status_code == 403


def test_a_step_out_of_order_is_refused_on_the_form(app, scene, factory):
    candidate = factory.candidate(scene.cell)
    factory.commit()
    dossier.record_step(candidate, "application", status="xong", done_on=date(2026, 3, 10), actor=ACTOR, today=TODAY)
    client = signed_in(app, "bithu@test.vn")
    path = f"/admission/candidates/{candidate.id}/steps/background"
    before = counts()
    response = _post(client, path, status="xong", done_on="01/03/2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "01/03/2026" in html and "10/03/2026" in html
    assert counts() == before
    assert client.get(f"/admission/candidates/{candidate.id}/steps/nonsense").status_code == 404


def test_a_scan_is_uploaded_and_served_as_a_private_download(app, scene, factory):
    candidate = factory.candidate(scene.cell)
    factory.commit()
    client = signed_in(app, "bithu@test.vn")
    path = f"/admission/candidates/{candidate.id}/steps/application"
    token = csrf_from(client.get(path).get_data(as_text=True))
    import io

    bad = client.post(path, data={"csrf_token": token, "status": "xong", "done_on": "05/01/2026",
                                  "upload": (io.BytesIO(b"<script>x</script>"), "don.pdf")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "PDF, JPEG hoặc PNG" in bad.get_data(as_text=True)
    response = client.post(path, data={"csrf_token": token, "status": "xong", "done_on": "05/01/2026",
                                       "upload": (io.BytesIO(PNG), "don.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    scan = client.get(f"{path}/file")
    assert scan.status_code == 200 and scan.data == PNG
    assert scan.headers["Content-Disposition"].startswith("attachment")
    assert scan.headers["X-Content-Type-Options"] == "nosniff"
    assert scan.headers["Cache-Control"] == "private, no-store"
    assert signed_in(app, "khac@test.vn").get(f"{path}/file").status_code == 404
    files.delete(candidate.step("application").file_key)


def test_introducers_on_the_file_page(app, scene, factory):
    candidate = factory.candidate(scene.cell)
    factory.commit()
    client = signed_in(app, "bithu@test.vn")
    page = f"/admission/candidates/{candidate.id}"
    refused = _post(client, f"{page}/introducers", page, member_id=str(scene.probationary.id),
                    known_since="01/01/2020", signed_on="01/06/2026")
    assert refused.status_code == 400 and "phải là đảng viên chính thức" in refused.get_data(as_text=True)
    refused = _post(client, f"{page}/introducers", page, member_id=str(scene.introducers[0].id),
                    known_since="01/01/2026", signed_on="01/06/2026")
    assert refused.status_code == 400 and "chưa đủ 12 tháng" in refused.get_data(as_text=True)
    hidden = _post(client, f"{page}/introducers", page, member_id=str(scene.far_member.id),
                   known_since="01/01/2020", signed_on="01/06/2026")
    assert hidden.status_code == 400 and "Đỗ Văn Xa" not in hidden.get_data(as_text=True)
    assert counts() == (1, 0, 0)
    done = _post(client, f"{page}/introducers", page, member_id=str(scene.introducers[0].id),
                 known_since="01/01/2020", signed_on="01/06/2026")
    assert done.status_code == 302 and counts() == (1, 0, 1)
    introducer = candidate.introducers[0]
    removed = _post(client, f"{page}/introducers/{introducer.id}/remove", page)
    assert removed.status_code == 302 and counts() == (1, 0, 0)


def test_review_stop_and_extend(app, scene, factory):
    candidate = factory.candidate(scene.cell)
    factory.commit()
    client = signed_in(app, "bithu@test.vn")
    listing = f"/admission/cells/{scene.cell.id}/candidates"
    bad = _post(client, f"/admission/cells/{scene.cell.id}/reviews", listing, reviewed_on="07/12/2026")
    assert bad.status_code == 400 and "ở tương lai" in bad.get_data(as_text=True)
    done = _post(client, f"/admission/cells/{scene.cell.id}/reviews", listing, reviewed_on="01/12/2026", note="Ổn")
    assert done.status_code == 302
    assert "01/12/2026 (1 quần chúng)" in client.get(listing).get_data(as_text=True)
    page = f"/admission/candidates/{candidate.id}"
    early = _post(client, f"{page}/extend", page)
    assert early.status_code == 400 and "nghị quyết đề nghị kết nạp" in early.get_data(as_text=True)
    stopped = _post(client, f"{page}/stop", page, reason="Chuyển nơi cư trú")
    assert stopped.status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).status is CandidateStatus.DUNG


def test_a_chi_bo_co_so_has_a_list_too(app, factory):
    ward = factory.org("Đảng bộ xã", OrgKind.DANG_BO_XA)
    base = factory.org("Chi bộ cơ sở trường học", OrgKind.CHI_BO_CO_SO, ward)
    leader = factory.user("cbcs@test.vn")
    factory.grant(leader, base, Role.BI_THU)
    factory.commit()
    assert signed_in(app, "cbcs@test.vn").get(f"/admission/cells/{base.id}/candidates").status_code == 200


def test_the_leader_edits_the_details_and_reopens_a_closed_file(app, scene, factory):
    candidate = factory.candidate(scene.cell, name="Võ Thị Hoa", youth_union=True, religion=None)
    factory.commit()
    client = signed_in(app, "bithu@test.vn")
    edit = f"/admission/candidates/{candidate.id}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert 'value="Võ Thị Hoa"' in form and 'value="15/03/2001"' in form and "checked" in form
    response = _post(client, edit, **_form(full_name="Võ Thị Hoa", cccd=candidate.cccd, occupation="Kế toán",
                                           birth_date="15/03/2001", youth_union=""))
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(Candidate, candidate.id)
    assert edited.occupation == "Kế toán" and edited.youth_union is False
    page = f"/admission/candidates/{candidate.id}"
    assert _post(client, f"{page}/stop", page, reason="Tạm dừng").status_code == 302
    assert "Xem xét lại hồ sơ" in client.get(page).get_data(as_text=True)
    assert _post(client, f"{page}/reopen", page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).status is CandidateStatus.DANG_XET
