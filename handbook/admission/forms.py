"""Forms of a candidate's file. They carry text: the rules live in admission/validation.py and dossier.py."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from handbook.admission.labels import (
    GENERAL_EDUCATION_LABELS,
    OCCUPATION_GROUP_LABELS,
    PROFESSIONAL_LEVEL_LABELS,
    SOURCE_LABELS,
    STEP_STATUS_LABELS,
    choices,
)
from handbook.core.forms import Form
from handbook.core.i18n import lazy_gettext as _l

DATE_HINT = _l("ngày/tháng/năm")
DATE_INPUT = {"placeholder": DATE_HINT, "inputmode": "numeric", "autocomplete": "off"}
TOO_LONG = _l("Dài quá %(max)d ký tự.")


def _date(label, **kwargs) -> StringField:
    return StringField(label, render_kw=dict(DATE_INPUT), validators=[Optional(), Length(max=20, message=TOO_LONG)],
                       **kwargs)


def _text(label, limit: int, **render) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=limit, message=TOO_LONG)],
                       render_kw={"maxlength": limit, **render})


class CandidateForm(Form):
    full_name = _text(_l("Họ và tên"), 120, autocomplete="off")
    birth_date = _date(_l("Ngày sinh"))
    gender = SelectField(_l("Giới tính"), choices=choices({"nam": _l("Nam"), "nu": _l("Nữ")}, blank=True))
    ethnicity = _text(_l("Dân tộc"), 40)
    religion = _text(_l("Tôn giáo"), 40)
    cccd = _text(_l("Số CCCD"), 16, inputmode="numeric", autocomplete="off")
    phone = _text(_l("Điện thoại"), 20, inputmode="tel", autocomplete="off")
    residence = _text(_l("Nơi cư trú"), 200)
    hometown = _text(_l("Quê quán"), 200)
    general_education = SelectField(_l("Giáo dục phổ thông"),
                                    choices=choices(GENERAL_EDUCATION_LABELS, blank=True))
    education_exception = _text(_l("Lý do xét trường hợp dưới trung học cơ sở"), 255)
    professional_level = SelectField(_l("Trình độ chuyên môn"), choices=choices(PROFESSIONAL_LEVEL_LABELS))
    qualification = _text(_l("Chuyên ngành"), 120)
    occupation = _text(_l("Nghề nghiệp, nơi làm việc"), 120)
    occupation_group = SelectField(_l("Nhóm nghề nghiệp"), choices=choices(OCCUPATION_GROUP_LABELS))
    youth_union = BooleanField(_l("Là đoàn viên Đoàn TNCS Hồ Chí Minh"))
    source = SelectField(_l("Tổ chức giới thiệu, bồi dưỡng"), choices=choices(SOURCE_LABELS))
    notes = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000, message=TOO_LONG)],
                          render_kw={"maxlength": 2000, "rows": 3})

    FIELD_NAMES = ("full_name", "birth_date", "gender", "ethnicity", "religion", "cccd", "phone", "residence",
                   "hometown", "general_education", "education_exception", "professional_level", "qualification",
                   "occupation", "occupation_group", "youth_union", "source", "notes")

    def raw(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELD_NAMES}


class StepForm(Form):
    status = SelectField(_l("Tình trạng"), choices=choices(STEP_STATUS_LABELS),
                         validators=[InputRequired(message=_l("Hãy chọn tình trạng."))])
    done_on = _date(_l("Ngày (ngày trên văn bản hoặc ngày diễn ra)"))
    number = _text(_l("Số văn bản"), 60)
    responsible = _text(_l("Người thực hiện"), 120)
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=500, message=TOO_LONG)],
                         render_kw={"maxlength": 500, "rows": 2})
    upload = FileField(_l("Bản chụp (PDF, JPEG hoặc PNG, tối đa 10 MB)"),
                       render_kw={"accept": "application/pdf,image/jpeg,image/png"})


class IntroducerForm(Form):
    member_id = SelectField(_l("Đảng viên giới thiệu"), choices=[],
                            validators=[InputRequired(message=_l("Hãy chọn đảng viên."))])
    known_since = _date(_l("Cùng công tác, học tập hoặc cư trú từ ngày"))
    signed_on = _date(_l("Ngày ký giấy giới thiệu"))


class StopForm(Form):
    reason = TextAreaField(_l("Lý do dừng xem xét"), validators=[
        InputRequired(message=_l("Hãy ghi lý do dừng xem xét.")), Length(max=255, message=TOO_LONG)],
        render_kw={"maxlength": 255, "rows": 2})


class ReviewForm(Form):
    reviewed_on = _date(_l("Ngày rà soát"))
    note = TextAreaField(_l("Kết quả rà soát"), validators=[Optional(), Length(max=1000, message=TOO_LONG)],
                         render_kw={"maxlength": 1000, "rows": 2})
