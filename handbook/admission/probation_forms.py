"""Forms of the probation pages: the ceremony, the sponsor, a note, the recognition decision. They carry text; the
rules live in admission/probation.py."""
from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from handbook.admission.probation import NOTE_MAX, NUMBER_MAX, REASON_MAX
from handbook.core.forms import Form
from handbook.core.i18n import lazy_gettext as _l

DATE_HINT = _l("ngày/tháng/năm")
REQUIRED = _l("Vui lòng nhập trường này.")
TOO_LONG = _l("Tối đa %(max)d ký tự.")
RECOGNISE, REFUSE = "recognise", "refuse"


def _day(label):
    return StringField(label, validators=[InputRequired(REQUIRED), Length(max=10, message=TOO_LONG)],
                       render_kw={"placeholder": DATE_HINT, "inputmode": "numeric", "maxlength": 10})


class CeremonyForm(Form):
    held_on = _day(_l("Ngày tổ chức lễ kết nạp"))
    sponsor = SelectField(_l("Đảng viên được phân công giúp đỡ"), coerce=int,
                          validators=[InputRequired(_l("Hãy chọn đảng viên được phân công giúp đỡ."))])
    group = SelectField(_l("Sinh hoạt ở tổ đảng"), coerce=int, validators=[Optional()],
                        description=_l("Để trống: tổ đảng của đảng viên giúp đỡ."))


class SponsorForm(Form):
    sponsor = SelectField(_l("Đảng viên được phân công giúp đỡ"), coerce=int,
                          validators=[InputRequired(_l("Hãy chọn đảng viên được phân công giúp đỡ."))])


class NoteForm(Form):
    text = TextAreaField(_l("Nhận xét"), validators=[InputRequired(_l("Hãy nhập nội dung nhận xét.")),
                                                     Length(max=NOTE_MAX, message=TOO_LONG)],
                         render_kw={"rows": 5, "maxlength": NOTE_MAX})


class RecognitionForm(Form):
    outcome = RadioField(_l("Kết quả"), choices=[SelectChoice(RECOGNISE, _l("Công nhận đảng viên chính thức")),
                                                 SelectChoice(REFUSE, _l("Không công nhận đảng viên chính thức"))],
                         validators=[InputRequired(_l("Hãy chọn kết quả."))])
    decided_on = _day(_l("Ngày quyết định"))
    number = StringField(_l("Số quyết định"), validators=[Optional(), Length(max=NUMBER_MAX, message=TOO_LONG)],
                         render_kw={"maxlength": NUMBER_MAX})
    reason = TextAreaField(_l("Lý do không công nhận"),
                           validators=[Optional(), Length(max=REASON_MAX, message=TOO_LONG)],
                           render_kw={"rows": 3, "maxlength": REASON_MAX})
