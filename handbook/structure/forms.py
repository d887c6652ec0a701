"""The forms of the tree's pages: every change carries its decision (number, signer) and effective day."""
from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional

from handbook.core.forms import Form
from handbook.core.i18n import lazy_gettext as _l

DATE_HINT = _l("ngày/tháng/năm, ví dụ 01/07/2025")
REQUIRED = _l("Vui lòng nhập trường này.")


def _day(label):
    return StringField(label, validators=[Optional(), Length(max=10)],
                       render_kw={"placeholder": DATE_HINT, "inputmode": "numeric"},
                       description=_l("Để trống: hôm nay."))


class DecisionForm(Form):
    """The fields every change has; also the form that dissolves."""

    decision_number = StringField(_l("Số quyết định"), validators=[Optional(), Length(max=60)])
    signer = StringField(_l("Người ký quyết định"), validators=[Optional(), Length(max=120)])
    on = _day(_l("Ngày hiệu lực"))


class RenameForm(DecisionForm):
    name = StringField(_l("Tên mới"), validators=[InputRequired(REQUIRED), Length(max=200)])


class CreateForm(DecisionForm):
    name = StringField(_l("Tên tổ chức"), validators=[InputRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Loại tổ chức"))
    code = StringField(_l("Mã tổ chức (nếu có)"), validators=[Optional(), Length(max=40)])
    unit_type = SelectField(_l("Loại hình"), description=_l("Khu dân cư hay nơi làm việc (cơ quan, đơn vị, doanh "
                                                             "nghiệp…); để trống nếu chưa rõ."))


class UnitTypeForm(Form):
    unit_type = SelectField(_l("Loại hình"), description=_l("Khu dân cư hay nơi làm việc (cơ quan, đơn vị, doanh "
                                                             "nghiệp…); để trống nếu chưa rõ."))


class MoveForm(DecisionForm):
    parent = SelectField(_l("Tổ chức cấp trên mới"), coerce=int)


class MergeForm(DecisionForm):
    sources = SelectMultipleField(_l("Các tổ chức hợp nhất vào tổ chức này"), coerce=int)


class SplitForm(DecisionForm):
    """Up to three new cells per split; each member of the cell is assigned to one of them or stays."""

    name_1 = StringField(_l("Tên chi bộ mới thứ nhất"), validators=[InputRequired(REQUIRED), Length(max=200)])
    name_2 = StringField(_l("Tên chi bộ mới thứ hai (nếu có)"), validators=[Optional(), Length(max=200)])
    name_3 = StringField(_l("Tên chi bộ mới thứ ba (nếu có)"), validators=[Optional(), Length(max=200)])


class MoveMembersForm(DecisionForm):
    members = SelectMultipleField(_l("Đảng viên chuyển đi"), coerce=int)
    cell = SelectField(_l("Chi bộ nhận"), coerce=int)
    reason = StringField(_l("Lý do"), validators=[Optional(), Length(max=255)])
