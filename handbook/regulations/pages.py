"""Pieces both audiences' pages of the regulations library share."""
from __future__ import annotations

from handbook.caller import current_access
from handbook.core.forms import select_choices
from handbook.core.i18n import gettext as _
from handbook.regulations import service


def replacement_choices(doc):
    """Documents the caller may declare replaced by `doc`, or as replacing it (0: none)."""
    others = service.replaceable_documents(current_access(), exclude_id=doc.id)
    if doc.replaced_by is not None and doc.replaced_by not in others:
        others.append(doc.replaced_by)
    return select_choices([(0, _("— Không —"))] + [(d.id, f"{d.number} · {d.title}") for d in others])
