"""Forms of the dues pages. They carry text: the rules live in dues/rules.py, service.py and payments.py."""
from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from handbook.core.forms import Form, select_choices
from handbook.core.i18n import lazy_gettext as _l
from handbook.dues.labels import CATEGORY_LABELS, METHOD_LABELS, REGION_LABELS, RELIEF_LABELS

TOO_LONG = _l("Dài quá %(max)d ký tự.")
MONTH_INPUT = {"placeholder": _l("tháng/năm"), "inputmode": "numeric", "autocomplete": "off", "maxlength": 7}
DATE_INPUT = {"placeholder": _l("ngày/tháng/năm"), "inputmode": "numeric", "autocomplete": "off", "maxlength": 10}
MONEY_INPUT = {"inputmode": "numeric", "autocomplete": "off", "maxlength": 15}


def _text(label, limit: int, render: dict, **kwargs) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=limit, message=TOO_LONG)], render_kw=dict(render),
                       **kwargs)


def _choices(labels: dict) -> list:
    return select_choices([(key.value if hasattr(key, "value") else str(key), label)
                           for key, label in labels.items()])


class SheetForm(Form):
    """The sheet's own fields; each member's line (paid_<id>, amount_<id>, reference_<id>) is read by the view."""

    method = SelectField(_l("Hình thức nộp"), choices=_choices(METHOD_LABELS))
    paid_on = _text(_l("Ngày nộp"), 20, DATE_INPUT)


class ProfileForm(Form):
    category = SelectField(_l("Đối tượng"), choices=_choices(CATEGORY_LABELS))
    base_amount = _text(_l("Số tiền làm căn cứ (đồng/tháng)"), 20, MONEY_INPUT,
                        description=_l("Tiền lương đóng bảo hiểm xã hội, trợ cấp hoặc lương hưu; để trống với học "
                                       "sinh, sinh viên và người không có bảo hiểm xã hội."))
    from_month = _text(_l("Áp dụng từ tháng"), 10, MONTH_INPUT)


class ReliefForm(Form):
    kind = SelectField(_l("Lý do"), choices=_choices(RELIEF_LABELS))
    percent = SelectField(_l("Mức giảm"), choices=select_choices([("30", "30 %"), ("50", "50 %"), ("70", "70 %")]))
    from_month = _text(_l("Từ tháng"), 10, MONTH_INPUT)
    to_month = _text(_l("Đến tháng"), 10, MONTH_INPUT, description=_l("Giảm: tối đa 12 tháng. Miễn: để trống nếu "
                                                                     "chưa có thời hạn."))
    decision_number = _text(_l("Số quyết định"), 60, {"maxlength": 60})
    decision_date = _text(_l("Ngày quyết định"), 20, DATE_INPUT)


class PaymentForm(Form):
    first_month = _text(_l("Từ tháng"), 10, MONTH_INPUT)
    last_month = _text(_l("Đến tháng"), 10, MONTH_INPUT, description=_l("Để trống nếu chỉ một tháng."))
    amount = _text(_l("Số tiền mỗi tháng (đồng)"), 20, MONEY_INPUT,
                   description=_l("Để trống để ghi đúng mức phải đóng của từng tháng."))
    method = SelectField(_l("Hình thức nộp"), choices=_choices(METHOD_LABELS))
    reference = _text(_l("Mã giao dịch (nộp qua Cổng Dịch vụ công)"), 60, {"maxlength": 60})
    paid_on = _text(_l("Ngày nộp"), 20, DATE_INPUT)


class RegionForm(Form):
    region = SelectField(_l("Vùng lương tối thiểu"),
                         choices=select_choices([("", _l("Theo tổ chức cấp trên"))]) + _choices(REGION_LABELS))
