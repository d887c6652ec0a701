"""Which kind of organisation may sit under which (docs/domain.md, "Cây tổ chức và lịch sử").

Since 1 July 2025 the district level is gone: a province's committee leads the commune-level committees (xã,
phường, đặc khu) and some grassroots organisations directly; the commune-level committee is the direct superior
of the grassroots organisations (đảng bộ cơ sở, chi bộ cơ sở) and of the village and residential cells — and the
đảng bộ bộ phận grouping residential areas — placed under it, as the data and the demo hold them. A đảng bộ
huyện exists only in data from before that day: nothing is created or placed under one from then on.
"""
from __future__ import annotations

from datetime import date

from handbook.core.i18n import lazy_gettext as _l
from handbook.org.models import OrgKind

#: the day the two-level local government (and the Party organisation following it) took effect
NO_DISTRICT_FROM = date(2025, 7, 1)

_K = OrgKind
#: child kind → the kinds its parent may have (a kind not listed as a key has no parent: the province)
ALLOWED_PARENTS: dict[OrgKind, frozenset[OrgKind]] = {
    _K.DANG_BO_HUYEN: frozenset({_K.DANG_BO_TINH}),
    _K.DANG_BO_XA: frozenset({_K.DANG_BO_TINH, _K.DANG_BO_HUYEN}),
    _K.DANG_BO_CO_SO: frozenset({_K.DANG_BO_TINH, _K.DANG_BO_XA, _K.DANG_BO_HUYEN}),
    _K.CHI_BO_CO_SO: frozenset({_K.DANG_BO_TINH, _K.DANG_BO_XA, _K.DANG_BO_HUYEN}),
    _K.DANG_BO_BO_PHAN: frozenset({_K.DANG_BO_CO_SO, _K.DANG_BO_XA}),
    _K.CHI_BO: frozenset({_K.DANG_BO_CO_SO, _K.DANG_BO_BO_PHAN, _K.DANG_BO_XA}),
    _K.TO_DANG: frozenset({_K.CHI_BO, _K.CHI_BO_CO_SO}),
}
#: kinds that may head a tree of their own (a deployment for one province)
ROOT_KINDS = frozenset({_K.DANG_BO_TINH})
#: kinds that hold members (a merge or split of cells moves them)
MEMBER_KINDS = frozenset({_K.CHI_BO, _K.CHI_BO_CO_SO})

KIND_MISMATCH = _l("%(child)s không thể trực thuộc %(parent)s.")
NEEDS_PARENT = _l("%(child)s phải trực thuộc một tổ chức cấp trên.")
NO_DISTRICT = _l("Từ ngày 01/07/2025 không còn cấp huyện: không thể thêm hoặc chuyển tổ chức vào đảng bộ huyện.")


def kind_problem(kind: OrgKind, parent_kind: OrgKind | None, on: date) -> str | None:
    """Why an organisation of `kind` cannot sit under a parent of `parent_kind` (None: no parent) from `on`, as a
    Vietnamese sentence; None when it can."""
    from handbook.org.service import KIND_LABELS  # the labels live with the tree's reading functions

    if on >= NO_DISTRICT_FROM and _K.DANG_BO_HUYEN in (kind, parent_kind):
        return str(NO_DISTRICT)
    if parent_kind is None:
        if kind in ROOT_KINDS:
            return None
        return str(NEEDS_PARENT) % {"child": KIND_LABELS[kind]}
    if parent_kind in ALLOWED_PARENTS.get(kind, frozenset()):
        return None
    return str(KIND_MISMATCH) % {"child": KIND_LABELS[kind], "parent": KIND_LABELS[parent_kind]}


def child_kinds(parent_kind: OrgKind, on: date) -> list[OrgKind]:
    """The kinds that may be created under a parent of `parent_kind` (for the forms' choices)."""
    return [kind for kind in OrgKind if kind_problem(kind, parent_kind, on) is None]
