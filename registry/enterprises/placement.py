"""Place enterprises in zones by point-in-polygon, and again whenever a zone boundary changes."""
from __future__ import annotations

import maps
from shapely import STRtree
from shapely.geometry import Point
from sqlalchemy import bindparam, update

from registry.extensions import db
from registry.zones import service as zones
from registry.zones.models import Zone

from .models import Enterprise


def place(enterprise: Enterprise) -> None:
    """Set the enterprise's zone from its location (none without a location or outside every zone)."""
    zone = zones.zone_at(enterprise.latitude, enterprise.longitude) if enterprise.has_location else None
    enterprise.zone_id = zone.id if zone else None


def replace_around(zone, previous_box=None, **_ignored) -> int:
    """Place again the enterprises inside the zone's old or new box, or placed in it; returns how many changed."""
    boxes = [b for b in (previous_box, (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat)) if b and None not in b]
    condition = Enterprise.zone_id == zone.id
    for min_lon, min_lat, max_lon, max_lat in boxes:
        condition = condition | (Enterprise.longitude.between(min_lon, max_lon) & Enterprise.latitude.between(min_lat, max_lat))
    changed = 0
    for enterprise in db.session.scalars(db.select(Enterprise).where(condition)):
        before = enterprise.zone_id
        place(enterprise)
        changed += enterprise.zone_id != before
    db.session.flush()
    return changed


def place_many(enterprise_ids: list[int]) -> int:
    """Place many enterprises at once with one spatial index of the zones; returns how many got a zone.

    Bulk imports insert rows without the ORM, so they place their records here in one pass.
    """
    zones_with_boundary = db.session.execute(
        db.select(Zone.id, Zone.boundary_wkb, Zone.mapped_ha).where(Zone.boundary_wkb.is_not(None))
    ).all()
    if not zones_with_boundary or not enterprise_ids:
        return 0
    shapes = [maps.from_wkb(row.boundary_wkb) for row in zones_with_boundary]
    tree = STRtree(shapes)
    placed = 0
    for start in range(0, len(enterprise_ids), 1000):
        chunk = enterprise_ids[start:start + 1000]
        rows = db.session.execute(
            db.select(Enterprise.id, Enterprise.longitude, Enterprise.latitude).where(
                Enterprise.id.in_(chunk), Enterprise.latitude.is_not(None), Enterprise.longitude.is_not(None)
            )
        ).all()
        updates = []
        for row in rows:
            point = Point(row.longitude, row.latitude)
            # The smallest holding zone wins, as in zones.service.zone_at: a park inside an economic zone.
            holding = [i for i in tree.query(point, predicate="covered_by")]
            if holding:
                best = min(holding, key=lambda i: shapes[i].area)
                updates.append({"enterprise_id": row.id, "zone_id": zones_with_boundary[best].id})
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
