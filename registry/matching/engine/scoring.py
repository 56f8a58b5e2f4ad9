"""The criteria, each on a fixed scale from 0 to 1 that depends only on the proposal and the one site.

No criterion looks at the other candidates (no "best of the list = 1"), so adding or removing a zone never
changes another zone's score or their order. docs/matching.md gives each scale.
"""
from __future__ import annotations

import math
from datetime import date

from .model import Assumptions, Proposal, Reason, Site

INCENTIVE_FULL_SHARE = 0.25  # ten-year incentive value of a quarter of the capital or more: full marks
WASTEWATER_HEADROOM = 2.0  # twice the capacity needed: full marks
PORT_GENERAL_KM = 100.0  # without a port requirement: 0 km full, 100 km or more nothing
NEARBY_FULL = 20  # enterprises of the proposal's groups nearby: 20 or more full marks (log scale)
FRESH_DAYS = 180  # figures up to six months old: full marks
STALE_DAYS = 3 * 365  # three years or older (or undated): nothing


def clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def land_fit(proposal: Proposal, site: Site) -> tuple[float, Reason]:
    """0.5 with exactly the minimum free, rising linearly to 1 with the maximum (or more) free."""
    free, low = site.available_ha or 0.0, proposal.land_min_ha
    high = proposal.land_max_ha if proposal.land_max_ha is not None else low
    value = 1.0 if high <= low or free >= high else 0.5 + 0.5 * (free - low) / (high - low)
    return clamp(value), Reason("land_fit", {"free": free, "as_of": site.available_as_of, "min": low, "max": high})


def incentive_value(proposal: Proposal, value_vnd: int) -> tuple[float, Reason]:
    """The ten-year value as a share of the capital, full at INCENTIVE_FULL_SHARE."""
    if proposal.capital_vnd <= 0:
        return 0.0, Reason("incentive_value", {"value_vnd": value_vnd, "capital_vnd": proposal.capital_vnd, "share": None})
    share = value_vnd / proposal.capital_vnd
    return clamp(share / INCENTIVE_FULL_SHARE), Reason(
        "incentive_value", {"value_vnd": value_vnd, "capital_vnd": proposal.capital_vnd, "share": round(share, 4)}
    )


def infrastructure(proposal: Proposal, site: Site) -> tuple[float, Reason]:
    """The mean of the items the proposal needs (or of all three when it needs none), each 0–1."""
    items: dict[str, float] = {}
    capacity = site.wastewater_capacity_m3_day or 0
    if proposal.wastewater_m3_day:
        items["wastewater"] = clamp(capacity / (WASTEWATER_HEADROOM * proposal.wastewater_m3_day))
    if proposal.port_within_km is not None:
        within = max(proposal.port_within_km, 0.1)
        items["port"] = 0.0 if site.port_km is None else clamp(1 - site.port_km / (2 * within))
    if proposal.needs_power:
        items["power"] = 1.0 if site.has_power else 0.0
    if not items:
        items = {
            "wastewater": 1.0 if capacity > 0 else 0.0,
            "port": 0.0 if site.port_km is None else clamp(1 - site.port_km / PORT_GENERAL_KM),
            "power": 1.0 if site.has_power else 0.0,
        }
    value = sum(items.values()) / len(items)
    return value, Reason("infrastructure", {name: round(score, 4) for name, score in sorted(items.items())})


def related(code: str, group: str) -> float:
    """1 when the code lies under the group, 0.5 when the group lies under the (broader) code, else 0."""
    if code.startswith(group):
        return 1.0
    if group.startswith(code):
        return 0.5
    return 0.0


def priority_fit(proposal: Proposal, site: Site) -> tuple[float, Reason]:
    """The mean over the proposal's catalog codes of their best fit with the zone's priority groups."""
    codes, groups = proposal.catalog_codes, site.priority_groups
    if not codes or not groups:
        return 0.0, Reason("priority_fit", {"matched": (), "groups": groups})
    fits = {code: max(related(code, group) for group in groups) for code in codes}
    return sum(fits.values()) / len(codes), Reason(
        "priority_fit", {"matched": tuple(code for code in codes if fits[code] > 0), "groups": groups}
    )


def nearby(proposal: Proposal, site: Site) -> tuple[float, Reason]:
    """Registry enterprises of the proposal's groups near the zone: log(1 + n) / log(1 + NEARBY_FULL)."""
    count = sum(n for group, n in site.nearby.items() if any(related(code, group) for code in proposal.catalog_codes))
    return clamp(math.log1p(count) / math.log1p(NEARBY_FULL)), Reason("nearby", {"count": count})


def land_cost(rent: float | None, source: str, assumptions: Assumptions) -> tuple[float, Reason]:
    """1 − rent / ceiling (free land 1, the ceiling or dearer 0); unknown rent 0."""
    if rent is None:
        return 0.0, Reason("land_cost", {"rent_vnd_m2_year": None, "source": source})
    return clamp(1 - rent / assumptions.rent_ceiling_vnd_m2_year), Reason(
        "land_cost", {"rent_vnd_m2_year": round(rent), "source": source}
    )


def freshness(site: Site, on: date) -> tuple[float, Reason]:
    """1 up to FRESH_DAYS old, falling linearly to 0 at STALE_DAYS; undated figures 0."""
    if site.available_as_of is None:
        return 0.0, Reason("freshness", {"as_of": None, "days": None})
    days = (on - site.available_as_of).days
    value = 1.0 if days <= FRESH_DAYS else clamp(1 - (days - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS))
    return value, Reason("freshness", {"as_of": site.available_as_of, "days": days})


def province(proposal: Proposal, site: Site) -> tuple[float, Reason]:
    """1 in a preferred province, or when the proposal prefers none; else 0."""
    inside = not proposal.provinces or site.province in proposal.provinces
    return float(inside), Reason("province", {"province": site.province, "preferred": proposal.provinces})
