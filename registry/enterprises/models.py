"""Enterprises, their Decision 980 items and certificates, and the review records around them."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import Organization, User
from registry.audit.models import Audited, utcnow
from registry.catalog.models import CatalogNode
from registry.extensions import db, stored_enum
from registry.places.models import Commune, Province
from registry.zones.models import Zone

from .taxcode import format_tax_code



class SizeClass(enum.StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Status(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    SUSPENDED = "suspended"
    REJECTED = "rejected"
    MERGED = "merged"


class Relation(enum.StrEnum):
    MANUFACTURES = "manufactures"
    SUPPLIES = "supplies"
    SERVICES = "services"
    USES = "uses"


class Decision(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ProfileFacts:
    """What a profile reads the same way from a record or from its plain rows (`queries.Profile`)."""

    __slots__ = ()

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" else self.name_vi) or self.name_vi

    @property
    def tax_code_display(self) -> str:
        return format_tax_code(self.tax_code)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Enterprise(ProfileFacts, Audited, db.Model):
    __audit_exclude__ = ("name_folded", "name_core", "search_text", "version")

    id: Mapped[int] = mapped_column(primary_key=True)
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    short_name: Mapped[str] = mapped_column(String(120), default="")
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("commune.code"), index=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    size_class: Mapped[SizeClass | None] = mapped_column(stored_enum(SizeClass), index=True)
    founded_year: Mapped[int | None]
    staff: Mapped[int | None]
    website: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    national_brand: Mapped[bool] = mapped_column(default=False)
    status: Mapped[Status] = mapped_column(stored_enum(Status), default=Status.PENDING, index=True)
    changes_requested: Mapped[bool] = mapped_column(default=False)
    review_note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    is_demo: Mapped[bool] = mapped_column(default=False, index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    # Found by point-in-polygon from the location, and placed again when a zone boundary changes.
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    # Folded copies kept for matching: see registry.enterprises.index.
    name_folded: Mapped[str] = mapped_column(String(300), default="", index=True)
    name_core: Mapped[str] = mapped_column(String(300), default="", index=True)
    search_text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    # Map layers ask for the published points inside a box; the list pages them by name.
    __table_args__ = (
        db.Index("ix_enterprise_status_location", "status", "longitude", "latitude"),
        db.Index("ix_enterprise_status_name", "status", "name_core", "id"),
    )

    province: Mapped[Province] = relationship(lazy="joined")
    commune: Mapped[Commune | None] = relationship(lazy="joined")
    organization: Mapped[Organization | None] = relationship()
    zone: Mapped[Zone | None] = relationship()
    items: Mapped[list[EnterpriseItem]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", lazy="selectin", order_by="EnterpriseItem.id"
    )
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", lazy="selectin", order_by="Certificate.id"
    )



class EnterpriseItem(Audited, db.Model):
    """An enterprise's tie to a Decision 980 catalog item: what it makes, supplies, services or uses."""

    __table_args__ = (UniqueConstraint("enterprise_id", "node_id", "relation", name="uq_enterprise_item_link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("catalog_node.id"), index=True)
    relation: Mapped[Relation] = mapped_column(stored_enum(Relation))

    enterprise: Mapped[Enterprise] = relationship(back_populates="items")
    node: Mapped[CatalogNode] = relationship(lazy="joined")


class Certificate(Audited, db.Model):
    """A management-system or product certificate the enterprise holds, such as ISO 14001."""

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(100), default="")
    issuer: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]

    enterprise: Mapped[Enterprise] = relationship(back_populates="certificates")


class PendingChange(Audited, db.Model):
    """A representative's edit to a published profile, waiting for a province officer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict] = mapped_column(JSON)
    status: Mapped[Decision] = mapped_column(stored_enum(Decision), default=Decision.PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id], lazy="joined")


class ClaimRequest(Audited, db.Model):
    """A person asking to represent an existing enterprise profile."""

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[Decision] = mapped_column(stored_enum(Decision), default=Decision.PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class DuplicateFlag(Audited, db.Model):
    """Two records of one province whose names are alike: an officer merges or dismisses them."""

    __table_args__ = (UniqueConstraint("enterprise_id", "other_id", name="uq_duplicate_flag_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    enterprise: Mapped[Enterprise] = relationship(foreign_keys=[enterprise_id], lazy="joined")
    other: Mapped[Enterprise] = relationship(foreign_keys=[other_id], lazy="joined")
