"""Zones (economic zones, industrial parks and clusters), their boundary versions and figure sources."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import Organization, User
from registry.audit.models import Audited, utcnow
from registry.extensions import db, stored_enum
from registry.places.models import Province



class ZoneKind(enum.StrEnum):
    ECONOMIC_ZONE = "economic_zone"
    BORDER_GATE_EZ = "border_gate_economic_zone"
    INDUSTRIAL_PARK = "industrial_park"
    INDUSTRIAL_CLUSTER = "industrial_cluster"
    HIGH_TECH_PARK = "high_tech_park"
    RECYCLING_CLUSTER = "recycling_cluster"
    ECO_CLUSTER = "eco_cluster"


class ZoneStatus(enum.StrEnum):
    PLANNED = "planned"
    UNDER_CONSTRUCTION = "under_construction"
    OPERATING = "operating"


class Zone(Audited, db.Model):
    __audit_exclude__ = ("boundary_wkb", "display_geojson", "display_z6", "display_z9", "display_z12", "name_folded", "search_folded", "version")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    name_folded: Mapped[str] = mapped_column(String(300), default="", index=True)
    # Both names folded, between spaces, for matching whole words: " khu kinh te dung quat dung quat economic zone ".
    search_folded: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[ZoneKind] = mapped_column(stored_enum(ZoneKind, 30), index=True)
    status: Mapped[ZoneStatus] = mapped_column(stored_enum(ZoneStatus, 30), default=ZoneStatus.OPERATING, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    commune_codes: Mapped[list] = mapped_column(JSON, default=list)
    location_text: Mapped[str] = mapped_column(String(500), default="")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    developer: Mapped[str] = mapped_column(String(300), default="")
    decision_number: Mapped[str] = mapped_column(String(120), default="")
    decision_date: Mapped[date | None]
    founded_year: Mapped[int | None]
    total_ha: Mapped[float | None] = mapped_column(Float)
    industrial_ha: Mapped[float | None] = mapped_column(Float)
    leased_ha: Mapped[float | None] = mapped_column(Float)
    available_ha: Mapped[float | None] = mapped_column(Float, index=True)
    # The occupancy the zone's source published, shown before our arithmetic (`computed_occupancy`).
    published_occupancy: Mapped[float | None] = mapped_column(Float)
    land_price_usd_m2: Mapped[float | None] = mapped_column(Float)
    land_price_note: Mapped[str] = mapped_column(String(300), default="")
    wastewater_plant: Mapped[bool | None]
    wastewater_capacity_m3_day: Mapped[int | None] = mapped_column(BigInteger)
    solid_waste_service: Mapped[bool | None]
    power_note: Mapped[str] = mapped_column(String(300), default="")
    water_note: Mapped[str] = mapped_column(String(300), default="")
    port_km: Mapped[float | None] = mapped_column(Float)
    airport_km: Mapped[float | None] = mapped_column(Float)
    expressway_km: Mapped[float | None] = mapped_column(Float)
    tenants: Mapped[int | None]
    sectors: Mapped[str] = mapped_column(Text, default="")
    priority_groups: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(500), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    # Where each figure comes from: {"total_ha": {"source": "...", "confidence": "H"}}.
    sources: Mapped[dict] = mapped_column(JSON, default=dict)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    boundary_wkb: Mapped[bytes | None]
    display_geojson: Mapped[str | None] = mapped_column(Text)
    # The display geometry shaped for the map's zoom levels (maps.display_levels), written with the boundary.
    display_z6: Mapped[str | None] = mapped_column(Text, deferred=True)
    display_z9: Mapped[str | None] = mapped_column(Text, deferred=True)
    display_z12: Mapped[str | None] = mapped_column(Text, deferred=True)
    boundary_approximate: Mapped[bool] = mapped_column(default=True)
    min_lon: Mapped[float | None] = mapped_column(Float, index=True)
    min_lat: Mapped[float | None] = mapped_column(Float, index=True)
    max_lon: Mapped[float | None] = mapped_column(Float, index=True)
    max_lat: Mapped[float | None] = mapped_column(Float, index=True)
    mapped_ha: Mapped[float | None] = mapped_column(Float)
    is_demo: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    province: Mapped[Province] = relationship(lazy="joined")
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    parent: Mapped[Zone | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" else self.name_vi) or self.name_vi

    @property
    def occupancy(self) -> float | None:
        """The published occupancy when there is one, else the computed one, in percent (also read from a plain row)."""
        published = getattr(self, "published_occupancy", None)
        return published if published is not None else leased_share(self)

    @property
    def computed_occupancy(self) -> float | None:
        return leased_share(self)

    @property
    def has_boundary(self) -> bool:
        return self.boundary_wkb is not None


def leased_share(zone) -> float | None:
    """Leased industrial land over industrial land (else the total area), in percent: Decree 32/2024's occupancy."""
    base = zone.industrial_ha or zone.total_ha
    if zone.leased_ha is None or not base:
        return None
    return round(100 * zone.leased_ha / base, 1)


class BoundaryVersion(db.Model):
    """One published boundary of a zone; the newest is the zone's current boundary."""

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    boundary_wkb: Mapped[bytes]
    approximate: Mapped[bool] = mapped_column(default=False)
    mapped_ha: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300), default="")
    source_crs: Mapped[str] = mapped_column(String(120), default="EPSG:4326")
    notices: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_label: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    restored_from: Mapped[int | None]

    zone: Mapped[Zone] = relationship()
    created_by: Mapped[User | None] = relationship(lazy="joined")
