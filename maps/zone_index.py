"""Which zone holds a point: the smallest of the boundaries covering it, for one point or many at once."""
from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, TypeVar

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from .distance import distance_to_km
from .validation import area_hectares

Key = TypeVar("Key", bound=Hashable)
# (zone key, boundary as shapely geometry or WKB bytes/hex, area in hectares or None to measure it)
ZoneRow = tuple[Key, "BaseGeometry | bytes | str", "float | None"]


class ZoneIndex(Generic[Key]):
    """A spatial index of zone boundaries answering "the smallest zone holding this point".

    Smallest by area, so an industrial park inside an economic zone wins over the economic zone;
    a point on a boundary counts as inside. Build it once per change of the boundaries and ask it
    many times: it holds no reference to where the rows came from. Points are (longitude, latitude).
    """

    def __init__(self, rows: Iterable[ZoneRow]) -> None:
        entries = []
        for order, (key, boundary, area) in enumerate(rows):
            geometry = boundary if isinstance(boundary, BaseGeometry) else shapely.from_wkb(boundary)
            if geometry is None or geometry.is_empty:
                continue
            entries.append((area_hectares(geometry) if area is None else float(area), order, key, geometry))
        # Sorted smallest first, so the lowest tree position among a point's matches is its zone.
        entries.sort(key=lambda entry: entry[:2])
        self._keys: list[Key] = [entry[2] for entry in entries]
        self._geometries = np.array([entry[3] for entry in entries], dtype=object)
        self._positions = {key: position for position, key in enumerate(self._keys)}
        self._tree = STRtree(self._geometries)
        # Prepared, a polygon answers "covers this point" several times faster than the tree's own
        # predicate; GEOS builds a prepared geometry's inner index lazily, not thread-safely, so
        # queries from several threads take turns (libgeos/geos#825).
        shapely.prepare(self._geometries)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    def zone_at(self, longitude: float, latitude: float) -> Key | None:
        """Return the key of the smallest zone covering the point, or None."""
        return self.zones_at([longitude], [latitude])[0]

    def zones_at(self, longitudes: Sequence[float], latitudes: Sequence[float]) -> list[Key | None]:
        """Return, for each point, the key of the smallest zone covering it (None for none), in one query."""
        count = len(longitudes)
        if count != len(latitudes):
            raise ValueError("as many longitudes as latitudes are needed")
        if count == 0 or not self._keys:
            return [None] * count
        points = shapely.points(np.asarray(longitudes, dtype=float), np.asarray(latitudes, dtype=float))
        with self._lock:
            point_positions, zone_positions = self._tree.query(points)  # boxes meeting each point
            covered = shapely.covers(self._geometries[zone_positions], points[point_positions])
        point_positions, zone_positions = point_positions[covered], zone_positions[covered]
        nothing = len(self._keys)
        smallest = np.full(count, nothing, dtype=np.intp)
        np.minimum.at(smallest, point_positions, zone_positions)
        return [None if position == nothing else self._keys[position] for position in smallest.tolist()]

    def distance_km(self, key: Key, longitude: float, latitude: float) -> float | None:
        """Return how far the point lies from the zone in kilometres (0 inside it), or None for a key not indexed."""
        position = self._positions.get(key)
        if position is None:
            return None
        with self._lock:
            return distance_to_km(self._geometries[position], longitude, latitude)
