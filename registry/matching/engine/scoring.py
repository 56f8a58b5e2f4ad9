"""The criteria, each on a fixed scale from 0 to 1 that depends only on the proposal and the one site.

No criterion looks at the other candidates (no "best of the list = 1"), so adding or removing a zone never
changes another zone's score or their order. docs/matching.md gives each scale. `values()` is the fast
path every passing zone takes; `reasons()` says why, for the matches shown in detail.
"""
from __future__ import annotations

import math
from datetime import date

from .model import CRITERIA, Assumptions, Proposal, Reason, Site

INCENTIVE_FULL_SHARE = 0.25  # ten-year incentive value of a quarter of the capital or more: full marks
WASTEWATER_HEADROOM = 2.0  # twice the capacity needed: full marks
PORT_GENERAL_KM = 100.0  # without a port requirement: 0 km full, 100 km or more nothing
NEARBY_FULL = 20  # enterprises of the proposal's groups nearby: 20 or more full marks (log scale)
FRESH_DAYS = 180  # figures up to six months old: full marks
STALE_DAYS = 3 * 365  # three years or older (or undated): nothing

LOG_NEARBY_FULL = math.log1p(NEARBY_FULL)


def clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def related(code: str, group: str) -> float:
    """1 when the code lies under the group, 0.5 when the group lies under the (broader) code, else 0."""
    if code.startswith(group):
        return 1.0
    if group.startswith(code):
        return 0.5
    return 0.0


class Criteria:
    """The eight criteria for one proposal; what depends only on the proposal is worked out once."""

    def __init__(self, proposal: Proposal, assumptions: Assumptions, on: date):
        self.proposal, self.assumptions, self.on = proposal, assumptions, on
        self.low = proposal.land_min_ha
        self.high = proposal.land_max_ha if proposal.land_max_ha is not None else proposal.land_min_ha
        self.codes = proposal.catalog_codes
        self.provinces = frozenset(proposal.provinces)
        self.full_value = proposal.capital_vnd * INCENTIVE_FULL_SHARE
        self.port_scale = 2 * max(proposal.port_within_km, 0.1) if proposal.port_within_km is not None else PORT_GENERAL_KM
        self.fit_cache: dict[tuple[str, ...], tuple[float, tuple[str, ...]]] = {}
        self.related_cache: dict[str, bool] = {}

    def land_fit(self, site: Site) -> float:
        """0.5 with exactly the minimum free, rising linearly to 1 with the maximum (or more) free."""
        free, low, high = site.available_ha or 0.0, self.low, self.high
        return 1.0 if high <= low or free >= high else clamp(0.5 + 0.5 * (free - low) / (high - low))

    def incentive_value(self, value_vnd: int) -> float:
        """The ten-year value as a share of the capital, full at INCENTIVE_FULL_SHARE; no capital: 0."""
        return clamp(value_vnd / self.full_value) if self.full_value > 0 else 0.0

    def infrastructure_items(self, site: Site) -> dict[str, float]:
        """Each item the proposal needs (all three when it needs none), 0–1."""
        proposal = self.proposal
        capacity = site.wastewater_capacity_m3_day or 0
        port = 0.0 if site.port_km is None else clamp(1 - site.port_km / self.port_scale)
        power = 1.0 if site.has_power else 0.0
        items: dict[str, float] = {}
        if proposal.wastewater_m3_day:
            items["wastewater"] = clamp(capacity / (WASTEWATER_HEADROOM * proposal.wastewater_m3_day))
        if proposal.port_within_km is not None:
            items["port"] = port
        if proposal.needs_power:
            items["power"] = power
        return items or {"wastewater": 1.0 if capacity > 0 else 0.0, "port": port, "power": power}

    def infrastructure(self, site: Site) -> float:
        items = self.infrastructure_items(site)
        return sum(items.values()) / len(items)

    def priority(self, groups: tuple[str, ...]) -> tuple[float, tuple[str, ...]]:
        """The mean over the proposal's codes of their best fit with the groups, and the codes that fit."""
        found = self.fit_cache.get(groups)
        if found is None:
            if not self.codes or not groups:
                found = (0.0, ())
            else:
                fits = [max(related(code, group) for group in groups) for code in self.codes]
                found = (sum(fits) / len(fits), tuple(code for code, fit in zip(self.codes, fits) if fit > 0))
            self.fit_cache[groups] = found
        return found

    def is_related(self, group: str) -> bool:
        found = self.related_cache.get(group)
        if found is None:
            found = self.related_cache[group] = any(related(code, group) for code in self.codes)
        return found

    def nearby_count(self, site: Site) -> int:
        return sum(n for group, n in site.nearby.items() if self.is_related(group))

    def nearby(self, site: Site) -> float:
        """Registry enterprises of the proposal's groups near the zone: log(1 + n) / log(1 + NEARBY_FULL)."""
        return clamp(math.log1p(self.nearby_count(site)) / LOG_NEARBY_FULL)

    def land_cost(self, rent: float | None) -> float:
        """1 − rent / ceiling (free land 1, the ceiling or dearer 0); unknown rent 0."""
        return 0.0 if rent is None else clamp(1 - rent / self.assumptions.rent_ceiling_vnd_m2_year)

    def freshness(self, site: Site) -> float:
        """1 up to FRESH_DAYS old, falling linearly to 0 at STALE_DAYS; undated figures 0."""
        if site.available_as_of is None:
            return 0.0
        days = (self.on - site.available_as_of).days
        return 1.0 if days <= FRESH_DAYS else clamp(1 - (days - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS))

    def province(self, site: Site) -> float:
        """1 in a preferred province, or when the proposal prefers none; else 0."""
        return 1.0 if not self.provinces or site.province in self.provinces else 0.0

    def values(self, site: Site, value_vnd: int, rent: float | None) -> tuple[float, ...]:
        """The criteria's values in CRITERIA order."""
        return (
            self.land_fit(site),
            self.incentive_value(value_vnd),
            self.infrastructure(site),
            self.priority(site.priority_groups)[0],
            self.nearby(site),
            self.land_cost(rent),
            self.freshness(site),
            self.province(site),
        )

    def reasons(self, site: Site, value_vnd: int, rent: float | None, source: str) -> tuple[Reason, ...]:
        """Why each criterion has its value, in CRITERIA order: the figures it read."""
        proposal = self.proposal
        capital = proposal.capital_vnd
        params = (
            {"free": site.available_ha, "as_of": site.available_as_of, "min": self.low, "max": self.high},
            {"value_vnd": value_vnd, "capital_vnd": capital, "share": round(value_vnd / capital, 4) if capital > 0 else None},
            {name: round(score, 4) for name, score in sorted(self.infrastructure_items(site).items())},
            {"matched": self.priority(site.priority_groups)[1], "groups": site.priority_groups},
            {"count": self.nearby_count(site)},
            {"rent_vnd_m2_year": None if rent is None else round(rent), "source": source},
            {"as_of": site.available_as_of, "days": None if site.available_as_of is None else (self.on - site.available_as_of).days},
            {"province": site.province, "preferred": proposal.provinces},
        )
        return tuple(Reason(criterion, p) for criterion, p in zip(CRITERIA, params))
