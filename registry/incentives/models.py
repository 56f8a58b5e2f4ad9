"""Incentive policies (one rule of law each, with its conditions, benefit, legal basis and validity) and commune difficulty lists."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.audit.models import Audited, utcnow
from registry.extensions import db



class Instrument(enum.StrEnum):
    CIT = "cit"
    LAND_RENT = "land_rent"
    IMPORT_DUTY = "import_duty"
    BUDGET_SUPPORT = "budget_support"
    RELOCATION = "relocation"
    TECHNOLOGY_TRANSFER = "technology_transfer"
    CREDIT = "credit"


class SectorClass(enum.StrEnum):
    SPECIAL = "special"
    INCENTIVE = "incentive"
    CIT_LISTED = "cit_listed"  # a sector the CIT law lists for its reduced rate (Law 67/2025 Arts. 12–14)
    ANY = "any"


class AreaClass(enum.StrEnum):
    DBKK = "dbkk"
    KK = "kk"
    ECONOMIC_ZONE = "economic_zone"
    INDUSTRIAL_PARK = "industrial_park"
    HIGH_TECH_PARK = "high_tech_park"
    INDUSTRIAL_CLUSTER = "industrial_cluster"


class Difficulty(enum.StrEnum):
    """A commune's listing: especially difficult (đặc biệt khó khăn) or difficult (khó khăn)."""

    DBKK = "dbkk"
    KK = "kk"


class PolicyStatus(enum.StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"


class IncentivePolicy(Audited, db.Model):
    """One incentive rule: who qualifies (sector class, area classes, capital, jobs, new project, province) and what they get.

    `province_code` None is a national rule; `level` orders rules of one instrument (the highest applies,
    Decree 32/2024 Art. 25); `effective_from` None means in force since before the registry's sources.
    """

    __audit_exclude__ = ("search_folded",)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title_vi: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    instrument: Mapped[str] = mapped_column(String(30), index=True)
    sector_class: Mapped[str] = mapped_column(String(20), default="any")
    area_classes: Mapped[list] = mapped_column(JSON, default=list)
    min_capital_vnd: Mapped[int | None] = mapped_column(BigInteger)
    min_jobs: Mapped[int | None]
    new_project_only: Mapped[bool] = mapped_column(default=False)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"), index=True)
    benefit: Mapped[dict] = mapped_column(JSON, default=dict)
    legal_basis: Mapped[str] = mapped_column(String(300))
    article: Mapped[str] = mapped_column(String(200), default="")
    effective_from: Mapped[date | None]
    effective_to: Mapped[date | None]
    level: Mapped[int] = mapped_column(default=0)
    confidence: Mapped[str] = mapped_column(String(3), default="M")
    source: Mapped[str] = mapped_column(String(500), default="")
    note_vi: Mapped[str] = mapped_column(Text, default="")
    note_en: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    search_folded: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def title(self, locale: str) -> str:
        return (self.title_en if locale == "en" else self.title_vi) or self.title_vi

    def note(self, locale: str) -> str:
        return (self.note_en if locale == "en" else self.note_vi) or self.note_vi

    @property
    def is_national(self) -> bool:
        return self.province_code is None

    def in_force_on(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (self.effective_to is None or day <= self.effective_to)


class CommuneDifficulty(Audited, db.Model):
    """A commune listed as especially difficult ("dbkk") or difficult ("kk") by a decision, for its dates."""

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    level: Mapped[str] = mapped_column(String(4))
    decision_number: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
