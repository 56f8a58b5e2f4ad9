"""Eco-label certificates and their withdrawal events (suspension, reinstatement, revocation)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import Audited, utcnow
from registry.extensions import db

from .status import Event, Status, status_on


class Scheme(enum.StrEnum):
    """Vietnam Ecolabel (LEP 2020 Art. 145, Decree 08/2022), the legacy Vietnam Green Label (Circular 41/2013), others for imported goods."""

    VN_ECOLABEL = "vn_ecolabel"
    VN_GREEN_LABEL = "vn_green_label"
    OTHER = "other"


class EcolabelCertificate(Audited, db.Model):
    """One certificate: a product of a holder enterprise certified against a criteria set, from issue to its validity end."""

    __tablename__ = "ecolabel_certificate"
    __table_args__ = (UniqueConstraint("scheme", "number_key", name="uq_ecolabel_certificate_scheme_number_key"),)
    __audit_exclude__ = ("search_folded", "number_key")

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(20), index=True)
    number: Mapped[str] = mapped_column(String(100))
    number_key: Mapped[str] = mapped_column(String(100))  # the number folded (case, spaces), so "12/QĐ" and "12 / qđ" are one
    criteria_code: Mapped[str] = mapped_column(String(40), default="", index=True)
    product_group: Mapped[str] = mapped_column(String(300), default="")
    product_name: Mapped[str] = mapped_column(String(300))
    product_model: Mapped[str] = mapped_column(String(200), default="")
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(200), default="")
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    issued_on: Mapped[date]
    valid_until: Mapped[date] = mapped_column(index=True)
    # The status as the last write or sweep found it; pages read `status_on` for the day itself.
    status: Mapped[str] = mapped_column(String(20), default=Status.VALID.value, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    search_folded: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enterprise = relationship("Enterprise", lazy="joined")
    events: Mapped[list[EcolabelEvent]] = relationship(back_populates="certificate", cascade="all, delete-orphan",
                                                       order_by="[EcolabelEvent.effective_on, EcolabelEvent.id]", lazy="selectin")

    def status_on(self, day: date) -> Status:
        return status_on(self.issued_on, self.valid_until, [Event(e.kind, e.effective_on) for e in self.events], day)


class EcolabelEvent(Audited, db.Model):
    """A suspension, reinstatement or revocation: its date, reason and the deciding document."""

    __tablename__ = "ecolabel_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("ecolabel_certificate.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    certificate: Mapped[EcolabelCertificate] = relationship(back_populates="events")
