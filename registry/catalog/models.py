"""Decision 980 catalog versions as stored: versions, their nodes, and how old nodes map to new."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.audit.models import Audited, utcnow
from registry.extensions import db


class CatalogVersion(Audited, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(60), unique=True)
    legal_basis: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(255))
    provisional: Mapped[bool] = mapped_column(default=False)
    title_vi: Mapped[str] = mapped_column(String(255), default="")
    title_en: Mapped[str] = mapped_column(String(255), default="")
    notes_vi: Mapped[str] = mapped_column(Text, default="")
    notes_en: Mapped[str] = mapped_column(Text, default="")
    is_current: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_version.id"))

    previous: Mapped[CatalogVersion | None] = relationship(remote_side=[id])
    nodes: Mapped[list[CatalogNode]] = relationship(
        back_populates="version", order_by="CatalogNode.position", lazy="raise_on_sql"
    )

    def title(self, locale: str) -> str:
        return (self.title_en if locale == "en" else self.title_vi) or self.label

    def notes(self, locale: str) -> str:
        return self.notes_en if locale == "en" else self.notes_vi


class CatalogNode(Audited, db.Model):
    __table_args__ = (UniqueConstraint("version_id", "code", name="uq_catalog_node_version_code"),)
    __audit_exclude__ = ("search_folded",)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_node.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    depth: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str | None] = mapped_column(String(20))
    sub_sector: Mapped[str | None] = mapped_column(String(30))
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500), default="")
    hs_codes: Mapped[list] = mapped_column(JSON, default=list)
    search_folded: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[CatalogVersion] = relationship(back_populates="nodes", lazy="joined")
    parent: Mapped[CatalogNode | None] = relationship(remote_side=[id])

    def name(self, locale: str) -> str:
        return (self.name_en if locale == "en" else self.name_vi) or self.name_vi

    @property
    def is_group(self) -> bool:
        return self.kind is None


class CatalogNodeMapping(Audited, db.Model):
    """Where a node of the previous version went in a newer one.

    `status` is "by_code" (same code found on import), "resolved" (an official chose the node),
    "retired" (an official confirmed it has no successor) or "pending" (waiting for an official).
    """

    __table_args__ = (UniqueConstraint("version_id", "old_node_id", name="uq_catalog_node_mapping_version_old"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id"), index=True)
    old_node_id: Mapped[int] = mapped_column(ForeignKey("catalog_node.id"), index=True)
    new_node_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_node.id"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    version: Mapped[CatalogVersion] = relationship()
    old_node: Mapped[CatalogNode] = relationship(foreign_keys=[old_node_id], lazy="joined")
    new_node: Mapped[CatalogNode | None] = relationship(foreign_keys=[new_node_id], lazy="joined")
