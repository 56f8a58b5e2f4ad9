"""A grid of square cells in degrees for counting points at low zoom, the cells of one zoom nested in the next's."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

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


class Cell(NamedTuple):
    """One grid cell holding points of a view: where it is, how many it holds and the smallest of their keys."""

    column: int
    row: int
    count: int
    first: int


class PointIndex:
    """Many points held in arrays sorted by longitude, to count and grid those of a view without a database scan.

    A view's points are a slice of the longitude order narrowed by latitude: about a millisecond
    for 100,000 points, where the database walks every point of the view's longitude band (in
    Vietnam, a band from the border with China to the sea). Boxes are closed, as SQL's BETWEEN.
    """

    def __init__(self, keys, lons, lats) -> None:
        lons = np.asarray(lons, dtype=float)
        order = np.argsort(lons, kind="stable")
        self._keys = np.asarray(keys, dtype=np.int64)[order]
        self._lons = lons[order]
        self._lats = np.asarray(lats, dtype=float)[order]

    def __len__(self) -> int:
        return len(self._keys)

    def _inside(self, bbox: Bbox) -> np.ndarray:
        start = int(np.searchsorted(self._lons, bbox[0], side="left"))
        stop = int(np.searchsorted(self._lons, bbox[2], side="right"))
        lats = self._lats[start:stop]
        return start + np.flatnonzero((lats >= bbox[1]) & (lats <= bbox[3]))

    def keys_in(self, bbox: Bbox) -> list[int]:
        """Return the keys of the points in `bbox`, ascending."""
        return sorted(self._keys[self._inside(bbox)].tolist())

    def count_in(self, bbox: Bbox) -> int:
        """Return how many points lie in `bbox`."""
        return len(self._inside(bbox))

    def cells_in(self, bbox: Bbox, size: float) -> list[Cell]:
        """Count the points of `bbox` per cell of `size` degrees, the cells ordered by column then row.

        A cell's column is the whole part of (lon + 180) / size and its row that of (lat + 90) / size,
        the same arithmetic as counting them in SQL.
        """
        inside = self._inside(bbox)
        if not len(inside):
            return []
        columns = ((self._lons[inside] + 180) / size).astype(np.int64)
        rows = ((self._lats[inside] + 90) / size).astype(np.int64)
        keys = self._keys[inside]
        order = np.lexsort((keys, rows, columns))
        columns, rows, keys = columns[order], rows[order], keys[order]
        starts = np.flatnonzero(np.r_[True, (columns[1:] != columns[:-1]) | (rows[1:] != rows[:-1])])
        counts = np.diff(np.r_[starts, len(keys)])
        return [Cell(*values) for values in zip(columns[starts].tolist(), rows[starts].tolist(), counts.tolist(),
                                                 keys[starts].tolist(), strict=True)]
