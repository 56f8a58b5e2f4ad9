"""The maps on zone pages: a zone with its sub-zones and enterprises, and an old boundary beside a new one."""
from __future__ import annotations

import maps
from flask import url_for
from flask_babel import gettext as _
from maps.display_levels import union_box, view_around
from shapely.geometry.base import BaseGeometry

from registry.i18n import locale_code
from registry.zones.models import Zone

from .embed import embedded_map, zone_layer_data


def zone_map(zone: Zone, children: list[Zone]) -> maps.MapParts | None:
    """Map the zone, the zones inside it and the enterprises placed in them, opened on their extent.

    None when neither the zone nor any zone inside it has a place yet. The view is the box of the
    boundaries, or around a zone known by its point a view about twice its area's size, so a
    point does not open on a street-level view of one dot.
    """
    placed = [child for child in children if _has_place(child)]
    bounds = union_box([extent(item) for item in ([zone] if _has_place(zone) else []) + placed])
    if bounds is None:
        return None
    layers = []
    if _has_place(zone):
        layers.append({"name": zone.name(locale_code()), "data": zone_layer_data([zone]), "style": "zone", "fit": False})
    if placed:
        layers.append({"name": _("Zones inside"), "data": zone_layer_data(placed), "style": "zone", "fit": False})
    # Points come from the API, as on every map: a large economic zone may hold thousands.
    layers.append({"name": _("Enterprises"), "url": url_for("api.enterprises_geojson", zone=zone.id), "style": "enterprise", "fit": False})
    return embedded_map(layers=layers, bounds=bounds, label=_("Map of the zone"))


def extent(zone: Zone) -> tuple[float, float, float, float]:
    """Return the box a map of the zone opens on: its boundary's, or a view around its point sized by its area."""
    if zone.display_geojson is not None and zone.min_lon is not None:
        return zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat
    return view_around(zone.latitude, zone.longitude, zone.total_ha)


def _has_place(zone: Zone) -> bool:
    return (zone.display_geojson is not None and zone.min_lon is not None) or (zone.latitude is not None and zone.longitude is not None)


def comparison_map(zone: Zone, new_boundary: BaseGeometry) -> maps.MapParts:
    """Draw the published boundary (or recorded point) and the uploaded one together, both fitted."""
    name = zone.name(locale_code())
    layers = []
    if zone.boundary_wkb is not None:
        old = maps.feature_collection([(zone.id, maps.from_wkb(zone.boundary_wkb), {"name": _("%(name)s: published boundary", name=name)})])
        layers.append({"name": _("Published boundary"), "data": old, "style": "boundary_old", "fit": True})
    elif zone.latitude is not None:
        layers.append({"name": _("Recorded position"), "data": zone_layer_data([zone]), "style": "boundary_old", "fit": True})
    new = maps.feature_collection([(zone.id, new_boundary, {"name": _("%(name)s: new boundary", name=name)})])
    layers.append({"name": _("New boundary"), "data": new, "style": "boundary_new", "fit": True})
    return embedded_map(layers=layers, label=_("Map comparing the published and the new boundary"))
