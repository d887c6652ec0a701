"""Checking and normalising a candidate's identity and background — the one place used by the form and the API.

The fields a candidate shares with a member record (name, birth date, gender, ethnicity, religion, places, CCCD,
phone, qualification, occupation) go through `members.validation.clean_record`, so they are checked and stored
exactly as a member's are; the rules of admission (age 18–60 in whole months, lower-secondary education, a CCCD
not already on record) are added here.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from handbook.admission import steps
from handbook.admission.errors import AdmissionError
from handbook.admission.models import (
    Candidate,
    GeneralEducation,
    OccupationGroup,
    ProfessionalLevel,
    Source,
)
from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.members.models import Member
from handbook.members.validation import clean_record, nfc

#: the fields of a candidate the form and the API send, in the form's order
FIELDS = ("full_name", "birth_date", "gender", "ethnicity", "religion", "cccd", "phone", "residence", "hometown",
          "general_education", "education_exception", "professional_level", "qualification", "occupation",
          "occupation_group", "youth_union", "source", "notes")
#: checked by members.validation exactly as on a member's record
SHARED = ("full_name", "birth_date", "gender", "ethnicity", "religion", "cccd", "phone", "residence", "hometown",
          "qualification", "occupation")
REQUIRED = ("full_name", "birth_date", "gender", "general_education")
NO_RELIGION = {"không", "khong", "không có", "-", "—"}
TRUE_WORDS = {"1", "y", "yes", "on", "true", "có", "co"}
EXCEPTION_MAX = 255
NOTES_MAX = 2000


class CccdTaken(AdmissionError):
    """The CCCD is already on a member record or another candidate's file (the message names neither)."""


def cccd_taken_message() -> str:
    return _("Số CCCD này đã có trong dữ liệu đảng viên hoặc quần chúng; đề nghị kiểm tra lại hoặc liên hệ cấp ủy "
             "cấp trên.")


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _current(candidate: Candidate, name: str) -> Any:
    value = getattr(candidate, name)
    if isinstance(value, date):
        return day(value)
    return getattr(value, "value", value)


def _choice(name: str, raw: Any, enum_type, default):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if default is None:
            raise AdmissionError(_("Không được để trống."), name)
        return default
    try:
        return enum_type(str(raw).strip())
    except ValueError:
        raise AdmissionError(_("Lựa chọn không hợp lệ."), name) from None


def _free_text(name: str, raw: Any, limit: int) -> str | None:
    if raw is None:
        return None
    text = nfc(str(raw)) if name != "notes" else str(raw).strip()
    if len(text) > limit:
        raise AdmissionError(_("Dài quá %(n)d ký tự.", n=limit), name)
    return text or None


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().casefold() in TRUE_WORDS


def clean_candidate(raw: dict[str, Any], *, today: date, candidate: Candidate | None = None
                    ) -> tuple[dict[str, Any], list[str]]:
    """The column values of a candidate from what was typed or sent, and the warnings to show; AdmissionError
    (with its field) for the first value refused. With `candidate`, fields absent from `raw` keep their values."""
    if candidate is not None:
        raw = {**{name: _current(candidate, name) for name in FIELDS}, **raw}
    raw = {name: raw.get(name) for name in FIELDS}
    shared = {name: raw[name] if raw[name] is not None else "" for name in SHARED}
    cleaned = clean_record(shared, today=today, partial=True)
    if cleaned.problems:
        problem = cleaned.problems[0]
        raise AdmissionError(problem.message, problem.field)
    values: dict[str, Any] = {name: cleaned.values.get(name) for name in SHARED}
    for name in ("full_name", "birth_date", "gender"):
        if values[name] is None:
            raise AdmissionError(_("Không được để trống."), name)
    values["ethnicity"] = values["ethnicity"] or "Kinh"
    if values["religion"] and values["religion"].casefold() in NO_RELIGION:
        values["religion"] = None
    values["general_education"] = _choice("general_education", raw["general_education"], GeneralEducation, None)
    values["professional_level"] = _choice("professional_level", raw["professional_level"], ProfessionalLevel,
                                           ProfessionalLevel.KHONG)
    values["occupation_group"] = _choice("occupation_group", raw["occupation_group"], OccupationGroup,
                                         OccupationGroup.KHAC)
    values["source"] = _choice("source", raw["source"], Source, Source.KHAC)
    values["youth_union"] = _flag(raw["youth_union"])
    values["education_exception"] = _free_text("education_exception", raw["education_exception"], EXCEPTION_MAX)
    values["notes"] = _free_text("notes", raw["notes"], NOTES_MAX)

    warnings: list[str] = []
    months = steps.age_in_months(values["birth_date"], today)
    if months < steps.MIN_AGE_MONTHS:
        raise AdmissionError(_("Chưa đủ 18 tuổi (tính theo tháng) vào ngày %(day)s: người sinh ngày %(birth)s chưa "
                               "thể đưa vào danh sách quần chúng ưu tú.", day=day(today),
                               birth=day(values["birth_date"])), "birth_date")
    if months > steps.MAX_AGE_MONTHS:
        warnings.append(_("Quá 60 tuổi (tính theo tháng): việc kết nạp cần được cấp ủy cấp tỉnh đồng ý."))
    if values["general_education"] is GeneralEducation.TIEU_HOC:
        if not values["education_exception"]:
            raise AdmissionError(_("Người vào Đảng phải có trình độ từ trung học cơ sở trở lên; nếu thuộc trường hợp "
                                   "đặc biệt (vùng cao, vùng sâu, đồng bào dân tộc thiểu số…), hãy ghi lý do."),
                                 "education_exception")
        warnings.append(_("Trình độ dưới trung học cơ sở: trường hợp đặc biệt, cần cấp ủy có thẩm quyền xem xét."))
    else:
        values["education_exception"] = None
    unchanged = candidate is not None and values["cccd"] == candidate.cccd
    if values["cccd"] and not unchanged and cccd_in_use(values["cccd"], candidate):
        raise CccdTaken(cccd_taken_message(), "cccd")
    return values, warnings


def cccd_in_use(cccd: str, candidate: Candidate | None = None) -> bool:
    """Whether a member record (other than the one `candidate`'s ceremony created) or another candidate's file
    holds `cccd` (two indexed look-ups)."""
    members = select(Member.id).where(Member.cccd == cccd)
    if candidate is not None and candidate.member_id is not None:
        members = members.where(Member.id != candidate.member_id)
    if db.session.scalar(members.limit(1)) is not None:
        return True
    others = select(Candidate.id).where(Candidate.cccd == cccd)
    if candidate is not None and candidate.id is not None:
        others = others.where(Candidate.id != candidate.id)
    return db.session.scalar(others.limit(1)) is not None
