"""Members' occupation group (read by the composition report): chosen in the member form and shown on the record,
read from an optional import column by its Vietnamese label (diacritics- and case-insensitive; a bad value names
its row), written by the export, exposed by the members API, and copied from the candidate's file at the ceremony."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from handbook.admission import probation as admission_probation
from handbook.admission.models import OccupationGroup as CandidateGroup
from handbook.extensions import db
from handbook.members import importer
from handbook.members.models import Member, MemberChange, OccupationGroup
from handbook.members.samples.make import HEADINGS, make_rows, write_workbook
from handbook.members.validation import clean_record, occupation_group_of
from handbook.org.models import OrgKind, Role
from tests.admission.probation_scene import _probation_scene  # noqa: F401 - the fixture
from tests.support import csrf_from, login, signed_in


@pytest.fixture
def cell(factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ 3", OrgKind.CHI_BO, ward)
    leader = factory.user("bt@test.vn", name="Bí thư")
    factory.member(cell, leader, name="Lê Văn Thư")
    factory.grant(leader, cell, Role.BI_THU)
    factory.member(cell, name="Trần Văn Hưu", occupation_group=OccupationGroup.HUU_TRI)
    factory.commit()
    return cell


@pytest.mark.parametrize(("typed", "group"), [
    ("Hưu trí", OccupationGroup.HUU_TRI), ("huu tri", OccupationGroup.HUU_TRI),
    ("  HƯU   TRÍ ", OccupationGroup.HUU_TRI),
    ("Cán bộ, công chức", OccupationGroup.CONG_CHUC), ("can bo, cong chuc", OccupationGroup.CONG_CHUC),
    ("Học sinh, sinh viên", OccupationGroup.HOC_SINH_SINH_VIEN), ("cong_nhan", OccupationGroup.CONG_NHAN),
    ("Nông dân", OccupationGroup.NONG_DAN), ("Bác sĩ", None), ("", None),
])
def test_a_label_names_its_group(app, typed, group):
    assert occupation_group_of(typed.strip()) == group


def test_the_record_check(app):
    assert clean_record({"occupation_group": "Nông dân"}, partial=True).values == {
        "occupation_group": OccupationGroup.NONG_DAN}
    assert clean_record({"occupation_group": ""}, partial=True).values == {"occupation_group": None}
    problems = clean_record({"occupation_group": "Bác sĩ"}, partial=True).problems
    assert [p.field for p in problems] == ["occupation_group"]
    assert "Nhóm nghề nghiệp không có trong danh sách" in problems[0].message


def test_the_form_chooses_it_and_the_record_shows_it(app, client, cell):
    member = db.session.query(Member).filter_by(full_name="Lê Văn Thư").one()
    login(client, "bt@test.vn")
    page = client.get(f"/members/{member.id}/edit").get_data(as_text=True)
    assert 'name="occupation_group"' in page and "Nhóm nghề nghiệp" in page
    data = {"csrf_token": csrf_from(page), "full_name": "Lê Văn Thư", "birth_date": "01/01/1980", "gender": "nam",
            "admission_date": "19/05/2005", "official_date": "19/05/2006", "occupation_group": "cong_chuc"}
    assert client.post(f"/members/{member.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, member.id).occupation_group == OccupationGroup.CONG_CHUC
    change = db.session.query(MemberChange).filter_by(member_id=member.id, field="occupation_group").one()
    assert change.new_value == "cong_chuc"
    shown = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Nhóm nghề nghiệp" in shown and "Cán bộ, công chức" in shown
    assert client.post(f"/members/{member.id}/edit", data={**data, "occupation_group": "x"}).status_code == 400
    # left out of the posted form: "not chosen", not an error
    assert client.post(f"/members/{member.id}/edit", data={k: v for k, v in data.items()
                                                            if k != "occupation_group"}).status_code == 302


def _xlsx(rows, headings) -> bytes:
    out = io.BytesIO()
    write_workbook(out, rows, headings)
    return out.getvalue()


def test_the_import_reads_the_optional_column(app, cell):
    from handbook.audit.service import Actor

    without = importer.validate_file(io.BytesIO(_xlsx(make_rows(2), HEADINGS)), today=date(2026, 6, 1))
    assert without.ok  # the column is optional
    without.close()
    rows = make_rows(3)
    values = ["Hưu trí", "nong dan", "Bác sĩ"]
    report = importer.validate_file(io.BytesIO(_xlsx([[*row, v] for row, v in zip(rows, values, strict=True)],
                                                     [*HEADINGS, "Nhóm nghề nghiệp"])), today=date(2026, 6, 1))
    assert [(p.row, p.column) for p in report.problems] == [(4, "Nhóm nghề nghiệp")]
    assert report.valid_count == 2
    leader = db.session.query(Member).filter_by(full_name="Lê Văn Thư").one()
    importer.import_valid(report, cell, Actor(user_id=leader.user_id))
    report.close()
    names = {row[0]: v for row, v in zip(rows, values, strict=True)}
    stored = {m.full_name: m.occupation_group for m in db.session.query(Member).filter(
        Member.full_name.in_(list(names)))}
    assert sorted(stored.values()) == sorted([OccupationGroup.HUU_TRI, OccupationGroup.NONG_DAN])


def test_the_template_names_the_column(app):
    book = load_workbook(io.BytesIO(importer.template_workbook()))
    assert "Nhóm nghề nghiệp" in [c.value for c in book.worksheets[0][1]]


def test_the_export_writes_it(app, client, cell):
    login(client, "bt@test.vn")
    sheet = load_workbook(io.BytesIO(client.get(f"/org/{cell.id}/members.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[2].index("Nhóm nghề nghiệp")
    assert {row[1]: row[column] for row in rows[3:]} == {"Lê Văn Thư": None, "Trần Văn Hưu": "Hưu trí"}


def test_the_members_api_exposes_it(app, cell):
    member = db.session.query(Member).filter_by(full_name="Trần Văn Hưu").one()
    body = signed_in(app, "bt@test.vn").get(f"/api/v1/members/{member.id}").get_json()
    assert (body["occupation_group"], body["occupation_group_label"]) == ("huu_tri", "Hưu trí")
    spec = signed_in(app, "bt@test.vn").get("/api/v1/openapi.json").get_json()
    assert "occupation_group" in spec["components"]["schemas"]["MemberOut"]["properties"]


def test_the_ceremony_copies_it(app, probation):
    probation.candidate.occupation_group = CandidateGroup.VIEN_CHUC
    db.session.commit()
    member = admission_probation.hold_ceremony(probation.candidate, held_on=date(2027, 3, 10),
                                               sponsor=probation.sponsor, actor=probation.actor,
                                               today=date(2027, 3, 20))
    assert member.occupation_group == OccupationGroup.VIEN_CHUC
