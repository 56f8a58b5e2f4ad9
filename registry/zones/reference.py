"""Load the reference zones written from sourced facts (registry/zones/data/reference-zones.json)."""
from __future__ import annotations

import json
from importlib import resources

from shapely.geometry import MultiPolygon, box

from registry.accounts import service as accounts
from registry.places.service import commune_code_for

from . import service
from .boundaries import publish_boundary

FIELDS = (
    "name_vi", "name_en", "kind", "status", "province_code", "location_text", "decision_number", "decision_date",
    "founded_year", "total_ha", "industrial_ha", "leased_ha", "available_ha", "developer", "sectors", "description",
    "latitude", "longitude",
)


def load_reference_zones() -> int:
    """Create the reference zones and boards that do not exist yet; returns how many zones were created.

    Existing zones are left alone: once loaded, a zone belongs to its board, which keeps it current.
    """
    data = json.loads(resources.files("registry.zones").joinpath("data/reference-zones.json").read_text(encoding="utf-8"))
    for board in data["boards"]:
        if accounts.find_organization(board["name"]) is None:
            accounts.create_organization(None, board["name"], "zone_board", board["province"])
    created = 0
    for entry in data["zones"]:
        if service.find_by_code(entry["code"]) is not None:
            continue
        values = {field: entry[field] for field in FIELDS if field in entry}
        values["commune_codes"] = [commune_code_for(entry["province_code"], name) for name in entry.get("commune_names", [])]
        if entry.get("parent"):
            values["parent_id"] = entry["parent"]
        board = accounts.find_organization(entry["board"]) if entry.get("board") else None
        zone = service.create_zone(None, values, code=entry["code"], organization=board, sources=entry.get("sources", {}))
        if entry.get("approximate_box"):
            rectangle = MultiPolygon([box(*entry["approximate_box"])])
            publish_boundary(None, zone, rectangle, source=entry["sources"]["boundary"]["source"], approximate=True)
        created += 1
    return created
