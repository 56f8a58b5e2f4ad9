"""Provinces and communes in force since 1 July 2025, and the pre-2025 provinces and communes they absorbed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import Audited, utcnow
from registry.extensions import db

CITY = "thành phố trung ương"


class Province(db.Model):
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    division_type: Mapped[str] = mapped_column(String(40))
    codename: Mapped[str] = mapped_column(String(80))
    phone_code: Mapped[int | None]
    region: Mapped[str] = mapped_column(String(40))
    centre: Mapped[str] = mapped_column(String(80))
    name_folded: Mapped[str] = mapped_column(String(80), index=True)

    communes: Mapped[list[Commune]] = relationship(
        back_populates="province", order_by="Commune.name_folded", lazy="raise_on_sql"
    )
    parts: Mapped[list[LegacyProvince]] = relationship(
        back_populates="province", order_by="LegacyProvince.position"
    )

    @property
    def is_city(self) -> bool:
        return self.division_type == CITY

    @property
    def is_merged(self) -> bool:
        return len(self.parts) > 1

    @property
    def regions_of_parts(self) -> list[str]:
        return list(dict.fromkeys(part.region for part in self.parts))

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


class Commune(db.Model):
    """A commune-level unit: xã, phường or đặc khu (special zone)."""

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    name_vi: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    division_type: Mapped[str] = mapped_column(String(20))
    codename: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120), index=True)

    province: Mapped[Province] = relationship(back_populates="communes", lazy="joined")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


class LegacyProvince(db.Model):
    """A province of the 63-unit map (before 1 July 2025) and the unit it became part of."""

    name_vi: Mapped[str] = mapped_column(String(80), primary_key=True)
    name_folded: Mapped[str] = mapped_column(String(80), unique=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    region: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)

    province: Mapped[Province] = relationship(back_populates="parts", lazy="joined")


class CommunePredecessor(db.Model):
    """A commune of before 1 July 2025 and one commune it became part of.

    A commune split between successors has a row for each, so none is chosen for the user.
    Loaded by an operator (`flask --app registry places import-successors FILE`), not shipped.
    """

    __table_args__ = (Index("ix_commune_predecessor_lookup", "province_code", "name_folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    name_vi: Mapped[str] = mapped_column(String(160))
    # The name without its "Xã"/"Phường"/"Thị trấn", folded: "tinh phong".
    name_folded: Mapped[str] = mapped_column(String(160))
    division: Mapped[str] = mapped_column(String(20), default="")
    # The source's own words in brackets: "huyện Kim Bôi", "phần còn lại sau khi sáp nhập vào xã U Minh".
    note: Mapped[str] = mapped_column(String(300), default="")
    partial: Mapped[bool] = mapped_column(default=False)
    successor_code: Mapped[str] = mapped_column(ForeignKey("commune.code", ondelete="CASCADE"), index=True)

    successor: Mapped[Commune] = relationship(lazy="joined")


class ProvinceBoundary(Audited, db.Model):
    """A province's boundary loaded by an operator: the full shape for exact checks, a simplified one for maps."""

    __audit_exclude__ = ("boundary_wkb", "display_geojson")

    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), primary_key=True)
    boundary_wkb: Mapped[bytes] = mapped_column(LargeBinary)
    display_geojson: Mapped[str] = mapped_column(Text)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float] = mapped_column(Float)
    vertices: Mapped[int]
    source: Mapped[str] = mapped_column(String(300))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
