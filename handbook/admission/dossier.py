"""Recording the steps of an admission file, its introducers and the one extension of the decision's deadline —
with the rules of the procedure (docs/domain.md: Admission): the steps' dates in order, what the cell's resolution
needs, the decision within 60 (90) working days. Each refusal says which dates are involved; nothing is written.
The ceremony and the recognition decision are `admission.probation`'s."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError

from handbook.admission import files, steps
from handbook.admission.errors import AdmissionError
from handbook.admission.models import Candidate, CandidateStatus, DossierStep, Introducer, StepStatus
from handbook.admission.validation import day
from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus
from handbook.org.access import can_view_member

DONE = (StepStatus.XONG, StepStatus.KHONG_DAT)
#: step → the step it follows: it cannot be done before that one is, nor that one undone after it
DEPENDS = {
    "unit_report": "cell_resolution",
    "grassroots_resolution": "cell_resolution",
    "decision": "grassroots_resolution",
    "recog_unit_report": "recog_cell_resolution",
    "recog_grassroots_resolution": "recog_cell_resolution",
}
#: recorded by admission.probation (the ceremony form, the recognition form), not here
ELSEWHERE = ("ceremony", "recog_decision")
LIMITS = {"number": 60, "responsible": 120, "note": 500}
CELL_RESOLUTION_NEEDS = ("awareness", "application", "background", "verification", "org_comments",
                         "residence_comments")


def done_step(candidate: Candidate, code: str) -> DossierStep | None:
    """The step when it is done and passed (XONG), else None."""
    return candidate.step(code) if candidate.done_on(code) is not None else None


def label(code: str) -> str:
    return str(steps.BY_CODE[code].label)


def _text(name: str, value: str | None) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > LIMITS[name]:
        raise AdmissionError(_("Dài quá %(n)d ký tự.", n=LIMITS[name]), name)
    return text or None


def _check_phase(candidate: Candidate, step: steps.Step) -> None:
    if step.phase == steps.ADMISSION and candidate.status is not CandidateStatus.DANG_XET:
        raise AdmissionError(_("Chỉ ghi nhận các bước hồ sơ kết nạp khi quần chúng đang được xét kết nạp."))
    if step.phase == steps.RECOGNITION and candidate.status is not CandidateStatus.DU_BI:
        raise AdmissionError(_("Chỉ ghi nhận các bước công nhận đảng viên chính thức khi đang là đảng viên dự bị."))


def _check_order(candidate: Candidate, code: str, done_on: date) -> None:
    """A done step's date is not before any earlier done step's, nor after any later done step's."""
    position = steps.ORDER[code]
    for row in candidate.steps:
        if row.step == code or row.status not in DONE or row.done_on is None or row.step not in steps.ORDER:
            continue
        other = steps.ORDER[row.step]
        if other < position and row.done_on > done_on:
            raise AdmissionError(_("Ngày %(day)s của bước “%(step)s” sớm hơn ngày %(other_day)s của bước trước đó "
                                   "“%(other)s”; các bước phải theo đúng thứ tự thời gian.", day=day(done_on),
                                   step=label(code), other_day=day(row.done_on), other=label(row.step)), "done_on")
        if other > position and row.done_on < done_on:
            raise AdmissionError(_("Ngày %(day)s của bước “%(step)s” muộn hơn ngày %(other_day)s của bước sau đó "
                                   "“%(other)s”; các bước phải theo đúng thứ tự thời gian.", day=day(done_on),
                                   step=label(code), other_day=day(row.done_on), other=label(row.step)), "done_on")


def valid_introducers(candidate: Candidate, on: date) -> list[Introducer]:
    """Introducers whose letter is signed by `on`, having known the candidate 12 months when signing."""
    return [i for i in candidate.introducers if i.signed_on <= on
            and steps.months_between(i.known_since, i.signed_on) >= steps.INTRODUCER_MONTHS]


def _check_cell_resolution(candidate: Candidate, done_on: date, warnings: list[str]) -> None:
    """What the cell's resolution (6-KNĐ) needs, on its date."""
    verification = candidate.step("verification")
    if verification is not None and verification.status is StepStatus.KHONG_DAT:
        raise AdmissionError(_("Việc thẩm tra, xác minh lý lịch không đạt: chi bộ không thể ra nghị quyết đề nghị "
                               "kết nạp."), "status")
    missing = [code for code in CELL_RESOLUTION_NEEDS if done_step(candidate, code) is None]
    if missing:
        raise AdmissionError(_("Chưa đủ hồ sơ để chi bộ ra nghị quyết đề nghị kết nạp; còn thiếu: %(steps)s.",
                               steps="; ".join(label(code) for code in missing)), "status")
    introducers = valid_introducers(candidate, done_on)
    # the grassroots Youth Union's (4-KNĐ) or trade union's (4A-KNĐ) resolution takes the place of one introducer
    if done_step(candidate, "youth_union") is not None:
        if not introducers:
            raise AdmissionError(_("Đã có nghị quyết giới thiệu của Ban Chấp hành Đoàn cơ sở hoặc công đoàn cơ sở, "
                                   "vẫn cần thêm ít nhất một đảng viên chính thức giới thiệu (ký đến ngày %(day)s).",
                                   day=day(done_on)), "status")
    elif len(introducers) < 2:
        raise AdmissionError(_("Cần ít nhất hai đảng viên chính thức giới thiệu (giấy giới thiệu ký đến ngày "
                               "%(day)s, đã cùng công tác hoặc cư trú với quần chúng ít nhất 12 tháng), hoặc nghị "
                               "quyết giới thiệu của Ban Chấp hành Đoàn cơ sở hoặc công đoàn cơ sở và một đảng viên "
                               "chính thức; hiện có %(n)d người đủ điều kiện.", day=day(done_on),
                               n=len(introducers)), "status")
    months = steps.age_in_months(candidate.birth_date, done_on)
    if months < steps.MIN_AGE_MONTHS:
        raise AdmissionError(_("Vào ngày %(day)s quần chúng (sinh ngày %(birth)s) chưa đủ 18 tuổi tính theo tháng: "
                               "chi bộ chưa thể xét kết nạp.", day=day(done_on), birth=day(candidate.birth_date)),
                             "done_on")
    if months > steps.MAX_AGE_MONTHS:
        warnings.append(_("Vào ngày %(day)s quần chúng đã quá 60 tuổi (tính theo tháng): việc kết nạp cần được cấp "
                          "ủy cấp tỉnh đồng ý.", day=day(done_on)))
    awareness = done_step(candidate, "awareness")
    valid_months = steps.setting("ADMISSION_AWARENESS_VALID_MONTHS")
    if awareness is not None and awareness.done_on + relativedelta(months=valid_months) < done_on:
        warnings.append(_("Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (ngày %(cert)s) đã quá %(n)d tháng vào "
                          "ngày %(day)s; đề nghị cho học lại.", cert=day(awareness.done_on), n=valid_months,
                          day=day(done_on)))


def _check_decision(candidate: Candidate, done_on: date) -> None:
    resolution = done_step(candidate, "cell_resolution")
    due = steps.decision_due(resolution.done_on, candidate.decision_extended)
    if done_on <= due:
        return
    if candidate.decision_extended:
        raise AdmissionError(_("Quyết định kết nạp ngày %(day)s quá 90 ngày làm việc (đã gia hạn) kể từ nghị quyết "
                               "của chi bộ ngày %(res)s: hạn cuối là %(due)s.", day=day(done_on),
                               res=day(resolution.done_on), due=day(due)), "done_on")
    raise AdmissionError(_("Quyết định kết nạp ngày %(day)s quá 60 ngày làm việc kể từ nghị quyết của chi bộ ngày "
                           "%(res)s: hạn cuối là %(due)s (chưa gia hạn; có thể gia hạn một lần thêm 30 ngày làm việc).",
                           day=day(done_on), res=day(resolution.done_on), due=day(due)), "done_on")


def _check_rules(candidate: Candidate, code: str, status: StepStatus, done_on: date | None,
                 warnings: list[str]) -> None:
    current = candidate.step(code)
    if status is not StepStatus.XONG and current is not None and current.status is StepStatus.XONG:
        later = [c for c, before in DEPENDS.items() if before == code and candidate.step(c) is not None
                 and candidate.step(c).status in DONE]
        if later:
            raise AdmissionError(_("Bước “%(step)s” đã xong nên không thể sửa bước trước đó “%(before)s” thành chưa "
                                   "xong.", step=label(later[0]), before=label(code)), "status")
    if status not in DONE:
        return
    if done_on is None:
        raise AdmissionError(_("Bước đã xong hoặc không đạt cần có ngày."), "done_on")
    _check_order(candidate, code, done_on)
    before = DEPENDS.get(code)
    if before is not None and done_step(candidate, before) is None:
        raise AdmissionError(_("Bước “%(step)s” chỉ ghi nhận được sau khi đã có “%(before)s”.", step=label(code),
                               before=label(before)), "status")
    if status is not StepStatus.XONG:
        return
    if code == "cell_resolution":
        _check_cell_resolution(candidate, done_on, warnings)
    elif code == "decision":
        _check_decision(candidate, done_on)
    elif code == "recog_cell_resolution" and candidate.admitted_on is not None:
        end = steps.probation_end(candidate.admitted_on)
        if done_on < end:
            raise AdmissionError(_("Chi bộ chỉ xét công nhận đảng viên chính thức khi hết 12 tháng dự bị (từ ngày "
                                   "%(end)s); ngày %(day)s là quá sớm.", end=day(end), day=day(done_on)), "done_on")


def record_step(candidate: Candidate, code: str, *, status, done_on: date | None = None, number: str | None = None,
                responsible: str | None = None, note: str | None = None, upload: files.Scan | None = None,
                actor: Actor, today: date) -> list[str]:
    """Record one step of the file (its status, date, number, who carries it, a note, a scan); returns the
    warnings to show. AdmissionError when a rule refuses it: nothing is written."""
    step = steps.BY_CODE.get(code)
    if step is None:
        raise AdmissionError(_("Không có bước hồ sơ này."))
    if code == "ceremony":
        raise AdmissionError(_("Lễ kết nạp được ghi nhận ở trang tổ chức lễ kết nạp (cùng người giúp đỡ đảng viên "
                               "dự bị), không ở đây."))
    if code == "recog_decision":
        raise AdmissionError(_("Quyết định công nhận đảng viên chính thức được ghi nhận ở trang công nhận đảng viên "
                               "chính thức, không ở đây."))
    _check_phase(candidate, step)
    try:
        status = StepStatus(getattr(status, "value", status))
    except ValueError:
        raise AdmissionError(_("Lựa chọn không hợp lệ."), "status") from None
    if status not in DONE:
        done_on = None
    elif done_on is not None and done_on > today:
        raise AdmissionError(_("Ngày %(day)s ở tương lai; hãy ghi ngày đã diễn ra.", day=day(done_on)), "done_on")
    texts = {name: _text(name, value) for name, value in
             (("number", number), ("responsible", responsible), ("note", note))}
    warnings: list[str] = []
    _check_rules(candidate, code, status, done_on, warnings)
    if upload is not None:
        files.check_scan(upload)

    new_key = None
    if upload is not None:
        new_key, content_type = files.store(upload)  # StorageError leaves no file behind
    row = candidate.step(code)
    old_key = None
    try:
        if row is None:
            row = DossierStep(step=code)
            candidate.steps.append(row)
        row.status, row.done_on = status, done_on
        row.number, row.responsible, row.note = texts["number"], texts["responsible"], texts["note"]
        row.updated_by_id = actor.user_id
        if new_key is not None:
            old_key = row.file_key
            row.file_key, row.file_name, row.file_type, row.file_size = (new_key, upload.filename, content_type,
                                                                         len(upload.data))
        audit.record("candidate.step", actor, target_type="candidate", target_id=candidate.id, step=code,
                     status=status.value)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        files.delete(new_key)
        raise
    files.delete(old_key)  # replaced: only once the new one is committed
    return warnings


def extend_decision(candidate: Candidate, actor: Actor, *, today: date) -> None:
    """The competent committee extends the decision's deadline by 30 working days — once, after the cell's
    resolution and before the decision."""
    if candidate.status is not CandidateStatus.DANG_XET:
        raise AdmissionError(_("Chỉ gia hạn được khi quần chúng đang được xét kết nạp."))
    if candidate.decision_extended:
        raise AdmissionError(_("Thời hạn ra quyết định kết nạp chỉ được gia hạn một lần, và đã gia hạn rồi."))
    resolution = done_step(candidate, "cell_resolution")
    if resolution is None:
        raise AdmissionError(_("Chỉ gia hạn được sau khi chi bộ đã có nghị quyết đề nghị kết nạp."))
    decision = candidate.step("decision")
    if decision is not None and decision.status in DONE:
        raise AdmissionError(_("Đã có quyết định kết nạp; không cần gia hạn."))
    candidate.decision_extended = True
    audit.record("candidate.extend", actor, target_type="candidate", target_id=candidate.id)
    db.session.commit()


def not_found() -> str:
    return _("Không tìm thấy đảng viên này trong phạm vi của đồng chí.")


def add_introducer(candidate: Candidate, member: Member | None, *, known_since: date | None,
                   signed_on: date | None, actor: Actor, today: date, access=None) -> Introducer:
    """An official member introduces the candidate (3-KNĐ). `access` (the caller's): a member they may not view
    reads as not found, like one that does not exist."""
    if candidate.status is not CandidateStatus.DANG_XET:
        raise AdmissionError(_("Chỉ ghi nhận người giới thiệu khi quần chúng đang được xét kết nạp."))
    if member is None or (access is not None and not can_view_member(access, member)):
        raise AdmissionError(not_found(), "member_id")
    if known_since is None:
        raise AdmissionError(_("Hãy nhập ngày bắt đầu cùng công tác, học tập hoặc cư trú."), "known_since")
    if signed_on is None:
        raise AdmissionError(_("Hãy nhập ngày ký giấy giới thiệu."), "signed_on")
    if signed_on > today:
        raise AdmissionError(_("Ngày ký %(day)s ở tương lai.", day=day(signed_on)), "signed_on")
    if known_since > signed_on:
        raise AdmissionError(_("Ngày bắt đầu quen biết %(since)s sau ngày ký giấy giới thiệu %(day)s.",
                               since=day(known_since), day=day(signed_on)), "known_since")
    if member.status is not MemberStatus.CHINH_THUC:
        raise AdmissionError(_("Người giới thiệu phải là đảng viên chính thức; đồng chí %(name)s không phải.",
                               name=member.full_name), "member_id")
    if member.official_date is not None and member.official_date > signed_on:
        raise AdmissionError(_("Đồng chí %(name)s là đảng viên chính thức từ ngày %(official)s, sau ngày ký giấy "
                               "giới thiệu %(day)s.", name=member.full_name, official=day(member.official_date),
                               day=day(signed_on)), "signed_on")
    if steps.months_between(known_since, signed_on) < steps.INTRODUCER_MONTHS:
        raise AdmissionError(_("Người giới thiệu phải cùng công tác, học tập hoặc cư trú với quần chúng ít nhất 12 "
                               "tháng: từ %(since)s đến ngày ký %(day)s chưa đủ 12 tháng.", since=day(known_since),
                               day=day(signed_on)), "known_since")
    if any(i.member_id == member.id for i in candidate.introducers):
        raise AdmissionError(_("Đồng chí %(name)s đã là người giới thiệu của quần chúng này.", name=member.full_name),
                             "member_id")
    introducer = Introducer(member_id=member.id, known_since=known_since, signed_on=signed_on,
                            recorded_by_id=actor.user_id)
    candidate.introducers.append(introducer)
    db.session.flush()
    audit.record("candidate.introducer_add", actor, target_type="candidate", target_id=candidate.id,
                 member_id=member.id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AdmissionError(_("Đồng chí %(name)s đã là người giới thiệu của quần chúng này.",
                               name=member.full_name), "member_id") from None
    return introducer


def remove_introducer(candidate: Candidate, introducer_id: int, actor: Actor, *, today: date) -> None:
    """Take an introducer off the file, before the cell's resolution."""
    introducer = next((i for i in candidate.introducers if i.id == introducer_id), None)
    if introducer is None:
        raise AdmissionError(_("Không tìm thấy người giới thiệu này."))
    if candidate.status is not CandidateStatus.DANG_XET or done_step(candidate, "cell_resolution") is not None:
        raise AdmissionError(_("Chi bộ đã ra nghị quyết đề nghị kết nạp; không bỏ được người giới thiệu."))
    member_id = introducer.member_id
    candidate.introducers.remove(introducer)
    audit.record("candidate.introducer_remove", actor, target_type="candidate", target_id=candidate.id,
                 member_id=member_id)
    db.session.commit()
