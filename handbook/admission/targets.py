"""Yearly admission targets (chỉ tiêu kết nạp đảng viên): a committee sets one for itself and for each
organisation directly below it, in one form. Who may set them is decided by the view (`org.access.can_set_target`)
before this service is called with the already-checked organisations."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import select

from handbook.admission.errors import AdmissionError
from handbook.admission.models import AdmissionTarget
from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.extensions import db
from handbook.org.models import Organisation

MAX_TARGET = 100_000
_DIGITS = re.compile(r"-?[0-9]{1,9}")
_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


def year_allowed(year: int, today: date) -> bool:
    """Targets are set for last year (late corrections), this year and next year."""
    return today.year - 1 <= year <= today.year + 1


def parse_target(raw: object, field: str | None = None) -> int | None:
    """A target as typed: empty → None (not set), otherwise a whole number from 0 to MAX_TARGET ("1.200" with the
    Vietnamese thousands dot is 1200)."""
    if raw is None:
        return None
    problem = AdmissionError(_("Chỉ tiêu phải là một số nguyên từ 0 đến %(max)s.", max="100.000"), field)
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise problem
    if isinstance(raw, int):
        value = raw
    else:
        text = raw.strip()
        if text == "":
            return None
        if _THOUSANDS.fullmatch(text):
            text = text.replace(".", "")
        if not _DIGITS.fullmatch(text):
            raise problem
        value = int(text)
    if not 0 <= value <= MAX_TARGET:
        raise problem
    return value


def targets_of(org_ids: Iterable[int], year: int) -> dict[int, int]:
    """The targets set for `year`, by organisation id (an organisation without one is absent)."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    return {org_id: target for org_id, target in db.session.execute(
        select(AdmissionTarget.organisation_id, AdmissionTarget.target)
        .where(AdmissionTarget.year == year, AdmissionTarget.organisation_id.in_(ids)))}


def set_targets(org: Organisation, year: int, targets: Mapping[int, object], actor: Actor, *, today: date) -> int:
    """Set `year`'s targets of `org` and of organisations directly below it: `targets` maps an organisation id to
    its target (a number, or text as typed; empty clears it). Every value is checked before anything is written;
    one commit. Returns how many targets changed."""
    if not isinstance(year, int) or not year_allowed(year, today):
        raise AdmissionError(_("Chỉ đặt được chỉ tiêu cho năm %(a)d, %(b)d hoặc %(c)d.", a=today.year - 1,
                               b=today.year, c=today.year + 1), "year")
    allowed = {org.id} | set(db.session.scalars(select(Organisation.id).where(Organisation.parent_id == org.id)))
    values: dict[int, int | None] = {}
    for org_id, raw in targets.items():
        if org_id not in allowed:
            raise AdmissionError(_("Chỉ đặt được chỉ tiêu cho tổ chức này và các tổ chức trực thuộc."))
        values[org_id] = parse_target(raw, f"target_{org_id}")
    existing = {row.organisation_id: row for row in db.session.scalars(
        select(AdmissionTarget).where(AdmissionTarget.year == year,
                                      AdmissionTarget.organisation_id.in_(sorted(values))))}
    changed = 0
    for org_id, value in values.items():
        row = existing.get(org_id)
        if value is None:
            if row is not None:
                db.session.delete(row)
                changed += 1
        elif row is None:
            db.session.add(AdmissionTarget(organisation_id=org_id, year=year, target=value, set_by_id=actor.user_id))
            changed += 1
        elif row.target != value:
            row.target, row.set_by_id = value, actor.user_id
            changed += 1
    if changed:
        audit.record("admission.targets", actor, target_type="organisation", target_id=org.id, count=changed)
    db.session.commit()
    return changed
