"""How the history pages read incubators, their cohorts and their incubatees."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select, true

from registry.accounts.history import province_name
from registry.accounts.permissions import department_provinces, is_admin
from registry.audit.records import RecordKind, describe
from registry.text import matches
from registry.zones.models import Zone

from .models import Cohort, Incubatee, Incubator
from .permissions import BOARD_ROLES
from .wording import COHORT_LABELS, FIELD_LABELS, HOST_LABELS, INCUBATEE_LABELS, OUTCOME_LABELS

IN_INCUBATOR = ("incubator", "incubator_id")


def editable_incubators(user):
    """The SQL form of `permissions.EDIT_INCUBATOR`: administrators all; a Department its province's; a board its zones'."""
    if is_admin(user):
        return true()
    provinces = sorted(department_provinces(user))
    boards = sorted({m.organization_id for m in user.memberships if m.role in BOARD_ROLES})
    conditions = []
    if provinces:
        conditions.append(Incubator.province_code.in_(provinces))
    if boards:
        conditions.append(Incubator.host_zone_id.in_(select(Zone.id).where(Zone.organization_id.in_(boards))))
    return or_(*conditions) if conditions else false()


def _groups(value) -> str:
    return "; ".join(value or ()) or "—"


describe(RecordKind(
    table="incubator", model=Incubator, label=_l("Incubator"),
    name=lambda values: str(values.get("name_vi") or values.get("code") or ""),
    labels=FIELD_LABELS, choices={"host_kind": HOST_LABELS},
    values={"province_code": province_name, "focus_groups": _groups},
    editable=editable_incubators,
    find=lambda words: matches(Incubator.search_folded, words, padded=True),
    page=lambda incubator_id: url_for("incubators.detail", incubator_id=int(incubator_id)),
))
describe(RecordKind(
    table="cohort", model=Cohort, label=_l("Cohort"), parent=IN_INCUBATOR, name=lambda values: str(values.get("name") or ""),
    labels=COHORT_LABELS,
))
describe(RecordKind(
    table="incubatee", model=Incubatee, label=_l("Incubatee"), parent=IN_INCUBATOR, name=lambda _values: "",
    labels={k: v for k, v in INCUBATEE_LABELS.items() if k not in {"tax_code", "create_pending", "name_vi"}},
    choices={"outcome": OUTCOME_LABELS},
))
