"""The base of every form: Flask-WTF, with WTForms' own messages in Vietnamese.

WTForms writes some messages itself — a DateField, IntegerField, TimeField, DateTimeLocalField or SelectField
whose text cannot be read ("Not a valid date value."), and a validator given no message ("This field is
required.", "Number must be between 2000 and 2100.") — and passes each through its form's translations. It has
no Vietnamese catalogue, so `Form.Meta` hands it this one: the same texts as our own msgids (Vietnamese source,
English in the catalogue), so every message follows the member's language like the rest of the page.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from handbook.core.i18n import lazy_gettext as _l

SESSION_EXPIRED = _l("Phiên làm việc đã hết hạn. Vui lòng gửi lại.")  # what _form.html's form_errors says too
INVALID_CHOICE = _l("Lựa chọn không hợp lệ.")

#: WTForms' msgid (the singular one, for those with a plural) → ours; the placeholders are kept
MESSAGES = {
    # coercion: what a field says when the text it received is not its kind of value
    "Not a valid date value.": _l("Ngày không hợp lệ; hãy chọn hoặc nhập đủ ngày, tháng, năm."),
    "Not a valid datetime value.": _l("Ngày giờ không hợp lệ; hãy chọn hoặc nhập đủ ngày và giờ."),
    "Not a valid time value.": _l("Giờ không hợp lệ; hãy nhập giờ và phút, ví dụ 19:30."),
    "Not a valid week value.": _l("Tuần không hợp lệ."),
    "Not a valid integer value.": _l("Phải là một số nguyên, ví dụ 2026."),
    "Not a valid decimal value.": _l("Phải là một số."),
    "Not a valid float value.": _l("Phải là một số."),
    "Not a valid choice.": INVALID_CHOICE,
    "Invalid Choice: could not coerce.": INVALID_CHOICE,
    "Invalid choice(s): one or more data inputs could not be coerced.": INVALID_CHOICE,
    "'%(value)s' is not a valid choice for this field.": _l("“%(value)s” không phải là một lựa chọn hợp lệ."),
    "Choices cannot be None.": _l("Chưa có lựa chọn nào."),
    # validators used without a message of their own
    "This field is required.": _l("Vui lòng nhập trường này."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Field must be equal to %(other_name)s.": _l("Phải giống trường %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Tối thiểu %(min)d ký tự."),
    "Field cannot be longer than %(max)d character.": _l("Tối đa %(max)d ký tự."),
    "Field must be exactly %(max)d character long.": _l("Phải đúng %(max)d ký tự."),
    "Field must be between %(min)d and %(max)d characters long.": _l("Độ dài phải từ %(min)d đến %(max)d ký tự."),
    "Number must be at least %(min)s.": _l("Phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": _l("Không được lớn hơn %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Phải từ %(min)s đến %(max)s."),
    "Date must be at least %(min)s.": _l("Ngày phải từ %(min)s trở đi."),
    "Date must be at most %(max)s.": _l("Ngày không được sau %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Ngày phải trong khoảng %(min)s đến %(max)s."),
    "Invalid email address.": _l("Địa chỉ e-mail không hợp lệ."),
    "Invalid URL.": _l("Đường dẫn không hợp lệ."),
    "Invalid IP address.": _l("Địa chỉ IP không hợp lệ."),
    "Invalid Mac address.": _l("Địa chỉ MAC không hợp lệ."),
    "Invalid UUID.": _l("Mã UUID không hợp lệ."),
    "Invalid value, must be one of: %(values)s.": _l("Giá trị không hợp lệ; phải là một trong: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("Giá trị không hợp lệ; không được là: %(values)s."),
    "This field cannot be edited.": _l("Không được sửa trường này."),
    "This field is disabled and cannot have a value.": _l("Trường này đang khóa, không nhận giá trị."),
    "Invalid field name '%s'.": _l("Tên trường không hợp lệ: '%s'."),
}


class VietnameseMessages:
    """WTForms' translations interface (gettext, ngettext) over MESSAGES; an unknown text passes unchanged."""

    def gettext(self, string: str) -> str:
        found = MESSAGES.get(string)
        return str(found) if found is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = MESSAGES.get(singular)  # Vietnamese has one form for every count
        if found is not None:
            return str(found)
        return singular if n == 1 else plural


TRANSLATIONS = VietnameseMessages()


class Form(FlaskForm):
    """Use this, never FlaskForm directly: CSRF, and WTForms' built-in messages in the member's language."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        token = self._fields.get(self.meta.csrf_field_name) if self.meta.csrf else None
        if token is not None and token.errors:
            # Flask-WTF's reasons ("The CSRF token has expired.") are English and not passed through translations;
            # views that flash every error would show them: one sentence a member can act on instead
            token.errors = [str(SESSION_EXPIRED)]
        return ok


class EmptyForm(Form):
    """A form with only the CSRF token (logout, one-button actions)."""


class Submitted(NamedTuple):
    """How a posted form's round trip ended: `done` with what the action returned, or the page's status."""

    done: bool
    value: Any
    status: int


def submit(form: Form, action: Callable[[], Any], *domain_errors: type[Exception]) -> Submitted:
    """The round trip of a page's form: nothing posted yet → status 200; a field refused → 400; `action` refused with
    one of `domain_errors` (their message is for the user) → that message under its field or on the form, 400;
    otherwise done, with what `action` returned. The view then redirects when done, or shows the form again with
    the status."""
    if not form.validate_on_submit():
        return Submitted(False, None, 400 if form.is_submitted() else 200)
    try:
        return Submitted(True, action(), 200)
    except domain_errors as exc:
        attach(form, exc)
        return Submitted(False, None, 400)


def attach(form: Form, exc: Exception) -> None:
    """A refusal's message under the field it names (`exc.field`, see core.refusals), or at the top of the form."""
    field = getattr(exc, "field", None)
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors") and field != "csrf_token":
        target.errors = [*target.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def select_choices(pairs) -> list[SelectChoice]:
    """A SelectField's choices from (value, label) pairs (WTForms no longer takes plain tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]
