"""How the history pages read incentive policies and commune difficulty listings."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, true

from registry.accounts.history import province_name
from registry.accounts.permissions import department_provinces, is_admin
from registry.audit.records import RecordKind, describe
from registry.text import matches

from .communes import LABELS as COMMUNE_LABELS
from .models import CommuneDifficulty, IncentivePolicy
from .wording import AREA_LABELS, BENEFIT_LABELS, CONFIDENCE_LABELS, DIFFICULTY_LABELS, FIELD_LABELS, INSTRUMENT_LABELS, \
    SECTOR_LABELS, STATUS_LABELS


def _keeps(model):
    """The SQL form of the incentives' rules: administrators all, a Department's officers their province's records."""
    def editable(user):
        if is_admin(user):
            return true()
        provinces = sorted(department_provinces(user))
        return model.province_code.in_(provinces) if provinces else false()
    return editable


def _areas(value) -> str:
    return ", ".join(str(AREA_LABELS.get(code, code)) for code in value or ()) or "—"


def _benefit(value) -> str:
    return "; ".join(f"{BENEFIT_LABELS.get(key, key)}: {v}" for key, v in (value or {}).items()) or "—"


describe(RecordKind(
    table="incentive_policy", model=IncentivePolicy, label=_l("Incentive policy"),
    name=lambda values: str(values.get("title_vi") or values.get("code") or ""),
    labels=FIELD_LABELS,
    choices={"instrument": INSTRUMENT_LABELS, "sector_class": SECTOR_LABELS, "confidence": CONFIDENCE_LABELS, "status": STATUS_LABELS},
    values={"province_code": lambda code: province_name(code) if code else str(_l("National")), "area_classes": _areas,
            "benefit": _benefit},
    editable=_keeps(IncentivePolicy),
    find=lambda words: matches(IncentivePolicy.search_folded, words, padded=True),
    page=lambda policy_id: url_for("incentives.detail", policy_id=int(policy_id)),
))
describe(RecordKind(
    table="commune_difficulty", model=CommuneDifficulty, label=_l("Commune listing"),
    name=lambda values: str(values.get("commune_code") or ""),
    labels={**COMMUNE_LABELS, "province_code": _l("Province or city")},
    choices={"level": DIFFICULTY_LABELS}, values={"province_code": province_name},
    editable=_keeps(CommuneDifficulty),
))
