"""Load the reference zones written from sourced facts (registry/zones/data/reference-zones.json) and their dated figures
(registry/zones/data/reference-figures.json)."""
from __future__ import annotations

import json
from datetime import date
from importlib import resources

from shapely.geometry import MultiPolygon, box

from registry.accounts import service as accounts
from registry.extensions import db
from registry.places.service import commune_code_for

from . import figures, service
from .boundaries import publish_boundary
from .figures import ZoneFigure

FIELDS = (
    "name_vi", "name_en", "kind", "status", "province_code", "location_text", "decision_number", "decision_date",
    "founded_year", "total_ha", "industrial_ha", "leased_ha", "available_ha", "developer", "sectors", "description",
    "latitude", "longitude",
)
FIGURE_FIELDS = ("unit", "as_of_precision", "as_of_text", "source_url", "source_name", "confidence", "note")


def _data(name: str) -> dict:
    return json.loads(resources.files("registry.zones").joinpath(f"data/{name}").read_text(encoding="utf-8"))


def load_reference_zones() -> int:
    """Create the reference zones and boards that do not exist yet; returns how many zones were created.

    Existing zones are left alone: once loaded, a zone belongs to its board, which keeps it current.
    """
    data = _data("reference-zones.json")
    for board in data["boards"]:
        if accounts.find_organization(board["name"]) is None:
            accounts.create_organization(None, board["name"], "zone_board", board["province"])
    return sum(_create(entry) for entry in data["zones"])


def load_reference_figures() -> int:
    """Create the zones of the sourced figures that do not exist yet and add each shipped figure a zone lacks; returns how many figures were added.

    A zone shows the figure the shown-value rule picks, so a board's newer figure stays in front.
    Run after `load_reference_zones`, whose zones some of these lie in.
    """
    sourced = _data("reference-figures.json")
    for entry in sourced["zones"]:
        _create(entry)
    return _add_figures(sourced["figures"])


def _create(entry: dict) -> bool:
    if service.find_by_code(entry["code"]) is not None:
        return False
    values = {field: entry[field] for field in FIELDS if field in entry}
    values["commune_codes"] = [commune_code_for(entry["province_code"], name) for name in entry.get("commune_names", [])]
    if entry.get("parent"):
        values["parent_id"] = entry["parent"]
    board = accounts.find_organization(entry["board"]) if entry.get("board") else None
    zone = service.create_zone(None, values, code=entry["code"], organization=board, sources=entry.get("sources", {}))
    if entry.get("approximate_box"):
        rectangle = MultiPolygon([box(*entry["approximate_box"])])
        publish_boundary(None, zone, rectangle, source=entry["sources"]["boundary"]["source"], approximate=True)
    return True


def _add_figures(entries: list[dict]) -> int:
    """Add each shipped figure its zone does not hold yet (same metric, value and source page), then show the zones' figures."""
    touched, added = {}, 0
    for entry in entries:
        zone = service.find_by_code(entry["zone"])
        if zone is None:
            continue
        held = db.session.scalar(db.select(ZoneFigure.id).where(
            ZoneFigure.zone_id == zone.id, ZoneFigure.metric == entry["metric"], ZoneFigure.value == entry["value"],
            ZoneFigure.source_url == entry["source_url"]).limit(1))
        if held is not None:
            continue
        column = figures.METRIC_COLUMNS.get(entry["metric"])
        if column and getattr(zone, column) != entry["value"]:
            figures.keep_recorded_value(zone, entry["metric"], getattr(zone, column), (zone.sources or {}).get(column))
        details = {name: entry[name] for name in FIGURE_FIELDS if entry.get(name) is not None}
        figures.add_figure(zone, entry["metric"], entry["value"], figures.SourceKind(entry["source_kind"]),
                           as_of=date.fromisoformat(entry["as_of"]) if entry.get("as_of") else None, **details)
        touched[zone.id] = zone
        added += 1
    for zone in touched.values():
        figures.show_figures(zone)
    db.session.flush()
    return added
