"""Zone shapes prepared for a few zoom levels when a boundary is written, and the view that frames a zone."""
from __future__ import annotations

import math

import shapely
from shapely.geometry.base import BaseGeometry

from .distance import box_around
from .layers import shape_for_zoom
from .validation import Bbox

# A map asking for zoom z gets the shape of the first level at or above z: never coarser than half
# a pixel. Above the last level the stored display geometry is shaped per request, as before.
DISPLAY_LEVELS = (6, 9, 12)
# Around a zone known only by its point, show at least this much (km from the point to the view's edge).
MIN_VIEW_RADIUS_KM = 1.5
ASSUMED_HECTARES = 300  # a typical industrial park, for a zone whose area is not known


def level_for(zoom: float) -> int | None:
    """Return the stored level that draws `zoom` (the first at or above it), or None above the last."""
    return next((level for level in DISPLAY_LEVELS if zoom <= level), None)


def display_levels(geometry: BaseGeometry) -> dict[int, str]:
    """Return the geometry as compact GeoJSON text shaped for each of DISPLAY_LEVELS."""
    return {level: shapely.to_geojson(shape_for_zoom(geometry, level)) for level in DISPLAY_LEVELS}


def view_around(latitude: float, longitude: float, hectares: float | None) -> Bbox:
    """Return the box to open a map on for a zone known only by its point: about twice the zone's own size.

    A zone of `hectares` (a disc of that area) fits in the middle of the view; without an area a
    typical park's is assumed, and the view is never smaller than MIN_VIEW_RADIUS_KM around the point.
    """
    area = hectares if hectares and hectares > 0 else ASSUMED_HECTARES
    radius_km = math.sqrt(area / 100 / math.pi)
    return box_around(latitude, longitude, max(2 * radius_km, MIN_VIEW_RADIUS_KM))


def union_box(boxes: list[Bbox]) -> Bbox | None:
    """Return the smallest box holding all of `boxes`, or None when there are none."""
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
