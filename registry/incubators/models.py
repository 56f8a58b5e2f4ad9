"""Incubators, their programmes or cohorts, and the enterprises they incubate (by registry record, with dates and outcome)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import Audited, utcnow
from registry.extensions import db
from registry.places.models import Province
from registry.zones.models import Zone


class HostKind(enum.StrEnum):
    ZONE = "zone"
    INDUSTRIAL_CLUSTER = "industrial_cluster"
    HIGH_TECH_PARK = "high_tech_park"
    UNIVERSITY = "university"
    ORGANIZATION = "organization"


class Outcome(enum.StrEnum):
    ACTIVE = "active"
    GRADUATED = "graduated"
    LEFT = "left"


class Incubator(Audited, db.Model):
    """An incubator: its host (a zone of the registry, or a named university or organization), focus, services and contacts.

    `opened_on` and `closed_on` bound its life (its cohorts' dates lie inside it). A reference incubator
    (`source_url` set) comes from a sourced public page; `is_demo` ones are demonstration records.
    """

    __audit_exclude__ = ("search_folded",)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    host_kind: Mapped[str] = mapped_column(String(30), index=True)
    host_name: Mapped[str] = mapped_column(String(300), default="")
    host_zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    focus_groups: Mapped[list] = mapped_column(JSON, default=list)
    services: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None]
    address: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    opened_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    source_note: Mapped[str] = mapped_column(String(500), default="")
    as_of: Mapped[str] = mapped_column(String(100), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    search_folded: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    host_zone: Mapped[Zone | None] = relationship(lazy="joined")
    province: Mapped[Province] = relationship(lazy="joined")
    cohorts: Mapped[list[Cohort]] = relationship(back_populates="incubator", cascade="all, delete-orphan", order_by="Cohort.starts_on")

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" else self.name_vi) or self.name_vi

    @property
    def is_reference(self) -> bool:
        return bool(self.source_url)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Cohort(Audited, db.Model):
    """A programme or cohort of an incubator, with its dates (inside the incubator's life)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    incubator_id: Mapped[int] = mapped_column(ForeignKey("incubator.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    incubator: Mapped[Incubator] = relationship(back_populates="cohorts")


ACTIVE_ONLY = text("outcome = 'active'")


class Incubatee(Audited, db.Model):
    """An enterprise of the registry incubated in a cohort: from `started_on` to `ended_on`, with its outcome.

    An enterprise is active in at most one cohort of an incubator: the service says so, and a partial
    unique index holds it when two officers place it at the same moment.
    """

    __table_args__ = (Index("uq_incubatee_active", "incubator_id", "enterprise_id", unique=True, sqlite_where=ACTIVE_ONLY,
                            postgresql_where=ACTIVE_ONLY),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incubator_id: Mapped[int] = mapped_column(ForeignKey("incubator.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(String(20), default="active", index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
