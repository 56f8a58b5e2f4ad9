"""Maps embedded in other pages: a zone, a province, an enterprise, or any list of GeoJSON layers.

The pages place them with the `map_head` and `map_body` macros of templates/_macros/maps.html.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

import maps
from flask import url_for
from flask_babel import gettext as _

from registry.enterprises.models import Enterprise
from registry.i18n import locale_code
from registry.zones.models import Zone

from .builder import assemble
from .features import enterprise_feature, zone_feature
from .styles import LAYER_STYLES

# Around an enterprise, show the zones within about 10 km.
NEARBY_DEGREES = 0.1


def embedded_map(
    *,
    layers: list[dict],
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    height: str = "26rem",
    label: str = "",
    bounds: tuple[float, float, float, float] | None = None,
) -> maps.MapParts:
    """Build a map that draws `layers`: dicts of name, url or inline data, style and fit (see the module doc).

    `bounds` (min_lon, min_lat, max_lon, max_lat) opens it on that box before any layer loads.
    """
    cleaned = []
    for layer in layers:
        style = layer.get("style", "zone")
        if style not in LAYER_STYLES:
            raise ValueError(f"unknown layer style {style!r}")
        cleaned.append({
            "name": str(layer.get("name", "")),
            "url": layer.get("url"),
            "data": layer.get("data"),
            "style": style,
            "fit": bool(layer.get("fit", False)),
        })
    return assemble({"mode": "embedded", "layers": cleaned}, center=center, zoom=zoom, height=height, label=label, bounds=bounds)


def zone_layer_data(zones: Iterable[Zone]) -> dict:
    """Return a FeatureCollection of these zones' display boundaries (or points), for a layer's `data`."""
    locale = locale_code()
    return {"type": "FeatureCollection", "features": [zone_feature(zone, locale) for zone in zones]}


def province_map(province_code: str, outline: str | None = None) -> maps.MapParts:
    """Map a province's outline (when its boundary is loaded), zones and published enterprises, zoomed to the outline or else the zones."""
    layers = []
    if outline:
        shape = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": province_code, "properties": {},
                                                            "geometry": json.loads(outline)}]}
        layers.append({"name": _("Province boundary"), "data": shape, "style": "province", "fit": True})
    layers += [
        {"name": _("Zones"), "url": url_for("api.zones_geojson", province=province_code), "style": "zone", "fit": not outline},
        {"name": _("Enterprises"), "url": url_for("api.enterprises_geojson", province=province_code), "style": "enterprise",
         "fit": False},
    ]
    return embedded_map(layers=layers, label=_("Map of the province's zones and enterprises"))


def enterprise_map(enterprise: Enterprise) -> maps.MapParts | None:
    """Map an enterprise's location with the zones around it; None when it has no location."""
    if not enterprise.has_location:
        return None
    lat, lon = enterprise.latitude, enterprise.longitude
    box = ",".join(f"{value:.5f}" for value in (lon - NEARBY_DEGREES, lat - NEARBY_DEGREES, lon + NEARBY_DEGREES, lat + NEARBY_DEGREES))
    point = {"type": "FeatureCollection", "features": [enterprise_feature(enterprise, locale_code())]}
    return embedded_map(
        layers=[
            {"name": _("Zones nearby"), "url": url_for("api.zones_geojson", bbox=box), "style": "zone", "fit": False},
            {"name": _("Enterprise"), "data": point, "style": "enterprise", "fit": False},
        ],
        center=(lat, lon),
        zoom=13,
        label=_("Map of the enterprise's location"),
    )
