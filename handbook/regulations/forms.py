"""Forms for publishing and reading documents (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from handbook.core.forms import Form, select_choices
from handbook.core.i18n import lazy_gettext as _l
from handbook.regulations.models import DocumentKind, DocumentStatus
from handbook.regulations.service import KIND_LABELS, STATUS_LABELS

REQUIRED = _l("Vui lòng nhập trường này.")
TOO_LONG = _l("Tối đa %(max)d ký tự.")
BAD_DATE = _l("Ngày không hợp lệ.")
MAX_BODY = 400_000
BAD_CHOICE = _l("Lựa chọn không hợp lệ.")


class ChoiceField(SelectField):
    """A select whose refusals speak Vietnamese (WTForms ships no Vietnamese catalogue)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(BAD_CHOICE)) from None

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(str(BAD_CHOICE)) from None


class DocumentForm(Form):
    kind = ChoiceField(_l("Loại văn bản"), choices=select_choices((k.value, KIND_LABELS[k]) for k in DocumentKind),
                       validators=[DataRequired(REQUIRED)])
    number = StringField(_l("Số và ký hiệu"), validators=[DataRequired(REQUIRED), Length(max=60, message=TOO_LONG)],
                         render_kw={"placeholder": "339-QĐ/TW"})
    title = StringField(_l("Trích yếu (tên văn bản)"),
                        validators=[DataRequired(REQUIRED), Length(max=300, message=TOO_LONG)])
    issuer = StringField(_l("Cơ quan ban hành"), validators=[DataRequired(REQUIRED), Length(max=200, message=TOO_LONG)])
    issue_date = DateField(_l("Ngày ban hành"), validators=[DataRequired(BAD_DATE)], invalid_value_message=BAD_DATE)
    effective_date = DateField(_l("Ngày có hiệu lực"), validators=[Optional()], invalid_value_message=BAD_DATE)
    audience = ChoiceField(_l("Gửi đến"), coerce=int, validate_choice=True)
    body = TextAreaField(
        _l("Nội dung (Markdown; mỗi Điều bắt đầu bằng “Điều 1.”, mỗi Chương bằng “Chương I”)"),
        validators=[Optional(), Length(max=MAX_BODY, message=TOO_LONG)], render_kw={"rows": 14},
    )
    source = FileField(_l("Hoặc nhập nội dung từ tệp (.docx, .txt, .md; tối đa 10 MB)"),
                       render_kw={"accept": ".docx,.txt,.md"})
    attachment = FileField(_l("Tệp đính kèm (PDF hoặc DOCX; tối đa 10 MB)"), render_kw={"accept": ".pdf,.docx"})

    def __init__(self, *args, audience_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        audience_choices = list(audience_choices)
        self.audience.choices = select_choices(audience_choices)
        if not any(value == 0 for value, _label in audience_choices):  # 0: the whole deployment (admins)
            self.audience.validators = [DataRequired(_l("Vui lòng chọn tổ chức nhận văn bản."))]


class PublishForm(Form):
    replaces = ChoiceField(_l("Văn bản này thay thế"), coerce=int, validate_choice=True)


class StatusForm(Form):
    status = ChoiceField(_l("Tình trạng"), choices=select_choices((s.value, STATUS_LABELS[s]) for s in DocumentStatus))
    replaced_by = ChoiceField(_l("Được thay thế bởi"), coerce=int, validate_choice=True)


class BookmarkForm(Form):
    saved = HiddenField()


class TextSizeForm(Form):
    size = HiddenField()
    next = HiddenField()
