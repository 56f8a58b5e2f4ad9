"""Publish, list and restore zone boundaries; every published boundary is kept as a numbered version."""
from __future__ import annotations

import maps
from maps.display_levels import display_levels
from shapely.geometry.base import BaseGeometry

from registry.accounts.models import User
from registry.accounts.permissions import require
from registry.extensions import db
from registry.transactions import conflict_if_stale

from .models import BoundaryVersion, Zone
from .permissions import EDIT_ZONE
from .service import ZoneConflict, boundary_changed

# A new boundary whose centre lies further than this from the zone's recorded position is probably
# the wrong file, or in the wrong coordinate system: the editor is warned before publishing.
FAR_FROM_RECORDED_KM = 15


def review_notices(zone: Zone, geometry: BaseGeometry) -> list[maps.Notice]:
    """List what an editor should check before publishing `geometry` for `zone`."""
    notices = []
    computed = maps.area_hectares(geometry)
    declared = zone.total_ha
    mismatch = maps.area_mismatch(declared, computed) if declared else None
    if mismatch is not None:
        notices.append(mismatch)
    if zone.latitude is not None and zone.longitude is not None:
        far = maps.far_from_recorded(maps.centroid(geometry), (zone.longitude, zone.latitude), FAR_FROM_RECORDED_KM)
        if far is not None:
            notices.append(far)
    return notices


def versions_of(zone: Zone) -> list[BoundaryVersion]:
    """List a zone's published boundaries, newest first."""
    return list(db.session.scalars(
        db.select(BoundaryVersion).where(BoundaryVersion.zone_id == zone.id).order_by(BoundaryVersion.number.desc())
    ))


def set_geometry(zone: Zone, geometry: BaseGeometry | None, *, approximate: bool) -> None:
    """Store a boundary with its display copy, bounding box, centre and mapped area."""
    if geometry is None:
        zone.boundary_wkb = zone.display_geojson = zone.display_z6 = zone.display_z9 = zone.display_z12 = None
        zone.min_lon = zone.min_lat = zone.max_lon = zone.max_lat = zone.mapped_ha = None
        return
    zone.boundary_wkb = geometry.wkb
    display = maps.display_geometry(geometry)
    zone.display_geojson = maps.to_geojson_text(display)
    zone.display_z6, zone.display_z9, zone.display_z12 = display_levels(display).values()
    zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat = maps.bounds(geometry)
    zone.longitude, zone.latitude = maps.centroid(geometry)
    zone.mapped_ha = round(maps.area_hectares(geometry), 2)
    zone.boundary_approximate = approximate


def publish_boundary(
    actor: User | None,
    zone: Zone,
    geometry: BaseGeometry,
    *,
    expected_version: int | None = None,
    source: str = "",
    source_crs: str = "EPSG:4326",
    notices: list[maps.Notice] | None = None,
    approximate: bool = False,
    restored_from: int | None = None,
) -> BoundaryVersion:
    """Make `geometry` the zone's boundary and keep it as a new version; `actor` None is the CLI or reference data."""
    if actor is not None:
        require(actor, EDIT_ZONE, zone)
    if expected_version is not None and expected_version != zone.version:
        raise ZoneConflict(zone, expected_version)
    previous_box = (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat)
    set_geometry(zone, geometry, approximate=approximate)
    number = (db.session.scalar(db.select(db.func.max(BoundaryVersion.number)).where(BoundaryVersion.zone_id == zone.id)) or 0) + 1
    version = BoundaryVersion(
        zone=zone, number=number, boundary_wkb=geometry.wkb, approximate=approximate, mapped_ha=zone.mapped_ha,
        source=source[:300], source_crs=source_crs[:120],
        notices=[{"code": n.code, "params": n.params} for n in notices or []],
        created_by_id=actor.id if actor else None, created_by_label=actor.email if actor else "system",
        restored_from=restored_from,
    )
    db.session.add(version)
    with conflict_if_stale(lambda: ZoneConflict(db.session.get(Zone, zone.id), expected_version)):
        db.session.flush()
    boundary_changed.send(zone, previous_box=previous_box)
    return version


def restore(actor: User, zone: Zone, version: BoundaryVersion, *, expected_version: int | None = None) -> BoundaryVersion:
    """Publish an older boundary again, as a new version that says where it came from."""
    if version.zone_id != zone.id:
        raise ValueError("the version belongs to another zone")
    return publish_boundary(
        actor, zone, maps.from_wkb(version.boundary_wkb), expected_version=expected_version,
        source=version.source, source_crs=version.source_crs, approximate=version.approximate, restored_from=version.number,
    )
