"""The dossier's rules: steps in order of their dates, what the cell's resolution needs, introducers, the decision
within 60 (90) working days — Tết not counted — and scans checked by their content. A refusal writes nothing."""
from __future__ import annotations

import os
from datetime import date

import pytest

from handbook.admission import dossier, files, progress, reviews, steps
from handbook.admission.errors import AdmissionError
from handbook.admission.models import CandidateStatus, StepStatus
from handbook.extensions import db
from tests.admission.dossier_scene import ACTOR, TODAY, build, counts, walk

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n" + b"x" * 64


@pytest.fixture
def scene(app, factory):
    return build(factory)


@pytest.fixture
def candidate(scene, factory):
    candidate = factory.candidate(scene.cell, name="Võ Thị Hoa", birth_date=date(2001, 3, 15), youth_union=False)
    factory.commit()
    return candidate


def refused(action, *, contains: str) -> AdmissionError:
    before = counts()
    with pytest.raises(AdmissionError) as caught:
        action()
    assert contains in str(caught.value), str(caught.value)
    assert counts() == before
    return caught.value


def test_dates_out_of_order_are_refused_naming_both(candidate):
    dossier.record_step(candidate, "application", status="xong", done_on=date(2026, 3, 10), actor=ACTOR, today=TODAY)
    error = refused(lambda: dossier.record_step(candidate, "background", status="xong", done_on=date(2026, 3, 1),
                                                actor=ACTOR, today=TODAY), contains="01/03/2026")
    assert "10/03/2026" in str(error) and error.field == "done_on"
    refused(lambda: dossier.record_step(candidate, "awareness", status="xong", done_on=date(2026, 3, 11), actor=ACTOR,
                                        today=TODAY), contains="muộn hơn ngày 10/03/2026")
    db.session.expire_all()
    assert [s.step for s in candidate.steps] == ["application"]


def test_a_done_step_needs_a_past_date(candidate):
    refused(lambda: dossier.record_step(candidate, "application", status="xong", done_on=None, actor=ACTOR,
                                        today=TODAY), contains="cần có ngày")
    refused(lambda: dossier.record_step(candidate, "application", status="xong", done_on=date(2026, 12, 7),
                                        actor=ACTOR, today=TODAY), contains="07/12/2026")


def test_unknown_steps_the_ceremony_and_the_wrong_phase_are_refused(candidate):
    refused(lambda: dossier.record_step(candidate, "bribe", status="xong", done_on=TODAY, actor=ACTOR, today=TODAY),
            contains="Không có bước")
    refused(lambda: dossier.record_step(candidate, "ceremony", status="xong", done_on=TODAY, actor=ACTOR,
                                        today=TODAY), contains="lễ kết nạp")
    refused(lambda: dossier.record_step(candidate, "recog_decision", status="xong", done_on=TODAY, actor=ACTOR,
                                        today=TODAY), contains="công nhận đảng viên chính thức")
    refused(lambda: dossier.record_step(candidate, "self_review", status="xong", done_on=TODAY, actor=ACTOR,
                                        today=TODAY), contains="đảng viên dự bị")


def test_an_introducer_must_be_official(candidate, scene):
    refused(lambda: dossier.add_introducer(candidate, scene.probationary, known_since=date(2020, 1, 1),
                                           signed_on=date(2026, 6, 1), actor=ACTOR, today=TODAY),
            contains="phải là đảng viên chính thức")
    official_late = scene.introducers[1]  # official since 01/01/2012
    refused(lambda: dossier.add_introducer(candidate, official_late, known_since=date(2009, 1, 1),
                                           signed_on=date(2011, 6, 1), actor=ACTOR, today=TODAY),
            contains="01/01/2012")


def test_an_introducer_must_have_known_the_candidate_12_months(candidate, scene):
    refused(lambda: dossier.add_introducer(candidate, scene.introducers[0], known_since=date(2025, 6, 2),
                                           signed_on=date(2026, 6, 1), actor=ACTOR, today=TODAY),
            contains="chưa đủ 12 tháng")
    dossier.add_introducer(candidate, scene.introducers[0], known_since=date(2025, 6, 1), signed_on=date(2026, 6, 1),
                           actor=ACTOR, today=TODAY)
    refused(lambda: dossier.add_introducer(candidate, scene.introducers[0], known_since=date(2020, 1, 1),
                                           signed_on=date(2026, 6, 1), actor=ACTOR, today=TODAY),
            contains="đã là người giới thiệu")


def test_an_introducer_the_caller_may_not_view_reads_as_not_found(candidate, scene):
    from handbook.caller import load_access

    access = load_access(scene.leader)
    error = refused(lambda: dossier.add_introducer(candidate, scene.far_member, known_since=date(2020, 1, 1),
                                                   signed_on=date(2026, 6, 1), actor=ACTOR, today=TODAY,
                                                   access=access), contains="Không tìm thấy")
    assert "Đỗ Văn Xa" not in str(error)


def test_the_cell_resolution_needs_the_file_complete(candidate, scene):
    day = walk(candidate, scene.introducers, until="org_comments")
    error = refused(lambda: dossier.record_step(candidate, "cell_resolution", status="xong", done_on=day,
                                                actor=ACTOR, today=TODAY), contains="còn thiếu")
    assert str(steps.BY_CODE["org_comments"].label) in str(error)
    assert str(steps.BY_CODE["residence_comments"].label) in str(error)


def test_a_failed_verification_blocks_the_resolution(candidate, scene):
    day = walk(candidate, scene.introducers, until="cell_resolution")
    dossier.record_step(candidate, "verification", status="khong_dat", done_on=date(2025, 1, 15), actor=ACTOR,
                        today=TODAY)
    refused(lambda: dossier.record_step(candidate, "cell_resolution", status="xong", done_on=day, actor=ACTOR,
                                        today=TODAY), contains="thẩm tra, xác minh lý lịch không đạt")


def test_two_introducers_or_the_youth_union_and_one(scene, factory):
    alone = factory.candidate(scene.cell, youth_union=False)
    youth = factory.candidate(scene.cell, youth_union=True)
    factory.commit()
    day = walk(alone, scene.introducers[:1], until="cell_resolution")
    refused(lambda: dossier.record_step(alone, "cell_resolution", status="xong", done_on=day, actor=ACTOR,
                                        today=TODAY), contains="Cần ít nhất hai đảng viên chính thức")
    day = walk(youth, scene.introducers, until="cell_resolution", youth=True)
    assert dossier.record_step(youth, "cell_resolution", status="xong", done_on=day, actor=ACTOR, today=TODAY) == []


def test_a_trade_unions_resolution_also_takes_the_place_of_one_introducer(scene, factory):
    worker = factory.candidate(scene.cell, youth_union=False, birth_date=date(1985, 4, 1))
    factory.commit()
    day = walk(worker, scene.introducers, until="cell_resolution", youth=True)  # 4A-KNĐ on the same step
    assert len(worker.introducers) == 1
    assert dossier.record_step(worker, "cell_resolution", status="xong", done_on=day, actor=ACTOR, today=TODAY) == []


def test_under_18_on_the_day_of_the_cell_resolution_is_refused(scene, factory):
    young = factory.candidate(scene.cell, birth_date=date(2007, 6, 20), youth_union=False)
    factory.commit()
    day = walk(young, scene.introducers, until="cell_resolution", start=date(2025, 3, 3))
    error = refused(lambda: dossier.record_step(young, "cell_resolution", status="xong", done_on=day, actor=ACTOR,
                                                today=TODAY), contains="chưa đủ 18 tuổi")
    assert "20/06/2007" in str(error)
    assert dossier.record_step(young, "cell_resolution", status="xong", done_on=date(2025, 6, 20), actor=ACTOR,
                               today=TODAY) == []


def test_an_old_awareness_certificate_is_a_warning(scene, factory):
    candidate = factory.candidate(scene.cell, youth_union=False)
    factory.commit()
    day = walk(candidate, scene.introducers, until="cell_resolution", start=date(2020, 1, 6))
    warnings = dossier.record_step(candidate, "cell_resolution", status="xong", done_on=date(2025, 2, 3),
                                   actor=ACTOR, today=TODAY)
    assert day < date(2025, 2, 3) and any("06/01/2020" in w for w in warnings)


def _to_grassroots(candidate, scene, resolution: date):
    walk(candidate, scene.introducers, until="cell_resolution", start=resolution.replace(year=resolution.year - 1))
    dossier.record_step(candidate, "cell_resolution", status="xong", done_on=resolution, actor=ACTOR, today=TODAY)
    dossier.record_step(candidate, "grassroots_resolution", status="xong", done_on=resolution, actor=ACTOR,
                        today=TODAY)


def test_the_decision_after_60_working_days_is_refused(candidate, scene):
    _to_grassroots(candidate, scene, date(2026, 3, 2))
    due = steps.decision_due(date(2026, 3, 2), False)
    error = refused(lambda: dossier.record_step(candidate, "decision", status="xong", done_on=date(2026, 6, 30),
                                                actor=ACTOR, today=TODAY), contains="quá 60 ngày làm việc")
    assert due.strftime("%d/%m/%Y") in str(error)
    dossier.record_step(candidate, "decision", status="xong", done_on=due, actor=ACTOR, today=TODAY)


def test_the_one_extension_gives_90_working_days(candidate, scene):
    _to_grassroots(candidate, scene, date(2026, 3, 2))
    dossier.extend_decision(candidate, ACTOR, today=TODAY)
    with pytest.raises(AdmissionError, match="một lần"):
        dossier.extend_decision(candidate, ACTOR, today=TODAY)
    due = steps.decision_due(date(2026, 3, 2), True)
    error = refused(lambda: dossier.record_step(candidate, "decision", status="xong",
                                                done_on=date(due.year, due.month, due.day + 1), actor=ACTOR,
                                                today=TODAY), contains="quá 90 ngày làm việc (đã gia hạn)")
    assert due.strftime("%d/%m/%Y") in str(error)
    dossier.record_step(candidate, "decision", status="xong", done_on=due, actor=ACTOR, today=TODAY)


def test_the_extension_needs_the_cell_resolution(candidate):
    with pytest.raises(AdmissionError, match="nghị quyết đề nghị kết nạp"):
        dossier.extend_decision(candidate, ACTOR, today=TODAY)
    assert candidate.decision_extended is False


def test_working_days_skip_tet_for_the_decision(candidate, scene):
    """Resolution Monday 04/01/2027: 60 working days without the 04–10/02/2027 break would end 29/03/2027; the
    five working days of Tết move it to 05/04/2027."""
    later = date(2027, 6, 1)
    walk(candidate, scene.introducers, until="cell_resolution", start=date(2026, 6, 1), today=later)
    dossier.record_step(candidate, "cell_resolution", status="xong", done_on=date(2027, 1, 4), actor=ACTOR,
                        today=later)
    dossier.record_step(candidate, "grassroots_resolution", status="xong", done_on=date(2027, 1, 20), actor=ACTOR,
                        today=later)
    assert steps.decision_due(date(2027, 1, 4), False) == date(2027, 4, 5)
    state = progress.progress(candidate, date(2027, 3, 30))
    assert [(d.code, d.due_on, d.overdue, d.soon) for d in state.deadlines] == [
        ("decision", date(2027, 4, 5), False, True)]
    refused(lambda: dossier.record_step(candidate, "decision", status="xong", done_on=date(2027, 4, 6), actor=ACTOR,
                                        today=later), contains="hạn cuối là 05/04/2027")
    dossier.record_step(candidate, "decision", status="xong", done_on=date(2027, 4, 5), actor=ACTOR, today=later)
    state = progress.progress(candidate, date(2027, 4, 6))
    assert state.deadlines[0].code == "ceremony" and state.deadlines[0].due_on == steps.ceremony_due(date(2027, 4, 5))


def test_grassroots_after_the_cell_and_no_undoing_under_a_later_step(candidate, scene):
    day = walk(candidate, scene.introducers, until="cell_resolution")
    refused(lambda: dossier.record_step(candidate, "grassroots_resolution", status="xong", done_on=day, actor=ACTOR,
                                        today=TODAY), contains="chỉ ghi nhận được sau khi")
    dossier.record_step(candidate, "cell_resolution", status="xong", done_on=day, actor=ACTOR, today=TODAY)
    dossier.record_step(candidate, "grassroots_resolution", status="xong", done_on=day, actor=ACTOR, today=TODAY)
    refused(lambda: dossier.record_step(candidate, "cell_resolution", status="dang_lam", actor=ACTOR, today=TODAY),
            contains="không thể sửa bước trước đó")


def test_a_scan_is_checked_by_its_bytes_and_replaced_files_are_deleted(app, candidate):
    refused(lambda: dossier.record_step(candidate, "application", status="dang_lam", actor=ACTOR, today=TODAY,
                                        upload=files.Scan("don.pdf", b"<html>not a pdf</html>")),
            contains="PDF, JPEG hoặc PNG")
    app.config["ADMISSION_FILE_MAX_BYTES"] = 50
    try:
        refused(lambda: dossier.record_step(candidate, "application", status="dang_lam", actor=ACTOR, today=TODAY,
                                            upload=files.Scan("don.pdf", PDF)), contains="quá lớn")
    finally:
        app.config["ADMISSION_FILE_MAX_BYTES"] = 10 * 1024 * 1024
    assert not os.listdir(files.storage_dir())
    dossier.record_step(candidate, "application", status="dang_lam", actor=ACTOR, today=TODAY,
                        upload=files.Scan("don.png", PNG))
    first = candidate.step("application")
    assert first.file_type == "image/png" and first.file_name == "don.png" and first.file_size == len(PNG)
    old_key = first.file_key
    dossier.record_step(candidate, "application", status="xong", done_on=date(2026, 1, 5), actor=ACTOR, today=TODAY,
                        upload=files.Scan("don.pdf", PDF))
    assert candidate.step("application").file_type == "application/pdf"
    assert os.listdir(files.storage_dir()) == [candidate.step("application").file_key]
    assert old_key not in os.listdir(files.storage_dir())
    files.delete(candidate.step("application").file_key)


def test_progress_flags_a_stale_file_and_the_stage(scene, factory):
    candidate = factory.candidate(scene.cell, youth_union=False)
    factory.commit()
    dossier.record_step(candidate, "awareness", status="xong", done_on=date(2025, 12, 1), actor=ACTOR, today=TODAY)
    dossier.record_step(candidate, "application", status="xong", done_on=date(2026, 1, 5), actor=ACTOR, today=TODAY)
    state = progress.progress(candidate, TODAY)
    assert state.stage == "Đơn xin vào Đảng" and state.next_steps[0].code == "background" and not state.warnings
    assert not progress.progress(candidate, date(2027, 1, 5)).warnings  # 12 months to the day: not yet over
    state = progress.progress(candidate, date(2027, 1, 6))
    assert "Hồ sơ quá 12 tháng chưa được chi bộ xét: cần làm lại một số thủ tục" in state.warnings[0]


def test_the_list_review_counts_the_open_candidates_and_sets_the_next_one(scene, factory):
    factory.candidate(scene.cell)
    factory.candidate(scene.cell, status=CandidateStatus.DUNG)
    factory.commit()
    assert reviews.next_review_due(scene.cell.id, TODAY) == TODAY
    with pytest.raises(AdmissionError):
        reviews.record_review(scene.cell, date(2026, 12, 7), None, ACTOR, today=TODAY)
    review = reviews.record_review(scene.cell, date(2026, 11, 30), "Rà soát tháng 11", ACTOR, today=TODAY)
    assert review.candidates == 1
    assert reviews.next_review_due(scene.cell.id, TODAY) == date(2026, 12, 30)


def test_stepping_status_values_are_kept(candidate):
    dossier.record_step(candidate, "application", status=StepStatus.DANG_LAM, done_on=date(2026, 1, 1), number="12",
                        responsible="Đ/c Thư", note="Đang hoàn thiện", actor=ACTOR, today=TODAY)
    row = candidate.step("application")
    assert (row.status, row.done_on, row.number, row.responsible) == (StepStatus.DANG_LAM, None, "12", "Đ/c Thư")
