"""Forms of a request, the cell's decision and an early end. They carry text: the rules live in rules.py and
service.py."""
from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from handbook.core.forms import Form, select_choices
from handbook.core.i18n import lazy_gettext as _l
from handbook.exemptions.rules import KIND_LABELS, MAX_DETAIL, MAX_NUMBER, REASON_LABELS

DATE_INPUT = {"placeholder": _l("ngày/tháng/năm"), "inputmode": "numeric", "autocomplete": "off", "maxlength": 20}
TOO_LONG = _l("Dài quá %(max)d ký tự.")
APPROVE, REFUSE = "approve", "refuse"


def _date(label, description=None) -> StringField:
    return StringField(label, description=description, render_kw=dict(DATE_INPUT),
                       validators=[Optional(), Length(max=20, message=TOO_LONG)])


class RequestForm(Form):
    kind = RadioField(_l("Xin"), choices=select_choices((k.value, v) for k, v in KIND_LABELS.items()),
                      validators=[InputRequired(message=_l("Hãy chọn miễn hay tạm miễn."))])
    reason = SelectField(_l("Lý do"), choices=select_choices((k.value, v) for k, v in REASON_LABELS.items()),
                         validators=[InputRequired(message=_l("Hãy chọn lý do."))])
    detail = TextAreaField(_l("Trình bày thêm"), validators=[Optional(), Length(max=MAX_DETAIL, message=TOO_LONG)],
                           render_kw={"maxlength": MAX_DETAIL, "rows": 3})
    starts_on = _date(_l("Từ ngày"))
    until = _date(_l("Đến hết ngày"), _l("Bắt buộc với tạm miễn sinh hoạt; miễn công tác và sinh hoạt đảng có "
                                           "thể để trống."))


class RecordForm(RequestForm):
    """A leader records the request of a member of the cell (one without a phone, or who asked in person)."""

    member_id = SelectField(_l("Đảng viên"), choices=[],
                            validators=[InputRequired(message=_l("Hãy chọn đảng viên."))])


class DecisionForm(Form):
    outcome = RadioField(_l("Quyết định của chi bộ"),
                         choices=select_choices([(APPROVE, _l("Chấp thuận")), (REFUSE, _l("Không chấp thuận"))]),
                         validators=[InputRequired(message=_l("Hãy chọn chấp thuận hay không."))])
    number = StringField(_l("Số nghị quyết"), validators=[Optional(), Length(max=MAX_NUMBER, message=TOO_LONG)],
                         render_kw={"maxlength": MAX_NUMBER, "autocomplete": "off"})
    decided_on = _date(_l("Ngày nghị quyết"))
    reason = TextAreaField(_l("Lý do không chấp thuận"),
                           validators=[Optional(), Length(max=MAX_DETAIL, message=TOO_LONG)],
                           render_kw={"maxlength": MAX_DETAIL, "rows": 2})


class EndForm(Form):
    back_on = _date(_l("Trở lại sinh hoạt từ ngày"))
    reason = TextAreaField(_l("Lý do kết thúc sớm"), validators=[Optional(), Length(max=MAX_DETAIL, message=TOO_LONG)],
                           render_kw={"maxlength": MAX_DETAIL, "rows": 2})
