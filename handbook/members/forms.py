"""Forms for a member's record. They only carry text: the checks live in members/validation.py."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from handbook.core.forms import Form, select_choices
from handbook.core.i18n import lazy_gettext as _l
from handbook.members.labels import OCCUPATION_GROUP_LABELS, STATUS_LABELS
from handbook.members.validation import CONTACT_FIELDS, FIELDS

DATE_HINT = _l("ngày/tháng/năm")
PHONE_IS_LOGIN = _l("Số điện thoại này cũng là tên đăng nhập vào ứng dụng: đổi số thì từ lần sau đăng nhập "
                    "bằng số mới.")


def _field(name: str, **kwargs):
    label = FIELDS[name][0]
    if name in ("birth_date", "admission_date", "official_date"):
        return StringField(label, render_kw={"placeholder": DATE_HINT, "inputmode": "numeric"}, **kwargs)
    if name == "gender":
        return SelectField(label, choices=select_choices([("", "—"), ("nam", _l("Nam")), ("nu", _l("Nữ"))]), **kwargs)
    if name == "occupation_group":  # optional: a form posted without it keeps "" (not chosen)
        return SelectField(label, default="", choices=select_choices(
            [("", "—"), *((group.value, text) for group, text in OCCUPATION_GROUP_LABELS.items())]), **kwargs)
    render = {"maxlength": FIELDS[name][1]} if FIELDS[name][1] else {}
    if name == "phone":
        render.update(inputmode="tel", autocomplete="tel")
        kwargs.setdefault("description", PHONE_IS_LOGIN)
    if name == "email":
        render.update(inputmode="email", autocomplete="email")
    return StringField(label, render_kw=render or None, **kwargs)


class ContactForm(Form):
    """What a member edits on their own record."""

    phone = _field("phone")
    email = _field("email")
    residence = _field("residence")

    FIELD_NAMES = CONTACT_FIELDS


class RecordForm(Form):
    """Every field, for the cell's leaders and committee staff."""

    full_name = _field("full_name")
    birth_name = _field("birth_name")
    birth_date = _field("birth_date")
    gender = _field("gender")
    ethnicity = _field("ethnicity")
    religion = _field("religion")
    hometown = _field("hometown")
    residence = _field("residence")
    cccd = _field("cccd")
    phone = _field("phone")
    email = _field("email")
    education = _field("education")
    qualification = _field("qualification")
    political_theory = _field("political_theory")
    foreign_language = _field("foreign_language")
    occupation = _field("occupation")
    occupation_group = _field("occupation_group")
    admission_date = _field("admission_date")
    official_date = _field("official_date")
    official_reason = _field("official_reason")
    card_number = _field("card_number")
    dossier_number = _field("dossier_number")

    FIELD_NAMES = tuple(FIELDS)


class StatusForm(Form):
    status = SelectField(_l("Trạng thái"), choices=select_choices((k.value, v) for k, v in STATUS_LABELS.items()),
                         validators=[InputRequired(message=_l("Hãy chọn trạng thái."))])
    from_date = StringField(_l("Từ ngày"), render_kw={"placeholder": DATE_HINT, "inputmode": "numeric"},
                            validators=[InputRequired(message=_l("Hãy nhập ngày."))])
    reason = TextAreaField(_l("Lý do / số quyết định"), validators=[Optional(), Length(
        max=255, message=_l("Dài quá %(max)d ký tự."))], render_kw={"maxlength": 255, "rows": 2})


class PhotoForm(Form):
    photo = FileField(_l("Ảnh chân dung (JPEG hoặc PNG, tối đa 3 MB)"), render_kw={"accept": "image/jpeg,image/png"})


def raw_values(form) -> dict[str, str]:
    """The submitted text of the form's record fields, for validation.clean_record."""
    return {name: (getattr(form, name).data or "") for name in form.FIELD_NAMES if hasattr(form, name)}


def attach_problems(form, problems) -> None:
    """Show each Problem under its field (or at the top of the form when it has no field)."""
    for problem in problems:
        target = getattr(form, problem.field, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [problem.message]
        else:
            form.form_errors.append(problem.message)


class TemporaryForm(Form):
    """A request to receive a member for sinh hoạt tạm thời: the card number on their letter and a second factor."""

    card_number = StringField(_l("Số thẻ đảng viên"), validators=[InputRequired(_l("Vui lòng nhập trường này.")),
                                                                  Length(max=24, message=_l("Tối đa %(max)d ký tự."))],
                              render_kw={"inputmode": "numeric", "autocomplete": "off"})
    birth_date = StringField(_l("Ngày sinh của đảng viên"), validators=[Optional(), Length(max=10)],
                             render_kw={"placeholder": DATE_HINT, "inputmode": "numeric", "autocomplete": "off"})
    cccd = StringField(_l("Hoặc số CCCD của đảng viên"), validators=[Optional(), Length(max=16)],
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})
    reason = SelectField(_l("Lý do"), choices=[])
    until = DateField(_l("Sinh hoạt tạm thời đến ngày"), validators=[InputRequired(_l("Vui lòng nhập trường này."))])
