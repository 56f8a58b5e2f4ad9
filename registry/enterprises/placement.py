"""Place enterprises in zones by point-in-polygon, and again whenever a zone boundary changes."""
from __future__ import annotations

from registry.extensions import db
from registry.zones import service as zones

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


def install() -> None:
    """Listen for boundary changes (once per process)."""
    zones.boundary_changed.connect(replace_around, weak=False)
