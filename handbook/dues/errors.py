"""The one domain error of the dues feature: a rule refused the input, with a message for the user."""
from __future__ import annotations


class DuesError(ValueError):
    """`str(exc)` is the Vietnamese message; `field` names the form field it belongs to (None: the whole form)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field
