"""Marshmallow pieces with Vietnamese error messages."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from handbook.core.i18n import lazy_gettext as _l

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


class OutputSchema(Schema):
    class Meta:
        unknown = EXCLUDE


def text(*, required: bool = True, max_length: int = 255, min_length: int = 1, **kwargs) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(
            min=min_length, max=max_length, error=_l("Độ dài phải từ {min} đến {max} ký tự.")
        ),
        error_messages=FIELD_ERRORS,
        **kwargs,
    )


def page_field() -> fields.Integer:
    """`?page=`: 1 or more."""
    return fields.Integer(load_default=1, validate=validate.Range(min=1, error=_l("Phải từ {min} trở lên.")),
                          error_messages=FIELD_ERRORS)


def per_page_field(default: int, maximum: int) -> fields.Integer:
    """`?per_page=`: 1 to `maximum`."""
    return fields.Integer(load_default=default, validate=validate.Range(
        min=1, max=maximum, error=_l("Phải từ {min} đến {max}.")), error_messages=FIELD_ERRORS)
