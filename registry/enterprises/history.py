"""How the history pages read an enterprise and the records around it, labelled as its forms are."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.accounts.history import members_or_officers, organization_name, province_name
from registry.accounts.models import Role
from registry.audit.records import EMPTY, RecordKind, describe, form_labels, in_language, shown, stored_record
from registry.catalog.history import catalog_item
from registry.text import matches
from registry.zones.history import commune_names, zone_name

from .forms import FIELD_LABELS, RELATION_LABELS, SIZE_LABELS, STATUS_LABELS, CertificateForm
from .models import Certificate, ClaimRequest, Decision, DuplicateFlag, Enterprise, EnterpriseItem, PendingChange

# The enterprise's columns that no profile field holds; every other label is the form's own.
EXTRA_LABELS = {
    "status": _l("Status"), "review_note": _l("Note from the review"), "source": _l("Source"),
    "organization_id": _l("Represented by"), "zone_id": _l("Zone"), "merged_into_id": _l("Merged into"),
}
DECISION_LABELS = {Decision.PENDING: _l("Waiting for review"), Decision.APPROVED: _l("Approved"), Decision.REJECTED: _l("Rejected")}
FLAG_LABELS = {"open": _l("Waiting for review"), "merged": _l("Merged"), "dismissed": _l("Not duplicates")}


def enterprise_name(enterprise_id: object) -> str:
    enterprise = stored_record(Enterprise, enterprise_id)
    return enterprise.name_vi if enterprise else _("enterprise no. %(id)s", id=enterprise_id)


def proposed_changes(changes: object) -> str:
    """Word a representative's proposed changes by the profile's labels: "Website: https://…; Staff: 40"."""
    if not isinstance(changes, dict):
        return shown(changes)
    return "; ".join(f"{FIELD_LABELS.get(name, name)}: {shown(value)}" for name, value in changes.items()) or EMPTY


def editable_enterprises(user):
    """The enterprises `user` may edit, as a condition (True for all): the SQL form of the `enterprise.edit` rule."""
    return members_or_officers(user, Enterprise, {Role.ENTERPRISE_REP})


ENTERPRISE = describe(RecordKind(
    table="enterprise", model=Enterprise, label=_l("Enterprise"),
    name=in_language,
    labels={**{name: label for name, label in FIELD_LABELS.items() if name not in {"items", "certificates"}}, **EXTRA_LABELS},
    choices={"status": STATUS_LABELS, "size_class": SIZE_LABELS},
    values={"province_code": province_name, "commune_code": commune_names, "organization_id": organization_name,
            "zone_id": zone_name, "merged_into_id": enterprise_name},
    editable=editable_enterprises,
    find=lambda words: matches(Enterprise.name_folded, words),
    page=lambda enterprise_id: url_for("enterprises.detail", enterprise_id=int(enterprise_id)),
))
IN_ENTERPRISE = ("enterprise", "enterprise_id")
describe(RecordKind(
    table="enterprise_item", model=EnterpriseItem, label=FIELD_LABELS["items"], parent=IN_ENTERPRISE,
    name=lambda values: catalog_item(values.get("node_id")) if values.get("node_id") else "",
    labels={"node_id": FIELD_LABELS["items"], "relation": _l("Relation")},
    choices={"relation": RELATION_LABELS}, values={"node_id": catalog_item},
))
describe(RecordKind(
    table="certificate", model=Certificate, label=_l("Certificate"), parent=IN_ENTERPRISE, name=lambda values: values.get("name") or "",
    labels=form_labels(CertificateForm, {name: name for name in ("name", "number", "issuer", "issued_on", "expires_on")}),
))
describe(RecordKind(
    table="pending_change", model=PendingChange, label=_l("Proposed change"), parent=IN_ENTERPRISE, name=lambda _values: "",
    labels={"changes": _l("Changes proposed"), "status": _l("Decision"), "reason": _l("Reason")},
    choices={"status": DECISION_LABELS}, values={"changes": proposed_changes},
))
describe(RecordKind(
    table="claim_request", model=ClaimRequest, label=_l("Claim"), parent=IN_ENTERPRISE, name=lambda _values: "",
    labels={"message": _l("How you are connected to the enterprise"), "status": _l("Decision"), "reason": _l("Reason")},
    choices={"status": DECISION_LABELS},
))
describe(RecordKind(
    table="duplicate_flag", model=DuplicateFlag, label=_l("Possible duplicate"), parent=IN_ENTERPRISE, name=lambda _values: "",
    labels={"other_id": _l("Similar record"), "status": _l("Decision")},
    choices={"status": FLAG_LABELS}, values={"other_id": enterprise_name},
))
