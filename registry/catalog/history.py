"""How the history pages read the Decision 980 catalog: versions, items and where old items went."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from registry.accounts.permissions import can
from registry.audit.records import RecordKind, describe, in_language, stored_record
from registry.i18n import locale_code

from .forms import MappingForm
from .models import CatalogNode, CatalogNodeMapping, CatalogVersion
from .permissions import MANAGE_CATALOG

MAPPING_LABELS = {"by_code": _l("Same code"), "resolved": _l("Chosen by an official"), "retired": _l("No successor"),
                  "pending": _l("Waiting for an official")}


def _managed(user) -> bool:
    return can(user, MANAGE_CATALOG)


def catalog_item(node_id: object) -> str:
    node = stored_record(CatalogNode, node_id)
    return f"{node.code} {node.name(locale_code())}" if node else str(node_id)


describe(RecordKind(
    table="catalog_version", model=CatalogVersion, label=_l("Catalog version"),
    name=lambda values: values.get("label") or "",
    labels={"label": _l("Version"), "title_vi": _l("Name in Vietnamese"), "title_en": _l("Name in English"),
            "legal_basis": _l("Legal basis"), "source": _l("Source"), "provisional": _l("Provisional"), "is_current": _l("Current version")},
    editable=_managed,
))
describe(RecordKind(
    table="catalog_node", model=CatalogNode, label=_l("Catalog item"),
    name=lambda values: " ".join(part for part in (values.get("code"), in_language(values)) if part),
    labels={"code": _l("Code"), "name_vi": _l("Name in Vietnamese"), "name_en": _l("Name in English"), "hs_codes": _l("HS codes")},
    editable=_managed,
))
describe(RecordKind(
    table="catalog_node_mapping", model=CatalogNodeMapping, label=_l("Catalog item mapping"),
    name=lambda values: catalog_item(values.get("old_node_id")) if values.get("old_node_id") else "",
    labels={"old_node_id": _l("Item of the previous version"), "new_node_id": MappingForm.successor.args[0], "status": _l("Status")},
    choices={"status": MAPPING_LABELS}, values={"old_node_id": catalog_item, "new_node_id": catalog_item},
    editable=_managed,
))
