"""Forms of the moves and the directory of receiving organisations. They carry text: the rules live in
members/moves.py and members/directory.py."""
from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from handbook.core.forms import Form, select_choices
from handbook.core.i18n import lazy_gettext as _l
from handbook.members.forms import DATE_HINT
from handbook.members.move_models import MoveKind, MoveReason
from handbook.members.moves import KIND_LABELS, REASON_LABELS

TOO_LONG = _l("Tối đa %(max)d ký tự.")


def _date(label):
    return StringField(label, validators=[Optional(), Length(max=10, message=TOO_LONG)],
                       render_kw={"placeholder": DATE_HINT, "inputmode": "numeric", "autocomplete": "off"})


class MoveRequestForm(Form):
    """A member's request (or a leader's, for them): kind, reason, the change's day, the destination."""

    kind = SelectField(_l("Hình thức"), choices=select_choices((k.value, KIND_LABELS[k]) for k in MoveKind))
    reason = SelectField(_l("Lý do"), choices=select_choices((r.value, REASON_LABELS[r]) for r in MoveReason))
    change_day = _date(_l("Ngày có sự thay đổi (quyết định có hiệu lực, nghỉ hưu, chuyển nơi ở)"))
    until = _date(_l("Sinh hoạt tạm thời đến ngày (chỉ với sinh hoạt tạm thời)"))
    destination = HiddenField()  # a directory entry's id, chosen from the search
    destination_name = StringField(_l("Hoặc ghi tên tổ chức đảng nơi chuyển đến (ngoài danh bạ)"),
                                   validators=[Optional(), Length(max=200, message=TOO_LONG)])
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=255, message=TOO_LONG)])


class LetterForm(Form):
    number = StringField(_l("Số giấy giới thiệu"), validators=[Optional(), Length(max=60, message=TOO_LONG)])
    day = _date(_l("Ngày ký"))


class ReceiveForm(Form):
    cell = SelectField(_l("Chi bộ tiếp nhận"), choices=[], validate_choice=False)
    day = _date(_l("Ngày tiếp nhận"))


class OutsideReceiptForm(Form):
    day = _date(_l("Ngày nơi đến tiếp nhận"))


class DirectoryForm(Form):
    name = StringField(_l("Tên tổ chức đảng"), validators=[Optional(), Length(max=200, message=TOO_LONG)])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=255, message=TOO_LONG)])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=30, message=TOO_LONG)],
                        render_kw={"inputmode": "tel"})
    hours = StringField(_l("Giờ tiếp nhận"), validators=[Optional(), Length(max=200, message=TOO_LONG)])
    code = StringField(_l("Mã của tổ chức trong hệ thống (nếu nơi này dùng Sổ tay)"),
                       validators=[Optional(), Length(max=40, message=TOO_LONG)])
