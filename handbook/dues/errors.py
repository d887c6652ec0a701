"""The one domain error of the dues feature: a rule refused the input, with a message for the user."""
from __future__ import annotations

from handbook.core.refusals import Refusal


class DuesError(Refusal):
    """A rule of the feature refused the input (core.refusals.Refusal: the message, the field)."""
