"""The maps on zone pages: a zone with its sub-zones and enterprises, and an old boundary beside a new one."""
from __future__ import annotations

import maps
from flask import url_for
from flask_babel import gettext as _
from shapely.geometry.base import BaseGeometry

from registry.i18n import locale_code
from registry.zones.models import Zone

from .embed import embedded_map, zone_layer_data


def zone_map(zone: Zone, children: list[Zone]) -> maps.MapParts | None:
    """Map the zone, its sub-zones and the enterprises placed in them; None when the zone has no place yet."""
    if zone.display_geojson is None and zone.latitude is None:
        return None
    layers = [{"name": zone.name(locale_code()), "data": zone_layer_data([zone]), "style": "zone", "fit": True}]
    if children:
        layers.append({"name": _("Zones inside"), "data": zone_layer_data(children), "style": "zone", "fit": False})
    # Points come from the API, as on every map: a large economic zone may hold thousands.
    layers.append({"name": _("Enterprises"), "url": url_for("api.enterprises_geojson", zone=zone.id), "style": "enterprise", "fit": False})
    center = None if zone.display_geojson else (zone.latitude, zone.longitude)
    return embedded_map(layers=layers, center=center, zoom=None if center is None else 13, label=_("Map of the zone"))


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
