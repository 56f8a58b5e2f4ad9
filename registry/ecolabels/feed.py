"""The register's changes for its Atom feed: certificates recorded and decisions taken, newest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from registry.enterprises.models import Enterprise, Status as EnterpriseStatus
from registry.extensions import db

from .models import EcolabelCertificate, EcolabelEvent

ENTRIES = 50


@dataclass(frozen=True)
class Entry:
    key: str
    at: datetime
    certificate: EcolabelCertificate
    event: EcolabelEvent | None = None


def entries(limit: int = ENTRIES) -> list[Entry]:
    """The latest changes to certificates of published holders (those the public register shows)."""
    public = (select(EcolabelCertificate).join(EcolabelCertificate.enterprise)
              .where(Enterprise.status == EnterpriseStatus.PUBLISHED))
    recorded = [Entry(f"certificate-{c.id}", c.created_at, c)
                for c in db.session.scalars(public.order_by(EcolabelCertificate.created_at.desc()).limit(limit)).unique()]
    events = db.session.scalars(select(EcolabelEvent).join(EcolabelEvent.certificate).join(EcolabelCertificate.enterprise)
                                .where(Enterprise.status == EnterpriseStatus.PUBLISHED)
                                .order_by(EcolabelEvent.created_at.desc()).limit(limit))
    decided = [Entry(f"event-{e.id}", e.created_at, e.certificate, e) for e in events]
    return sorted(recorded + decided, key=lambda entry: entry.at, reverse=True)[:limit]


def updated(shown: list[Entry]) -> datetime | None:
    """When the feed last changed: its newest entry's time, so that changes it does not show (holders awaiting review) move nothing."""
    return max((entry.at for entry in shown), default=None)
