"""The form recording that a committee reviewed one of its periodic lists."""
from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from handbook.core.forms import Form
from handbook.core.i18n import lazy_gettext as _l
from handbook.reports.reviews import NOTE_MAX

TOO_LONG = _l("Dài quá %(max)d ký tự.")


class RecordReviewForm(Form):
    reviewed_on = StringField(_l("Ngày xem xét"), validators=[Optional(), Length(max=20, message=TOO_LONG)],
                              render_kw={"placeholder": _l("ngày/tháng/năm"), "inputmode": "numeric",
                                         "autocomplete": "off"})
    note = TextAreaField(_l("Ghi chú (kết luận, việc giao)"),
                         validators=[Optional(), Length(max=NOTE_MAX, message=TOO_LONG)],
                         render_kw={"maxlength": NOTE_MAX, "rows": 2})
