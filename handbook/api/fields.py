"""Marshmallow pieces with Vietnamese error messages."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from handbook.core.i18n import lazy_gettext as _l
from handbook.core.inputs import single_line
from handbook.core.timeutil import as_utc
from handbook.core.web import MAX_ID, MAX_PAGE  # a larger page made the offset overflow the database's integer: 500

FIELD_ERRORS = {
    "required": _l("Thiếu trường bắt buộc."),
    "null": _l("Không được để trống."),
    "invalid": _l("Giá trị không hợp lệ."),
}


class InputSchema(Schema):
    """Request bodies: unknown fields are refused, messages are Vietnamese."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": _l("Trường không được hỗ trợ."),
        "type": _l("Dữ liệu phải là một đối tượng JSON."),
    }

    def on_bind_field(self, field_name, field_obj) -> None:
        """Every field's own messages in Vietnamese (marshmallow's are English: "Not a valid number."), unless the
        field was given its own."""
        field_obj.error_messages = {key: FIELD_ERRORS.get(key, FIELD_ERRORS["invalid"]) if _is_default(field_obj, key)
                                    else message for key, message in field_obj.error_messages.items()}


def _is_default(field_obj, key: str) -> bool:
    """Whether the field's message for `key` is still marshmallow's own (English) default."""
    defaults = {}
    for cls in reversed(type(field_obj).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return field_obj.error_messages.get(key) == defaults.get(key)


class OutputSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class UtcDateTime(fields.DateTime):
    """An RFC 3339 date-time with its offset, always UTC (SQLite hands stored times back without one)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(as_utc(value) if value is not None else None, attr, obj, **kwargs)


class ErrorBodyOut(OutputSchema):
    code = fields.String(required=True, metadata={"description": "mã lỗi máy đọc được, ví dụ validation_error"})
    message = fields.String(required=True, metadata={"description": "thông báo tiếng Việt cho người dùng"})
    fields = fields.Dict(metadata={"description": "lỗi theo từng trường (validation_error)"})


class ErrorOut(OutputSchema):
    """Every API error: `{"error": {"code", "message"[, "fields"]}}` (core/web.py json_error)."""

    error = fields.Nested(ErrorBodyOut, required=True)


class Text(fields.String):
    """A string from a request body: single-line unless `multiline` (tabs and line breaks become a space).
    Control characters and lone surrogates never get this far (core/inputs.py refuses them for the whole API)."""

    def __init__(self, *args, multiline: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return text if self.multiline else single_line(text)


def text(*, required: bool = True, max_length: int = 255, min_length: int = 1, multiline: bool = False,
         **kwargs) -> fields.String:
    return Text(
        multiline=multiline,
        required=required,
        validate=validate.Length(
            min=min_length, max=max_length, error=_l("Độ dài phải từ {min} đến {max} ký tự.")
        ),
        error_messages=FIELD_ERRORS,
        **kwargs,
    )


# an id in a JSON body: a larger number made PostgreSQL refuse the query ("integer out of range": 500)
ID_RANGE = validate.Range(min=1, max=MAX_ID, error=_l("Phải từ {min} đến {max}."))


def page_field() -> fields.Integer:
    """`?page=`: 1 to MAX_PAGE."""
    return fields.Integer(load_default=1, error_messages=FIELD_ERRORS, validate=validate.Range(
        min=1, max=MAX_PAGE, error=_l("Phải từ {min} đến {max}.")))


def per_page_field(default: int, maximum: int) -> fields.Integer:
    """`?per_page=`: 1 to `maximum`."""
    return fields.Integer(load_default=default, validate=validate.Range(
        min=1, max=maximum, error=_l("Phải từ {min} đến {max}.")), error_messages=FIELD_ERRORS)
