"""Login, activation and password forms (Flask-WTF: CSRF on every one)."""
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from handbook.core.forms import Form
from handbook.core.i18n import lazy_gettext as _l

REQUIRED = _l("Vui lòng nhập trường này.")


class LoginForm(Form):
    login = StringField(
        _l("E-mail hoặc số điện thoại"),
        validators=[DataRequired(REQUIRED), Length(max=254, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[DataRequired(REQUIRED), Length(max=128, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "current-password"},
    )


class _NewPasswordMixin:
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=8, max=128, message=_l("Mật khẩu phải có từ %(min)d đến %(max)d ký tự.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", message=_l("Hai mật khẩu không khớp."))],
        render_kw={"autocomplete": "new-password"},
    )


class ActivationForm(_NewPasswordMixin, Form):
    code = StringField(
        _l("Mã kích hoạt"),
        validators=[DataRequired(REQUIRED), Length(max=20, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )


class PasswordChangeForm(_NewPasswordMixin, Form):
    current_password = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[DataRequired(REQUIRED), Length(max=128, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "current-password"},
    )


class TotpForm(Form):
    code = StringField(
        _l("Mã xác thực"),
        validators=[DataRequired(REQUIRED), Length(max=20, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none"},
    )


class PasswordConfirmForm(Form):
    password = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[DataRequired(REQUIRED), Length(max=128, message=_l("Tối đa %(max)d ký tự."))],
        render_kw={"autocomplete": "current-password"},
    )
