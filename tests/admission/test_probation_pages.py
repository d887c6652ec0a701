"""The probation pages: the ceremony form, the sponsor's file and notes (404 to another member of the cell, 403 to
the sponsor on the leaders' forms), recognition with the clock moved a year on, the sponsor's list, a file for an
imported probationary member, and the due lists."""
from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import select

from handbook.admission.models import Candidate, CandidateStatus, SponsorNote
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus
from tests.admission.probation_scene import _probation_scene, add_step, counts  # noqa: F401 - the fixture
from tests.support import csrf_from, signed_in

CEREMONY_DAY = "2027-03-10 10:00 +07:00"


def _post(client, path, data, page=None):
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_from(html), **data})


def _ceremony(app, p):
    with time_machine.travel(CEREMONY_DAY, tick=False):
        leader = signed_in(app, "bithu@test.vn")
        return _post(leader, f"/admission/candidates/{p.candidate.id}/ceremony",
                     {"held_on": "10/03/2027", "sponsor": str(p.sponsor.id)})


def test_the_ceremony_page_admits_the_candidate_with_a_sponsor(app, probation):
    with time_machine.travel(CEREMONY_DAY, tick=False):
        leader = signed_in(app, "bithu@test.vn")
        page = leader.get(f"/admission/candidates/{probation.candidate.id}/ceremony")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Hạn tổ chức lễ kết nạp: 15/03/2027" in html
        assert "Trần Văn Bình" in html and "Phạm Thị Dung" not in html  # official members of the cell only
        before = counts()
        late = leader.post(f"/admission/candidates/{probation.candidate.id}/ceremony", data={
            "csrf_token": csrf_from(html), "held_on": "16/03/2027", "sponsor": str(probation.sponsor.id)})
        assert late.status_code == 400 and "hạn cuối là 15/03/2027" in late.get_data(as_text=True)
        bad = leader.post(f"/admission/candidates/{probation.candidate.id}/ceremony", data={
            "csrf_token": csrf_from(html), "held_on": "31/02/2027", "sponsor": str(probation.sponsor.id)})
        assert bad.status_code == 400 and "Ngày không hợp lệ" in bad.get_data(as_text=True)
        assert counts() == before
    assert _ceremony(app, probation).status_code == 302
    db.session.expire_all()
    c = db.session.get(Candidate, probation.candidate.id)
    member = db.session.get(Member, c.member_id)
    assert (c.status, c.sponsor_id, member.status, member.admission_date) == (
        CandidateStatus.DU_BI, probation.sponsor.id, MemberStatus.DU_BI, date(2027, 3, 10))


def test_the_sponsor_sees_the_file_and_writes_notes_another_member_does_not(app, probation):
    _ceremony(app, probation)
    cid = probation.candidate.id
    with time_machine.travel("2027-04-02 20:00 +07:00", tick=False):
        sponsor = signed_in(app, "giupdo@test.vn")
        page = sponsor.get(f"/admission/candidates/{cid}/notes")
        assert page.status_code == 200 and "Hết 12 tháng dự bị: 10/03/2028" in page.get_data(as_text=True)
        assert _post(sponsor, f"/admission/candidates/{cid}/notes",
                     {"text": "Gương mẫu, tích cực."}).status_code == 302
        empty = _post(sponsor, f"/admission/candidates/{cid}/notes", {"text": "   "})
        assert empty.status_code == 400
        listed = sponsor.get("/admission/sponsored").get_data(as_text=True)
        assert "Hoàng Thị Hoa" in listed and "hết dự bị ngày 10/03/2028" in listed
        assert "Đảng viên dự bị tôi giúp đỡ" in sponsor.get("/").get_data(as_text=True)  # the home page's link
        # the leaders' forms are not the sponsor's
        assert sponsor.get(f"/admission/candidates/{cid}/recognition").status_code == 403
        token = csrf_from(page.get_data(as_text=True))
        assert sponsor.post(f"/admission/candidates/{cid}/sponsor",
                            data={"csrf_token": token, "sponsor": str(probation.plain.id)}).status_code == 403
        other = signed_in(app, "dangvien@test.vn")
        token = csrf_from(other.get("/profile").get_data(as_text=True))
        for path in (f"/admission/candidates/{cid}/notes", f"/admission/candidates/{cid}/recognition",
                     f"/admission/candidates/{cid}/ceremony"):
            assert other.get(path).status_code == 404
        assert other.post(f"/admission/candidates/{cid}/notes",
                          data={"csrf_token": token, "text": "x"}).status_code == 404
        assert "Hoàng Thị Hoa" not in other.get("/admission/sponsored").get_data(as_text=True)
        assert "Đảng viên dự bị tôi giúp đỡ" not in other.get("/").get_data(as_text=True)
    notes = db.session.scalars(select(SponsorNote)).all()
    assert [(n.text, n.written_on) for n in notes] == [("Gương mẫu, tích cực.", date(2027, 4, 2))]


def test_recognition_a_year_later_records_the_end_of_probation(app, probation):
    _ceremony(app, probation)
    cid = probation.candidate.id
    add_step(db.session.get(Candidate, cid), "recog_cell_resolution", date(2028, 3, 13))
    db.session.commit()
    with time_machine.travel("2028-05-15 09:00 +07:00", tick=False):
        leader = signed_in(app, "bithu@test.vn")
        html = leader.get(f"/admission/candidates/{cid}/recognition").get_data(as_text=True)
        assert "Hết 12 tháng dự bị: 10/03/2028" in html and "ngày chính thức được ghi là 10/03/2028" in html
        assert "Hạn chi bộ xét công nhận: 24/04/2028" in html
        future = leader.post(f"/admission/candidates/{cid}/recognition", data={
            "csrf_token": csrf_from(html), "outcome": "recognise", "decided_on": "16/05/2028", "number": "7"})
        assert future.status_code == 400 and "tương lai" in future.get_data(as_text=True)
        done = leader.post(f"/admission/candidates/{cid}/recognition", data={
            "csrf_token": csrf_from(html), "outcome": "recognise", "decided_on": "14/05/2028",
            "number": "88-QĐ/ĐU"})
        assert done.status_code == 302
    db.session.expire_all()
    c = db.session.get(Candidate, cid)
    member = db.session.get(Member, c.member_id)
    assert (member.status, member.official_date, c.official_on) == (
        MemberStatus.CHINH_THUC, date(2028, 3, 10), date(2028, 3, 10))


def test_due_lists_and_a_file_for_an_imported_probationary_member(app, factory, probation):
    with time_machine.travel("2027-03-20 09:00 +07:00", tick=False):
        leader = signed_in(app, "bithu@test.vn")
        page = leader.get(f"/admission/cells/{probation.cell.id}/due")
        html = page.get_data(as_text=True)
        # the decision came on 25/01/2027, no ceremony by 15/03/2027: overdue
        assert page.status_code == 200 and "Hoàng Thị Hoa" in html and "Hạn: 15/03/2027" in html
        assert "Phạm Thị Dung" in html  # a probationary member without a file
        assert "Hồ sơ kết nạp, công nhận đảng viên quá hạn" in leader.get("/").get_data(as_text=True)
        made = leader.post(f"/admission/members/{probation.du_bi.id}/probation-file",
                           data={"csrf_token": csrf_from(html)})
        assert made.status_code == 302
        again = leader.post(f"/admission/members/{probation.du_bi.id}/probation-file",
                            data={"csrf_token": csrf_from(html)})
        assert again.status_code == 400 and "đã có hồ sơ theo dõi" in again.get_data(as_text=True)
        staff = signed_in(app, "phuong@test.vn")
        rollup = staff.get("/admission/due").get_data(as_text=True)
        # the ceremony overdue, and the list never reviewed since the candidate joined it
        assert "Chi bộ Tổ dân phố 5" in rollup and "2 quá hạn" in rollup and "Tổ chức lễ kết nạp" in rollup
        plain = signed_in(app, "dangvien@test.vn")
        token = csrf_from(plain.get("/profile").get_data(as_text=True))
        assert plain.get(f"/admission/cells/{probation.cell.id}/due").status_code == 403
        assert plain.get(f"/admission/cells/{probation.other_cell.id}/due").status_code == 404
        assert plain.post(f"/admission/members/{probation.du_bi.id}/probation-file",
                          data={"csrf_token": token}).status_code == 404
        assert "Hoàng Thị Hoa" not in plain.get("/admission/due").get_data(as_text=True)
    c = db.session.scalar(select(Candidate).where(Candidate.member_id == probation.du_bi.id))
    assert (c.status, c.admitted_on) == (CandidateStatus.DU_BI, date(2026, 6, 1))
