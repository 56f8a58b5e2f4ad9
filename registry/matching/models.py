"""An investor's project proposal, its stored matches, and the leads zone boards follow up.

A proposal is the investor's own record: it is reached by its private token (the results link)
or from the investor's account page, never listed publicly. Its matches are kept as the engine
answered them (`Proposal.result`, plain JSON of reason codes and parameters, translated when
shown, with every matched zone's id in rank order) and `ProposalMatch` rows for the first matches
and the best of each other province, which the boards' counts query (`service.recorded`).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.audit.models import utcnow
from registry.extensions import db, stored_enum
from registry.zones.models import Zone


class Currency(enum.StrEnum):
    VND = "VND"
    USD = "USD"


class LeadStatus(enum.StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    SITE_VISIT = "site_visit"
    MOU = "mou"
    INVESTED = "invested"
    DROPPED = "dropped"


class Proposal(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The secret of the results link (secrets.token_urlsafe); whoever holds it reads the proposal.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    # When an anonymous investor agreed that the boards they express interest to may contact them.
    consent_at: Mapped[datetime | None]
    name: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(String(40))
    catalog_codes: Mapped[list] = mapped_column(JSON, default=list)
    land_min_ha: Mapped[float] = mapped_column(Float)
    land_max_ha: Mapped[float] = mapped_column(Float)
    capital_amount: Mapped[float] = mapped_column(Float)
    capital_currency: Mapped[Currency] = mapped_column(stored_enum(Currency, 3), default=Currency.VND)
    # VND per USD used to turn a USD capital into VND (1 for VND); shown with the results.
    exchange_rate: Mapped[float] = mapped_column(Float, default=1.0)
    capital_vnd: Mapped[int] = mapped_column(BigInteger)
    jobs: Mapped[int] = mapped_column(default=0)
    start_year: Mapped[int]
    new_project: Mapped[bool] = mapped_column(default=True)
    provinces: Mapped[list] = mapped_column(JSON, default=list)
    regions: Mapped[list] = mapped_column(JSON, default=list)
    strict_provinces: Mapped[bool] = mapped_column(default=False)
    wastewater_m3_day: Mapped[int | None]
    port_within_km: Mapped[float | None] = mapped_column(Float)
    needs_power: Mapped[bool] = mapped_column(default=False)
    required_kinds: Mapped[list] = mapped_column(JSON, default=list)
    margin: Mapped[float | None] = mapped_column(Float)
    revenue_vnd_year: Mapped[int | None] = mapped_column(BigInteger)
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    # The engine's whole answer: matches, exclusions, what-if and the empty explanation, as codes with parameters.
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    matched_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(lazy="joined")
    matches: Mapped[list[ProposalMatch]] = relationship(back_populates="proposal", cascade="all, delete-orphan",
                                                        order_by="ProposalMatch.rank")

    @property
    def contact_email(self) -> str:
        return self.email or (self.user.email if self.user else "")


class ProposalMatch(db.Model):
    """A zone the engine admitted for a proposal, with its rank and score when it ran: the first matches shown and
    the best match of every other province (`service.recorded`); a proposal kept before 2026-12-02 has one per match."""

    __table_args__ = (UniqueConstraint("proposal_id", "zone_id", name="uq_proposal_match_proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    score: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="matches")
    zone: Mapped[Zone] = relationship(lazy="joined")


class Lead(db.Model):
    """A proposal's interest in one zone, followed up by the zone's board."""

    __table_args__ = (UniqueConstraint("proposal_id", "zone_id", name="uq_lead_proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"), index=True)
    status: Mapped[LeadStatus] = mapped_column(stored_enum(LeadStatus, 20), default=LeadStatus.NEW, index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    proposal: Mapped[Proposal] = relationship(lazy="joined")
    zone: Mapped[Zone] = relationship(lazy="joined")
    notes: Mapped[list[LeadNote]] = relationship(back_populates="lead", cascade="all, delete-orphan", order_by="LeadNote.at")


class LeadNote(db.Model):
    """A dated note on a lead, written by the board; a status change leaves one too."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(254), default="")
    status_before: Mapped[LeadStatus | None] = mapped_column(stored_enum(LeadStatus, 20))
    status_after: Mapped[LeadStatus | None] = mapped_column(stored_enum(LeadStatus, 20))
    text: Mapped[str] = mapped_column(Text, default="")

    lead: Mapped[Lead] = relationship(back_populates="notes")
