"""Place enterprises in zones by point-in-polygon, and again whenever a zone boundary changes.

Every lookup goes through the one zone index of the stored boundaries (registry.zones.zone_index);
the zones package announces a boundary change and knows nothing of enterprises.
"""
from __future__ import annotations

from sqlalchemy import bindparam, update

from registry.extensions import db
from registry.places.boundaries import PlaceCheck, check_point
from registry.zones import service as zones
from registry.zones.zone_index import zone_id_at, zone_index

from .models import Enterprise

CHUNK = 1000


def place(enterprise: Enterprise) -> None:
    """Set the enterprise's zone from its location (none without a location or outside every zone)."""
    enterprise.zone_id = zone_id_at(enterprise.latitude, enterprise.longitude) if enterprise.has_location else None


def province_check(enterprise: Enterprise) -> PlaceCheck | None:
    """Check the enterprise's point against its province: exactly once province boundaries are loaded; None without a point."""
    if not enterprise.has_location:
        return None
    return check_point(enterprise.province_code, enterprise.longitude, enterprise.latitude)


def replace_around(zone, previous_box=None, **_ignored) -> int:
    """Place again the enterprises inside the zone's old or new box, or placed in it; returns how many changed.

    One pass: the enterprises' positions are read in one query, looked up in the zone index at
    once, and only those whose zone changes are loaded and changed (each with its audit entry).
    """
    boxes = [b for b in (previous_box, (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat)) if b and None not in b]
    condition = Enterprise.zone_id == zone.id
    for min_lon, min_lat, max_lon, max_lat in boxes:
        condition = condition | (Enterprise.longitude.between(min_lon, max_lon) & Enterprise.latitude.between(min_lat, max_lat))
    rows = db.session.execute(
        db.select(Enterprise.id, Enterprise.latitude, Enterprise.longitude, Enterprise.zone_id).where(condition)
    ).all()
    located = [row for row in rows if row.latitude is not None and row.longitude is not None]
    index = zone_index()
    found = dict(zip((row.id for row in located), index.zones_at([row.longitude for row in located], [row.latitude for row in located])))
    changes = {row.id: found.get(row.id) for row in rows if found.get(row.id) != row.zone_id}
    ids = list(changes)
    for start in range(0, len(ids), CHUNK):
        for enterprise in db.session.scalars(db.select(Enterprise).where(Enterprise.id.in_(ids[start:start + CHUNK]))):
            enterprise.zone_id = changes[enterprise.id]
    db.session.flush()
    return len(changes)


def zones_of(points: list[tuple[float | None, float | None]]) -> list[int | None]:
    """Return the zone of each (latitude, longitude) point in one pass through the zone index, as `place` would set it.

    A point without both coordinates, or outside every zone, has None; imports place their rows
    this way before writing them, so each record is stored, and audited, with its zone.
    """
    located = [index for index, (latitude, longitude) in enumerate(points) if latitude is not None and longitude is not None]
    found: list[int | None] = [None] * len(points)
    index = zone_index()
    if located and len(index):
        zones = index.zones_at([points[i][1] for i in located], [points[i][0] for i in located])
        for position, zone_id in zip(located, zones):
            found[position] = zone_id
    return found


def place_many(enterprise_ids: list[int]) -> int:
    """Place many enterprises at once with the zone index; returns how many got a zone.

    Bulk imports insert rows without the ORM, so they place their records here in one pass.
    """
    index = zone_index()
    if not len(index) or not enterprise_ids:
        return 0
    placed = 0
    for start in range(0, len(enterprise_ids), CHUNK):
        rows = db.session.execute(
            db.select(Enterprise.id, Enterprise.latitude, Enterprise.longitude).where(
                Enterprise.id.in_(enterprise_ids[start:start + CHUNK]), Enterprise.latitude.is_not(None), Enterprise.longitude.is_not(None)
            )
        ).all()
        found = index.zones_at([row.longitude for row in rows], [row.latitude for row in rows])
        updates = [{"enterprise_id": row.id, "zone_id": zone_id} for row, zone_id in zip(rows, found) if zone_id is not None]
        if updates:
            db.session.execute(
                update(Enterprise.__table__).where(Enterprise.__table__.c.id == bindparam("enterprise_id")).values(zone_id=bindparam("zone_id")),
                updates,
            )
            placed += len(updates)
    return placed


def install() -> None:
    """Listen for boundary changes (once per process)."""
    zones.boundary_changed.connect(replace_around, weak=False)
