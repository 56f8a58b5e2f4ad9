"""Publish, list and restore zone boundaries; every published boundary is kept as a numbered version."""
from __future__ import annotations

from dataclasses import dataclass

import maps
import shapely
from flask import current_app
from maps.display_levels import display_levels
from shapely.geometry.base import BaseGeometry

from registry.accounts.models import User
from registry.accounts.permissions import require
from registry.extensions import db
from registry.places.boundaries import PlaceCheck, check_point, check_shape
from registry.places.models import Province
from registry.transactions import conflict_if_stale

from .models import BoundaryVersion, Zone
from .permissions import EDIT_ZONE
from .service import ZoneConflict, boundary_changed



@dataclass(frozen=True)
class PositionMove:
    """Where publishing a boundary would put the zone's recorded position: from `old` to the boundary's centre `new`.

    Positions are (longitude, latitude); `km` is None while the zone has no recorded position.
    """

    old: tuple[float, float] | None
    new: tuple[float, float]
    km: float | None
    warn_km: float

    @property
    def far(self) -> bool:
        """Whether the move reaches the BOUNDARY_MOVE_WARN_KM setting: the editor is warned and must confirm it."""
        return self.km is not None and self.km >= self.warn_km


def position_move(zone: Zone, geometry: BaseGeometry) -> PositionMove:
    """Measure how far `geometry`'s centre lies from the zone's recorded position."""
    new = maps.centroid(geometry)
    warn_km = float(current_app.config["BOUNDARY_MOVE_WARN_KM"])
    if zone.latitude is None or zone.longitude is None:
        return PositionMove(None, new, None, warn_km)
    km = maps.distance_km(zone.latitude, zone.longitude, new[1], new[0])
    return PositionMove((zone.longitude, zone.latitude), new, km, warn_km)


def review_notices(zone: Zone, geometry: BaseGeometry) -> list[maps.Notice]:
    """List what an editor should check before publishing `geometry` for `zone`."""
    notices = []
    computed = maps.area_hectares(geometry)
    declared = zone.total_ha
    mismatch = maps.area_mismatch(declared, computed) if declared else None
    if mismatch is not None:
        notices.append(mismatch)
    move = position_move(zone, geometry)
    if move.far:
        notices.append(maps.Notice("far_from_recorded", {"km": round(move.km, 1), "limit_km": move.warn_km}))
    outside = province_check(zone, geometry)
    if outside.exact and not outside.inside:
        found = outside.found_in.name_vi if outside.found_in else ""
        notices.append(maps.Notice("outside_province", {"percent": round(outside.share_outside * 100, 1), "province": zone.province.name_vi,
                                                        "found_in": found}))
    return notices


def outside_province(province_code: str, geometry: BaseGeometry) -> maps.Notice | None:
    """Return a notice when the boundary's centre lies outside its province, else None.

    Once province boundaries are loaded the centre is checked against them exactly (the notice
    then says how much of the shape lies outside and where). Until then the check uses a box
    from the EPSG areas of use of the province's VN-2000 meridians (`maps.province_extent`),
    so only a boundary clearly elsewhere is caught.
    """
    lon, lat = maps.centroid(geometry)
    centre = check_point(province_code, lon, lat)
    if centre.exact:
        if centre.inside:
            return None
        shape = check_shape(province_code, geometry)
        province = db.session.get(Province, province_code)
        return maps.Notice("outside_province", {"percent": round(shape.share_outside * 100, 1),
                                                "province": province.name_vi if province else province_code,
                                                "found_in": shape.found_in.name_vi if shape.found_in else ""})
    extent = maps.province_extent(province_code)
    if extent is None:
        return None
    km = maps.distance_to_km(shapely.box(*extent), lon, lat)
    return maps.Notice("far_outside_province", {"km": round(km)}) if km > 0 else None


def province_check(zone: Zone, geometry: BaseGeometry) -> PlaceCheck:
    """Check the boundary against its zone's province: exactly once province boundaries are loaded, else approximately."""
    return check_shape(zone.province_code, geometry)


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
    move_position: bool = True,
) -> BoundaryVersion:
    """Make `geometry` the zone's boundary and keep it as a new version; `actor` None is the CLI or reference data.

    The zone's recorded position becomes the boundary's centre, unless `move_position` is False and
    the zone has a position already (the editor did not confirm the move).
    """
    if actor is not None:
        require(actor, EDIT_ZONE, zone)
    if expected_version is not None and expected_version != zone.version:
        raise ZoneConflict(zone, expected_version)
    previous_box = (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat)
    kept_position = (zone.longitude, zone.latitude)
    set_geometry(zone, geometry, approximate=approximate)
    if not move_position and None not in kept_position:
        zone.longitude, zone.latitude = kept_position
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
