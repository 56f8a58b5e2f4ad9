"""Compact GeoJSON map layers: zoom-dependent simplification and rounding, bbox queries, lookups."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TypeVar

import numpy as np
import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

from .errors import GeodataError
from .validation import Bbox
from .zone_index import ZoneIndex

MAX_DECIMALS = 5  # 5 decimals of a degree is about 1 m, finer than any boundary we hold
MAX_ZOOM = 20
_TILE_PIXELS = 256
Key = TypeVar("Key")
LayerRow = tuple[object, BaseGeometry | None, Mapping[str, object]]


def pixel_degrees(zoom: float) -> float:
    """Return the width of one screen pixel in degrees of longitude at a Web Mercator zoom level."""
    zoom = min(max(zoom, 0), MAX_ZOOM)
    return 360 / (_TILE_PIXELS * 2**zoom)


def tolerance_for_zoom(zoom: float) -> float:
    """Return a simplification tolerance in degrees: half a pixel, so the change cannot be seen."""
    return pixel_degrees(zoom) / 2


def decimals_for_zoom(zoom: float | None) -> int:
    """Return how many decimals keep coordinates within a pixel at this zoom (5 when zoom is None)."""
    if zoom is None:
        return MAX_DECIMALS
    return min(MAX_DECIMALS, max(1, math.ceil(-math.log10(pixel_degrees(zoom)))))


def round_coordinates(geometry: BaseGeometry, decimals: int = MAX_DECIMALS) -> BaseGeometry:
    """Round every coordinate to `decimals` places."""
    return shapely.transform(geometry, lambda coordinates: np.round(coordinates, decimals))


def shape_for_zoom(geometry: BaseGeometry, zoom: float | None) -> BaseGeometry:
    """Simplify (keeping validity) and round a geometry for display at a zoom level.

    Points keep five decimals at every zoom because the client clusters them once and then zooms
    in without fetching again. Rounding may make rings touch within a pixel, which Leaflet draws
    fine; stored geometry is never rounded this way.
    """
    if shapely.get_type_id(geometry) in (0, 4):  # Point, MultiPoint
        return round_coordinates(geometry, MAX_DECIMALS)
    if zoom is not None:
        # preserve_topology=False can produce self-intersections; the topology-preserving
        # algorithm keeps every ring valid.
        geometry = geometry.simplify(tolerance_for_zoom(zoom), preserve_topology=True)
    return round_coordinates(geometry, decimals_for_zoom(zoom))


def feature_collection(rows: Iterable[LayerRow], zoom: float | None = None) -> dict:
    """Build a GeoJSON FeatureCollection dict from (id, WGS84 geometry, properties) rows."""
    features = []
    for key, geometry, properties in rows:
        shape = None if geometry is None or geometry.is_empty else _lists(mapping(shape_for_zoom(geometry, zoom)))
        features.append({"type": "Feature", "id": key, "geometry": shape, "properties": dict(properties)})
    return {"type": "FeatureCollection", "features": features}


def parse_bbox(text: str) -> Bbox:
    """Parse "min_lon,min_lat,max_lon,max_lat" from a request, or raise GeodataError("bad_bbox")."""
    parts = text.split(",")
    if len(parts) != 4:
        raise GeodataError("bad_bbox", value=text[:100], reason="count")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise GeodataError("bad_bbox", value=text[:100], reason="not_a_number") from None
    if not all(math.isfinite(number) for number in numbers):
        raise GeodataError("bad_bbox", value=text[:100], reason="not_a_number")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise GeodataError("bad_bbox", value=text[:100], reason="out_of_range")
    if min_lon >= max_lon or min_lat >= max_lat:
        raise GeodataError("bad_bbox", value=text[:100], reason="min_not_below_max")
    return min_lon, min_lat, max_lon, max_lat


def bboxes_intersect(bounds: Bbox, bbox: Bbox) -> bool:
    """Tell whether two (min_lon, min_lat, max_lon, max_lat) boxes overlap or touch."""
    return bounds[0] <= bbox[2] and bbox[0] <= bounds[2] and bounds[1] <= bbox[3] and bbox[1] <= bounds[3]


def rows_in_bbox(rows: Iterable[LayerRow], bbox: Bbox) -> list[LayerRow]:
    """Keep the rows whose geometry intersects the box (after a database prefilter on bbox columns)."""
    window = shapely.box(*bbox)
    shapely.prepare(window)
    return [row for row in rows if row[1] is not None and window.intersects(row[1])]


def smallest_containing(
    point: Point | tuple[float, float], candidates: Iterable[tuple[Key, BaseGeometry]]
) -> Key | None:
    """Return the key of the smallest polygon covering the point, so an industrial park beats its economic zone.

    `point` is (lon, lat). For many points, or one geometry set asked many times, build a ZoneIndex once.
    """
    location = point if isinstance(point, Point) else Point(point)
    return ZoneIndex((key, geometry, None) for key, geometry in candidates).zone_at(location.x, location.y)


def _lists(value: object) -> object:
    """Turn shapely's nested coordinate tuples into lists, as json.loads would give."""
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_lists(item) for item in value]
    return value
