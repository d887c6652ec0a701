"""A rule refused what a user asked: the base of each feature's domain error (AdmissionError, DuesError, …)."""
from __future__ import annotations


class Refusal(ValueError):
    """`str(exc)` is the message for the user; `field` names the form field it belongs to (None: the whole form).
    `core.forms.submit` shows it under that field; the API answers it with a 4xx JSON error."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field
