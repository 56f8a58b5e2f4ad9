"""A grid of square cells in degrees for counting points at low zoom, the cells of one zoom nested in the next's."""
from __future__ import annotations

from .layers import pixel_degrees
from .validation import Bbox

CELL_PIXELS = 64  # a cell is drawn about this wide, the size of a cluster marker


def cell_degrees(zoom: int) -> float:
    """Return the side of a cell in degrees at a Web Mercator zoom level (a power of two of a degree's fraction)."""
    return pixel_degrees(zoom) * CELL_PIXELS


def cell_bounds(column: int, row: int, size: float) -> Bbox:
    """Return the (min_lon, min_lat, max_lon, max_lat) box of cell (column, row), counted from (-180, -90)."""
    west, south = column * size - 180, row * size - 90
    return west, south, west + size, south + size


def cell_centre(column: int, row: int, size: float) -> tuple[float, float]:
    """Return the (lon, lat) centre of cell (column, row)."""
    west, south, east, north = cell_bounds(column, row, size)
    return (west + east) / 2, (south + north) / 2
