"""GeoJSON features for zones and enterprises, with the properties every map popup reads."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import maps
from flask import current_app, url_for
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from registry.enterprises.models import Enterprise
from registry.zones.models import Zone

from .styles import kind_label

ZONE_PAGE = "zones.detail"
_ID_PLACEHOLDER = 987654321  # built once into a URL pattern: url_for per feature costs ~10 µs each

# The columns a zone feature needs, so thousands of zones load without their relationships.
ZONE_COLUMNS = (
    Zone.id, Zone.name_vi, Zone.name_en, Zone.kind, Zone.status, Zone.available_ha, Zone.industrial_ha, Zone.total_ha,
    Zone.leased_ha, Zone.boundary_approximate, Zone.display_geojson, Zone.longitude, Zone.latitude, Zone.priority_groups,
)


def url_pattern(endpoint: str, argument: str) -> str | None:
    """Return the endpoint's URL with "{id}" for the id, or None while the app has no such page."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **{argument: _ID_PLACEHOLDER}).replace(str(_ID_PLACEHOLDER), "{id}")


def zone_shape(row: Any) -> BaseGeometry | None:
    """Return the zone's stored display boundary, else its recorded point, else None."""
    if row.display_geojson:
        return maps.from_geojson_text(row.display_geojson)
    if row.longitude is not None and row.latitude is not None:
        return Point(row.longitude, row.latitude)
    return None


def zone_properties(row: Any, locale: str, page: str | None) -> dict:
    """Describe a zone (an ORM Zone or a row of ZONE_COLUMNS) for popups, in the page's language."""
    kind = getattr(row.kind, "value", row.kind)
    return {
        "id": row.id,
        "name": (row.name_en if locale == "en" else row.name_vi) or row.name_vi,
        "kind": kind,
        "kind_label": kind_label(kind),
        "status": getattr(row.status, "value", row.status),
        "available_ha": row.available_ha,
        # Zone.occupancy only reads the area attributes, so it works on a plain row as well.
        "occupancy": Zone.occupancy.fget(row),
        "approximate": bool(row.boundary_approximate) or not row.display_geojson,
        "url": page.replace("{id}", str(row.id)) if page else None,
    }


def zone_rows(rows: Iterable[Any], locale: str) -> list[tuple[int, BaseGeometry, dict]]:
    """Pair each zone with its shape and properties; zones with neither boundary nor point are left out."""
    page = url_pattern(ZONE_PAGE, "zone_id")
    return [(row.id, shape, zone_properties(row, locale, page)) for row in rows if (shape := zone_shape(row)) is not None]


def zone_feature(zone: Zone, locale: str) -> dict:
    """Build one zone's feature at full display detail (for inline layers); its geometry is None if it has no place."""
    shape = zone_shape(zone)
    properties = zone_properties(zone, locale, url_pattern(ZONE_PAGE, "zone_id"))
    return maps.feature_collection([(zone.id, shape, properties)])["features"][0]


def enterprise_point(key: int, name: str, lon: float, lat: float, page: str) -> dict:
    """Build a compact point feature: five decimals (about 1 m) and only what a popup shows."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
        "properties": {"id": key, "name": name, "url": page.replace("{id}", str(key))},
    }


def enterprise_feature(enterprise: Enterprise, locale: str) -> dict:
    """Build the point feature of one enterprise with a location."""
    page = url_pattern("enterprises.detail", "enterprise_id") or ""
    return enterprise_point(enterprise.id, enterprise.name(locale), enterprise.longitude, enterprise.latitude, page)
