"""How the history pages read a zone: its name, the form's labels, its board, province and communes by name."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.accounts.history import members_or_officers, organization_name, province_name
from registry.accounts.models import Role
from registry import confidence
from registry.audit.records import EMPTY, RecordKind, describe, in_language, stored_record
from registry.confidence import label as confidence_label
from registry.extensions import db
from registry.i18n import locale_code
from registry.places.models import Commune
from registry.text import matches

from .forms import FIELD_LABELS, KIND_LABELS, STATUS_LABELS
from .messages import describe_source
from .figures import METRIC_LABELS, SOURCE_KIND_LABELS, ZoneFigure
from .models import Zone

# The zone's columns that no form field holds; every other label is the form's own.
EXTRA_LABELS = {
    "code": _l("Zone code"),
    "organization_id": _l("Managing board"),
    "mapped_ha": _l("Area of the mapped boundary (ha)"),
    "sources": _l("Sources of the figures"),
}
# Form labels of what the zone's page derives rather than stores.
DERIVED = {"location", "boundary", "occupancy"}


def commune_names(codes: object) -> str:
    names = []
    for code in codes if isinstance(codes, list) else [codes]:
        commune = db.session.get(Commune, str(code))
        names.append(commune.name(locale_code()) if commune else str(code))
    return ", ".join(names) or EMPTY


def zone_name(zone_id: object) -> str:
    zone = stored_record(Zone, zone_id)
    return zone.name(locale_code()) if zone else _("zone no. %(id)s", id=zone_id)


def figure_sources(sources: object) -> str:
    """Word the figures' sources: "Total area (ha): Decision 15/QĐ-UBND (confidence: high)"."""
    if not isinstance(sources, dict):
        return str(sources)
    parts = []
    for name, entry in sources.items():
        label = FIELD_LABELS.get(name) or EXTRA_LABELS.get(name) or name
        entry = entry if isinstance(entry, dict) else {"source": entry}
        written = (entry.get("source_en") if locale_code() == "en" else None) or entry.get("source") or EMPTY
        confidence = confidence_label(entry.get("confidence"))
        text = describe_source(str(written), with_email=False)
        parts.append(_("%(figure)s: %(source)s (confidence: %(confidence)s)", figure=label, source=text, confidence=confidence)
                     if confidence else _("%(figure)s: %(source)s", figure=label, source=text))
    return "; ".join(parts) or EMPTY


def editable_zones(user):
    """The zones `user` may edit, as a condition (True for all): the SQL form of the `zone.edit` rule."""
    return members_or_officers(user, Zone, {Role.ZONE_EDITOR, Role.PROVINCE_OFFICER})


ZONE = describe(RecordKind(
    table="zone", model=Zone, label=_l("Zone"),
    name=in_language,
    labels={"code": EXTRA_LABELS["code"], **{name: label for name, label in FIELD_LABELS.items() if name not in DERIVED},
            **{name: EXTRA_LABELS[name] for name in ("organization_id", "mapped_ha", "sources")}},
    choices={"kind": KIND_LABELS, "status": STATUS_LABELS},
    values={"province_code": province_name, "commune_codes": commune_names, "organization_id": organization_name,
            "parent_id": zone_name, "sources": figure_sources},
    groups={_l("The boundary changed."): ("min_lon", "min_lat", "max_lon", "max_lat", "boundary_approximate")},
    editable=editable_zones,
    find=lambda words: matches(Zone.search_folded, words, padded=True),
    page=lambda zone_id: url_for("zones.detail", zone_id=int(zone_id)),
))
IN_ZONE = ("zone", "zone_id")
describe(RecordKind(
    table="zone_figure", model=ZoneFigure, label=_l("Sourced figure"), parent=IN_ZONE,
    name=lambda values: str(METRIC_LABELS.get(values.get("metric"), values.get("metric") or "")),
    labels={"metric": _l("Figure"), "value": _l("Value"), "unit": _l("Unit"), "as_of": _l("As of"),
            "as_of_text": _l("Date as the source words it"), "source_url": _l("Source page"), "source_name": _l("Source"),
            "source_kind": _l("Kind of source"), "confidence": _l("Confidence"), "note": _l("Note")},
    choices={"metric": METRIC_LABELS, "source_kind": SOURCE_KIND_LABELS, "confidence": confidence.LABELS},
    values={"source_name": lambda text: describe_source(str(text), with_email=False) if text else EMPTY},
))
