"""Count what the registry holds, for the home page: provinces and communes, catalog items and groups, enterprises."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from registry.catalog import service as catalog
from registry.catalog.models import CatalogNode, CatalogVersion
from registry.enterprises.models import Enterprise, Status
from registry.extensions import db
from registry.places.models import Commune, Province
from registry.places.service import all_provinces


@dataclass
class Overview:
    """What the home page shows, under the names its template reads."""

    provinces: list[Province]
    commune_count: int
    version: CatalogVersion | None
    item_count: int
    groups: list[CatalogNode]
    enterprise_count: int


def overview() -> Overview:
    """Return the figures and lists the home page shows."""
    version = catalog.current_version()
    nodes = catalog.nodes_of(version) if version else []
    return Overview(
        provinces=all_provinces(),
        commune_count=db.session.scalar(db.select(func.count()).select_from(Commune)),
        version=version,
        item_count=sum(1 for node in nodes if node.kind is not None),
        groups=[node for node in nodes if node.parent_id is None],
        enterprise_count=db.session.scalar(db.select(func.count()).select_from(Enterprise).where(Enterprise.status == Status.PUBLISHED)),
    )
