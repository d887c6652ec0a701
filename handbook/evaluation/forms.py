"""Forms of the evaluation. They carry text: the rules live in evaluation/rules.py and the services."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from handbook.core.forms import Form, select_choices
from handbook.core.i18n import lazy_gettext as _l
from handbook.evaluation import rules
from handbook.evaluation.labels import FORM_LABELS, LEVEL_LABELS, SECTION_LABELS
from handbook.evaluation.models import FormKind, Level

DATE_INPUT = {"placeholder": _l("ngày/tháng/năm"), "inputmode": "numeric", "autocomplete": "off", "maxlength": 20}
TOO_LONG = _l("Dài quá %(max)d ký tự.")
ALL_SECTIONS = tuple(dict.fromkeys(code for codes in rules.SECTIONS.values() for code in codes))


def level_choices(blank_label) -> list[tuple[str, str]]:
    return select_choices([("", blank_label), *((level.value, label) for level, label in LEVEL_LABELS.items())])


class SelfAssessmentForm(Form):
    proposed_level = SelectField(_l("Tự nhận mức xếp loại"), choices=[], default="")
    action = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposed_level.choices = level_choices(_l("— Chọn mức —"))

    def section(self, code: str):
        return self._fields[code]

    def answers(self) -> dict:
        return {code: self._fields[code].data for code in ALL_SECTIONS}

    def proposed(self) -> Level | None:
        return Level(self.proposed_level.data) if self.proposed_level.data else None


for _code in ALL_SECTIONS:  # one text area per section of any form; the page shows those of the member's form
    setattr(SelfAssessmentForm, _code, TextAreaField(
        SECTION_LABELS[_code], validators=[Optional(), Length(max=rules.ANSWER_MAX, message=TOO_LONG)],
        render_kw={"maxlength": rules.ANSWER_MAX, "rows": 5}))


class RoundForm(Form):
    year = HiddenField()
    deadline = StringField(_l("Hạn nộp bản tự kiểm điểm"), render_kw=DATE_INPUT,
                           validators=[Optional(), Length(max=20, message=TOO_LONG)])


class RatingForm(Form):
    score = StringField(_l("Tổng điểm (thang 100)"), render_kw={"inputmode": "decimal", "maxlength": 6,
                                                                 "autocomplete": "off"},
                        validators=[InputRequired(message=_l("Hãy nhập điểm (từ 0 đến 100).")),
                                    Length(max=6, message=TOO_LONG)])
    all_tasks_done = BooleanField(_l("Hoàn thành 100 % nhiệm vụ được giao, đúng hạn, bảo đảm chất lượng"))
    exceeding_share = StringField(_l("Tỷ lệ nhiệm vụ hoàn thành vượt mức yêu cầu (%)"),
                                  render_kw={"inputmode": "numeric", "maxlength": 3, "autocomplete": "off"},
                                  validators=[Optional(), Length(max=3, message=TOO_LONG)])
    level = SelectField(_l("Mức xếp loại"), choices=[], default="")
    note = TextAreaField(_l("Nhận xét"), validators=[Optional(), Length(max=2000, message=TOO_LONG)],
                         render_kw={"maxlength": 2000, "rows": 3})
    decided_on = StringField(_l("Ngày quyết định"), render_kw=DATE_INPUT,
                             validators=[Optional(), Length(max=20, message=TOO_LONG)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = level_choices(_l("Theo điểm và điều kiện"))


class FormKindForm(Form):
    form = SelectField(_l("Mẫu bản tự kiểm điểm"),
                       choices=select_choices((k.value, label) for k, label in FORM_LABELS.items()),
                       validators=[InputRequired(message=_l("Hãy chọn mẫu."))])

    def kind(self) -> FormKind:
        return FormKind(self.form.data)
