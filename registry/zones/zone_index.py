"""The stored zone boundaries as one spatial index (maps.ZoneIndex), built once per change of the zones.

The index is kept per process under the zones' data version (registry.audit.models.DataVersion),
which every committed change to a zone or its boundary moves, in every worker process alike: a
published boundary is seen by the next lookup anywhere. Inside a transaction that has itself
changed zones (not yet committed, so the version has not moved) lookups read this transaction's
zones instead, and nothing is kept.
"""
from __future__ import annotations

import threading
import maps
from flask import current_app

from registry.audit.service import data_versions
from registry.extensions import db

from .models import Zone

KIND = "zones"
_EXTENSION = "zone_index"


class _Kept:
    """The index of one data version of the zones; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._index: maps.ZoneIndex[int] | None = None

    def get(self, version: int) -> maps.ZoneIndex[int] | None:
        with self._lock:
            return self._index if self._version == version else None

    def put(self, version: int, index: maps.ZoneIndex[int]) -> None:
        with self._lock:
            self._version, self._index = version, index


def zone_index() -> maps.ZoneIndex[int]:
    """Return the index of every stored boundary, keyed by zone id."""
    return _current()


def zone_id_at(latitude: float, longitude: float) -> int | None:
    """Return the id of the smallest zone whose boundary holds the point, or None."""
    return _current(near=(longitude, latitude)).zone_at(longitude, latitude)


def _current(near: tuple[float, float] | None = None) -> maps.ZoneIndex[int]:
    """Return the kept index of this data version of the zones, building it when the zones changed.

    In a transaction that changed zones itself, build a throwaway index of what it sees: of the
    zones whose box holds `near` when only that point is asked about.
    """
    version = data_versions((KIND,))[KIND]  # this query also flushes the session's pending changes
    if KIND in db.session.info.get("data_changed", ()):
        return _build(near)
    kept: _Kept = current_app.extensions.setdefault(_EXTENSION, _Kept())
    index = kept.get(version)
    if index is None:
        # Built after reading the version, so what it holds is at least as new as the key it is kept under.
        index = _build()
        kept.put(version, index)
    return index


def _build(near: tuple[float, float] | None = None) -> maps.ZoneIndex[int]:
    statement = db.select(Zone.id, Zone.boundary_wkb, Zone.mapped_ha).where(Zone.boundary_wkb.is_not(None))
    if near is not None:
        longitude, latitude = near
        statement = statement.where(Zone.min_lon <= longitude, Zone.max_lon >= longitude,
                                    Zone.min_lat <= latitude, Zone.max_lat >= latitude)
    return maps.ZoneIndex((row.id, row.boundary_wkb, row.mapped_ha) for row in db.session.execute(statement))
