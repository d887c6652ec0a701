"""Forms for publishing and reading documents (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from handbook.core.i18n import lazy_gettext as _l
from handbook.regulations.models import DocumentKind, DocumentStatus
from handbook.regulations.service import KIND_LABELS, STATUS_LABELS

REQUIRED = _l("Vui lòng nhập trường này.")
TOO_LONG = _l("Tối đa %(max)d ký tự.")
BAD_DATE = _l("Ngày không hợp lệ.")
MAX_BODY = 400_000


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Loại văn bản"), choices=[(k.value, KIND_LABELS[k]) for k in DocumentKind],
                       validators=[DataRequired(REQUIRED)])
    number = StringField(_l("Số và ký hiệu"), validators=[DataRequired(REQUIRED), Length(max=60, message=TOO_LONG)],
                         render_kw={"placeholder": "339-QĐ/TW"})
    title = StringField(_l("Trích yếu (tên văn bản)"),
                        validators=[DataRequired(REQUIRED), Length(max=300, message=TOO_LONG)])
    issuer = StringField(_l("Cơ quan ban hành"), validators=[DataRequired(REQUIRED), Length(max=200, message=TOO_LONG)])
    issue_date = DateField(_l("Ngày ban hành"), validators=[DataRequired(BAD_DATE)])
    effective_date = DateField(_l("Ngày có hiệu lực"), validators=[Optional()])
    audience = SelectField(_l("Gửi đến"), coerce=int, validate_choice=True)
    body = TextAreaField(
        _l("Nội dung (Markdown; mỗi Điều bắt đầu bằng “Điều 1.”, mỗi Chương bằng “Chương I”)"),
        validators=[Optional(), Length(max=MAX_BODY, message=TOO_LONG)], render_kw={"rows": 14},
    )
    source = FileField(_l("Hoặc nhập nội dung từ tệp (.docx, .txt, .md; tối đa 10 MB)"),
                       render_kw={"accept": ".docx,.txt,.md"})
    attachment = FileField(_l("Tệp đính kèm (PDF hoặc DOCX; tối đa 10 MB)"), render_kw={"accept": ".pdf,.docx"})

    def __init__(self, *args, audience_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.audience.choices = list(audience_choices)
        self.audience.validators = [DataRequired(_l("Vui lòng chọn tổ chức nhận văn bản."))] if not any(
            value == 0 for value, _label in self.audience.choices) else []


class PublishForm(FlaskForm):
    replaces = SelectField(_l("Văn bản này thay thế"), coerce=int, validate_choice=True)


class StatusForm(FlaskForm):
    status = SelectField(_l("Tình trạng"), choices=[(s.value, STATUS_LABELS[s]) for s in DocumentStatus])
    replaced_by = SelectField(_l("Được thay thế bởi"), coerce=int, validate_choice=True)


class BookmarkForm(FlaskForm):
    saved = HiddenField()


class TextSizeForm(FlaskForm):
    size = HiddenField()
    next = HiddenField()
