"""Geometry to and from database columns: WKB or GeoJSON text, bbox and centroid, display geometry."""
from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry

from .layers import tolerance_for_zoom
from .validation import Bbox

# Display geometry is simplified for street-level zoom and kept on a 0.1 m grid.
DISPLAY_ZOOM = 16
DISPLAY_GRID = 1e-6


def to_wkb_hex(geometry: BaseGeometry) -> str:
    """Return the geometry as hex WKB for a text or binary column."""
    return shapely.to_wkb(geometry, hex=True)


def from_wkb(data: bytes | str) -> BaseGeometry:
    """Read geometry from WKB bytes or hex text."""
    return shapely.from_wkb(data)


def to_geojson_text(geometry: BaseGeometry) -> str:
    """Return the geometry as compact GeoJSON text."""
    return shapely.to_geojson(geometry)


def from_geojson_text(text: str) -> BaseGeometry:
    """Read a GeoJSON geometry from text."""
    return shapely.from_geojson(text)


def bounds(geometry: BaseGeometry) -> Bbox:
    """Return (min_lon, min_lat, max_lon, max_lat) for the bbox columns."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return float(min_lon), float(min_lat), float(max_lon), float(max_lat)


def centroid(geometry: BaseGeometry) -> tuple[float, float]:
    """Return (lon, lat) for the centroid column, falling back to a point on the surface.

    A U-shaped or multi-part zone has its centroid outside itself; a marker there would point at
    the wrong land, and a point-in-polygon lookup from it would miss.
    """
    point = geometry.centroid
    if not geometry.covers(point):
        point = geometry.point_on_surface()
    return float(point.x), float(point.y)


def display_geometry(geometry: BaseGeometry) -> BaseGeometry:
    """Return a lighter, still valid copy of a boundary to store for drawing on maps."""
    simplified = geometry.simplify(tolerance_for_zoom(DISPLAY_ZOOM), preserve_topology=True)
    snapped = shapely.set_precision(simplified, DISPLAY_GRID)
    # A sliver thinner than the grid disappears when snapped; keep it rather than store nothing.
    return simplified if snapped.is_empty else snapped
