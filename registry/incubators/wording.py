"""The incubators' words: host kinds, outcomes and field labels, shared by pages, forms, history and the map."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import HostKind, Outcome

HOST_LABELS = {
    HostKind.ZONE: _l("Economic zone or industrial park"), HostKind.INDUSTRIAL_CLUSTER: _l("Industrial cluster"),
    HostKind.HIGH_TECH_PARK: _l("High-tech park"), HostKind.UNIVERSITY: _l("University or training institution"),
    HostKind.ORGANIZATION: _l("Other organization"),
}
OUTCOME_LABELS = {Outcome.ACTIVE: _l("Active"), Outcome.GRADUATED: _l("Graduated"), Outcome.LEFT: _l("Left")}
FIELD_LABELS = {
    "name_vi": _l("Name (Vietnamese)"), "name_en": _l("Name (English)"), "host_kind": _l("Host"), "host_name": _l("Host's name"),
    "host_zone_id": _l("Host zone"), "province_code": _l("Province or city"), "focus_groups": _l("Focus Decision 980 groups"),
    "services": _l("Services"), "capacity": _l("Capacity (incubatees at a time)"), "address": _l("Street address"),
    "email": _l("Contact e-mail"), "phone": _l("Phone"), "website": _l("Website"), "latitude": _l("Latitude"),
    "longitude": _l("Longitude"), "opened_on": _l("Opened on"), "closed_on": _l("Closed on"), "description": _l("Description"),
    "source_url": _l("Source page"), "source_note": _l("The source's description"), "as_of": _l("Date of the source"),
}
COHORT_LABELS = {"name": _l("Cohort or programme"), "starts_on": _l("Starts on"), "ends_on": _l("Ends on")}
INCUBATEE_LABELS = {
    "cohort_id": _l("Cohort"), "tax_code": _l("Tax code"), "started_on": _l("Incubation started on"),
    "ended_on": _l("Incubation ended on"), "outcome": _l("Outcome"), "note": _l("Note"),
    "create_pending": _l("Not in the registry yet: record it as a pending enterprise"), "name_vi": _l("Start-up's name (Vietnamese)"),
    "enterprise_id": _l("Enterprise"),
}
