"""The audit trail: who changed which record, when, and its values before and after."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Audited:
    """Mark a model whose creates, updates and deletes are written to the audit trail."""

    __audit_exclude__: tuple[str, ...] = ()


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(10))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (db.Index("ix_audit_entry_entity", "entity_type", "entity_id"),)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """List (field, before, after) for every field that differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


# What shared pages show, by kind of record: each kind has a counter of committed changes and a
# page is kept under the counters of the kinds it shows. Tables named nowhere here (nor private,
# see registry.audit.service) move every counter, so a new table is safe before it is sorted.
ALL = "all"
KIND_OF_TABLE = {
    "enterprise": "enterprises", "enterprise_item": "enterprises", "certificate": "enterprises",
    "pending_change": "enterprises", "claim_request": "enterprises", "duplicate_flag": "enterprises",
    "enterprise_search": "enterprises",
    "zone": "zones", "boundary_version": "zones", "zone_figure": "zones",
    "catalog_version": "catalog", "catalog_node": "catalog", "catalog_node_mapping": "catalog",
    "incentive_policy": "incentives", "commune_difficulty": "incentives",
    "ecolabel_certificate": "ecolabels", "ecolabel_event": "ecolabels",
    "incubator": "incubators", "cohort": "incubators", "incubatee": "incubators",
    "province": "places", "commune": "places", "legacy_province": "places", "province_boundary": "places", "commune_predecessor": "places",
    "organization": "organizations", "membership": "organizations",
    "event": "events", "participant": "events", "interest": "events", "meeting_request": "events", "meeting": "events",
    "schedule_session": "events", "schedule_table": "events", "schedule_settings": "events", "participant_schedule": "events",
    "check_in": "events", "meeting_outcome": "events",
}
KINDS = (ALL, *dict.fromkeys(KIND_OF_TABLE.values()))


class DataVersion(db.Model):
    """A counter per kind of record (and one for all), going up with every committed change to it.

    Shared public pages are kept under the counters of what they show (registry.page_cache).
    Counters rather than the newest audit id: some writes leave no audit entry (a boundary version
    with the same outline, reference data), and on PostgreSQL ids are taken in one order and
    committed in another; the rows' locks make the numbers follow the commits. Every kind of
    KINDS has its row from the migration that introduced it.
    """

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    number: Mapped[int] = mapped_column(default=0)
