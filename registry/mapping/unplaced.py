"""The zones a map cannot draw: no boundary and no recorded position, listed beside the map with who could add one."""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from flask_login import current_user

from registry.accounts.permissions import can
from registry.extensions import db
from registry.i18n import locale_code
from registry.zones import queries as zone_queries
from registry.zones.models import Zone
from registry.zones.permissions import EDIT_ZONE
from registry.zones.queries import ZoneFilters

SHOWN = 50  # a national instance may hold hundreds without a position: name the first, count them all


class Unplaced(NamedTuple):
    """Zones without a position that match the map's filters: how many, and the first SHOWN of them by name."""

    count: int
    zones: list[Zone]
    editable: set[int]


def unplaced_zones(filters: ZoneFilters) -> Unplaced:
    """Find the zones matching the filters (the box aside) that have neither a boundary nor a recorded point."""
    statement = zone_queries.filtered(replace(filters, bbox=None), ordered=False).where(
        Zone.display_geojson.is_(None), (Zone.latitude.is_(None)) | (Zone.longitude.is_(None)))
    count = db.session.scalar(statement.with_only_columns(db.func.count(Zone.id)).order_by(None)) or 0
    name = Zone.name_en if locale_code() == "en" else Zone.name_vi
    zones = list(db.session.scalars(statement.order_by(name, Zone.id).limit(SHOWN))) if count else []
    editable = {zone.id for zone in zones if current_user.is_authenticated and can(current_user, EDIT_ZONE, zone)}
    return Unplaced(count, zones, editable)
