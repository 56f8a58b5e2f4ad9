"""What the engine is given: zones as `engine.Site`, incentive rows as `engine.Policy`.

The engine is pure (no database), so everything it weighs is read here in a few statements for
all zones at once: the dated free-land figure of each zone, the difficulty classes of its commune,
and how many registry enterprises of each catalog group work within `MATCH_NEARBY_KM` of it.
That count reads every placed enterprise, so it is made once per data version of the zones,
enterprises and catalog and kept (`page_cache.kept_value`), never per request nor per zone.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections import defaultdict
from datetime import date
from importlib import resources

from flask import current_app

from maps import distance_km
from registry.catalog import service as catalog
from registry.catalog.models import CatalogNode
from registry.enterprises.models import Enterprise, EnterpriseItem
from registry.enterprises.models import Status as EnterpriseStatus
from registry.extensions import db
from registry.incentives import queries as incentive_queries
from registry.page_cache import kept_value
from registry.zones import figures
from registry.zones.models import Zone

from . import engine

KM_PER_DEGREE = 111.32


def sites(zone_ids=None, *, on: date | None = None) -> list[engine.Site]:
    """Every zone (or those of `zone_ids`) as the engine's `Site`, with its free land as the dated figure gives it."""
    statement = db.select(Zone).order_by(Zone.id)
    if zone_ids is not None:
        statement = statement.where(Zone.id.in_(list(zone_ids)))
    zones = list(db.session.scalars(statement))
    shown = figures.figures_of([zone.id for zone in zones])
    communes = {zone.id: (zone.commune_codes or [None])[0] for zone in zones}
    classes = area_classes([code for code in communes.values() if code], on or date.today())
    near = nearby()
    return [_site(zone, shown[zone.id].get("available") or [], classes.get(communes[zone.id]) or frozenset(), near.get(zone.id, {}))
            for zone in zones]


def _site(zone: Zone, available: list, classes: frozenset, near: dict) -> engine.Site:
    figure = available[0] if available else None
    return engine.Site(
        id=zone.id, code=zone.code, name=zone.name_vi, kind=zone.kind.value, status=zone.status.value,
        province=zone.province_code, commune=(zone.commune_codes or [None])[0], area_classes=classes,
        available_ha=figure.value if figure is not None else zone.available_ha,
        available_as_of=figure.as_of if figure is not None else None,
        land_price_usd_m2=zone.land_price_usd_m2, land_rent_vnd_m2_year=None,
        wastewater_capacity_m3_day=zone.wastewater_capacity_m3_day, port_km=zone.port_km,
        has_power=True if (zone.power_note or "").strip() else None,
        priority_groups=tuple(zone.priority_groups or ()), nearby=near, lat=zone.latitude, lon=zone.longitude,
    )


def area_classes(commune_codes: list[str], on: date) -> dict[str, frozenset]:
    """The difficulty classes ("dbkk", "kk") of each commune on `on`, from the incentives' commune lists."""
    if not commune_codes:
        return {}
    found = dict(incentive_queries.area_classes(commune_codes, on))
    return {code: frozenset({level} if isinstance(level, str) else level) for code, level in found.items()}


def policies(province_codes, on: date) -> list[engine.Policy]:
    """The incentive rules in force on `on`, national and of these provinces (None: of every province), as the engine's `Policy`."""
    codes = None if province_codes is None else list(province_codes)
    return [policy_of(row) for row in incentive_queries.policies_in_force(codes, on)]


# What every zone's Site and the rules read: a committed change to any of them makes them anew.
SITE_KINDS = ("zones", "enterprises", "catalog", "incentives")


def prepared(on: date) -> engine.Prepared:
    """Every zone as the engine's `Site`, prepared (`engine.prepare`) once per data version and start day.

    Reading 3,000 zones, their dated figures and their communes' classes takes far longer than matching
    them; every proposal with the same start day shares the zones read once, and what the engine keeps
    with them (rents, freshness, the rules' winners).
    """
    return kept_value(SITE_KINDS, f"matching-sites:{on.isoformat()}", lambda: engine.prepare(sites(on=on)),
                      worth_keeping=lambda value: True)


def all_policies(on: date) -> list[engine.Policy]:
    """Every rule in force on `on`, national and provincial (the engine checks each rule's province), kept per data version."""
    return kept_value(("incentives",), f"matching-policies:{on.isoformat()}", lambda: policies(None, on), worth_keeping=lambda value: True)


def policy_of(row) -> engine.Policy:
    """Turn one incentive row (a mapping or a row with attributes) into the engine's `Policy`."""
    mapping = row if isinstance(row, dict) else getattr(row, "_mapping", None)
    read = (lambda name: mapping.get(name)) if mapping is not None else (lambda name: getattr(row, name, None))
    values = {field.name: read(field.name) for field in dataclasses.fields(engine.Policy)}
    values["area_classes"] = frozenset(values.get("area_classes") or ())
    values["benefit"] = dict(values.get("benefit") or {})
    values["effective_from"] = values.get("effective_from") or date.min  # a rule without a start date has always held
    return engine.Policy(**values)


def nearby() -> dict[int, dict[str, int]]:
    """Per zone: how many published enterprises of each catalog group lie within the radius, kept per data version."""
    radius = float(current_app.config["MATCH_NEARBY_KM"])
    kept = kept_value(("zones", "enterprises", "catalog"), f"matching-nearby:{radius}", lambda: _count_nearby(radius),
                      worth_keeping=lambda value: True)
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for zone_id, group, count in kept:
        found[zone_id][group] = count
    return dict(found)


def _count_nearby(radius_km: float) -> tuple:
    """Count, in one pass over a grid of cells a radius wide, the enterprises of each group near each placed zone."""
    version = catalog.current_version()
    parents = dict(db.session.execute(db.select(CatalogNode.id, CatalogNode.parent_id).where(
        CatalogNode.version_id == (version.id if version else -1))).all())
    rows = db.session.execute(
        db.select(Enterprise.id, Enterprise.latitude, Enterprise.longitude, EnterpriseItem.node_id)
        .join(EnterpriseItem, EnterpriseItem.enterprise_id == Enterprise.id)
        .where(Enterprise.status == EnterpriseStatus.PUBLISHED, Enterprise.latitude.is_not(None), Enterprise.longitude.is_not(None))
    ).all()
    codes = dict(db.session.execute(db.select(CatalogNode.id, CatalogNode.code).where(CatalogNode.id.in_(parents))).all()) if parents else {}
    cell = max(radius_km / KM_PER_DEGREE, 1e-6)
    grid: dict[tuple[int, int], dict[int, tuple[float, float, set]]] = defaultdict(dict)
    for enterprise_id, lat, lon, node_id in rows:
        group = codes.get(_root(node_id, parents))
        if group is None:
            continue
        key = (math.floor(lat / cell), math.floor(lon / cell))
        grid[key].setdefault(enterprise_id, (lat, lon, set()))[2].add(group)
    counted = []
    zones = db.session.execute(db.select(Zone.id, Zone.latitude, Zone.longitude).where(
        Zone.latitude.is_not(None), Zone.longitude.is_not(None)).order_by(Zone.id)).all()
    for zone_id, lat, lon in zones:
        counts: dict[str, int] = defaultdict(int)
        row, column = math.floor(lat / cell), math.floor(lon / cell)
        reach = max(1, math.ceil(1 / max(math.cos(math.radians(lat)), 0.01)))
        for dr in (-1, 0, 1):
            for dc in range(-reach, reach + 1):
                for e_lat, e_lon, groups in grid.get((row + dr, column + dc), {}).values():
                    if distance_km(lat, lon, e_lat, e_lon) <= radius_km:
                        for group in groups:
                            counts[group] += 1
        counted.extend((zone_id, group, count) for group, count in sorted(counts.items()))
    return tuple(counted)


def _root(node_id: int, parents: dict[int, int | None]) -> int:
    seen = 0
    while parents.get(node_id) is not None and seen < 20:
        node_id, seen = parents[node_id], seen + 1
    return node_id


SECTOR_DATA = "data/sector-classes.json"  # in registry.incentives: the sector classes as data, each row with its source


@functools.cache
def sector_rows() -> dict:
    """The shipped mapping of activities and catalog groups to sector classes, with sources and confidence."""
    return json.loads(resources.files("registry.incentives").joinpath(SECTOR_DATA).read_text(encoding="utf-8"))


def sector_map() -> engine.SectorMap:
    """How activities and catalog items map to incentive-sector classes (only what the sources support; see the data)."""
    rows = sector_rows()
    return engine.SectorMap(
        activities={row["activity"]: tuple(row["classes"]) for row in rows["activities"] if row["classes"]},
        catalog={row["code"]: tuple(row["classes"]) for row in rows["catalog"] if row["classes"]},
        activity_kinds={activity: frozenset(kinds) for activity, kinds in rows.get("activity_kinds", {}).items()},
    )


def assumptions(proposal) -> engine.Assumptions:
    """What the ten-year estimate assumes beside the proposal: the VND-per-USD rate of its capital, else the registry's."""
    rate = proposal.exchange_rate if proposal.capital_currency == "USD" else current_app.config.get("USD_VND_RATE")
    return engine.Assumptions(vnd_per_usd=rate or None)
