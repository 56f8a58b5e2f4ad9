"""The criteria, each on a fixed scale from 0 to 1 that depends only on the proposal and the one site.

No criterion looks at the other candidates (no "best of the list = 1"), so adding or removing a zone never
changes another zone's score or their order. `values()` is the fast path every passing zone takes;
`reasons()` says why, for the matches shown in detail. The scales (docs/matching.md explains them):

    land_fit         0.5 with the minimum free, linearly to 1 with the maximum free or more
    incentive_value  ten-year value / capital, full at INCENTIVE_FULL_SHARE
    infrastructure   the mean of the items needed (wastewater headroom, port distance, power)
    priority_fit     the mean of the proposal's codes' best fit with the zone's priority groups
    nearby           log(1 + enterprises of the proposal's groups nearby) / log(1 + NEARBY_FULL)
    land_cost        1 − rent / Assumptions.rent_ceiling_vnd_m2_year; unknown rent 0
    freshness        1 up to FRESH_DAYS old, linearly to 0 at STALE_DAYS; undated 0
    province         1 in a preferred province (or none preferred), else 0
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
        self.fresh_cache: dict[date | None, float] = {}

    def infrastructure_items(self, site: Site) -> list[tuple[str, float]]:
        """Each item the proposal needs (all three when it needs none), 0–1."""
        proposal = self.proposal
        capacity = site.wastewater_capacity_m3_day or 0
        port = 0.0 if site.port_km is None else clamp(1 - site.port_km / self.port_scale)
        power = 1.0 if site.has_power else 0.0
        items = []
        if proposal.wastewater_m3_day:
            items.append(("wastewater", clamp(capacity / (WASTEWATER_HEADROOM * proposal.wastewater_m3_day))))
        if proposal.port_within_km is not None:
            items.append(("port", port))
        if proposal.needs_power:
            items.append(("power", power))
        return items or [("wastewater", 1.0 if capacity > 0 else 0.0), ("port", port), ("power", power)]

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

    def nearby_count(self, site: Site) -> int:
        related_cache = self.related_cache
        count = 0
        for group, n in site.nearby.items():
            fits = related_cache.get(group)
            if fits is None:
                fits = related_cache[group] = any(related(code, group) for code in self.codes)
            if fits:
                count += n
        return count

    def freshness(self, as_of: date | None) -> float:
        found = self.fresh_cache.get(as_of)
        if found is None:
            if as_of is None:
                found = 0.0
            else:
                days = (self.on - as_of).days
                found = 1.0 if days <= FRESH_DAYS else clamp(1 - (days - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS))
            self.fresh_cache[as_of] = found
        return found

    def values(self, site: Site, value_vnd: int, rent: float | None) -> tuple[float, ...]:
        """The criteria's values in CRITERIA order (the scales: the module's constants, docs/matching.md)."""
        free, low, high = site.available_ha or 0.0, self.low, self.high
        items = self.infrastructure_items(site)
        return (
            1.0 if high <= low or free >= high else clamp(0.5 + 0.5 * (free - low) / (high - low)),
            clamp(value_vnd / self.full_value) if self.full_value > 0 else 0.0,
            sum(value for _, value in items) / len(items),
            self.priority(site.priority_groups)[0],
            clamp(math.log1p(self.nearby_count(site)) / LOG_NEARBY_FULL),
            0.0 if rent is None else clamp(1 - rent / self.assumptions.rent_ceiling_vnd_m2_year),
            self.freshness(site.available_as_of),
            1.0 if not self.provinces or site.province in self.provinces else 0.0,
        )

    def reasons(self, site: Site, value_vnd: int, rent: float | None, source: str) -> tuple[Reason, ...]:
        """Why each criterion has its value, in CRITERIA order: the figures it read."""
        proposal = self.proposal
        capital = proposal.capital_vnd
        params = (
            {"free": site.available_ha, "as_of": site.available_as_of, "min": self.low, "max": self.high},
            {"value_vnd": value_vnd, "capital_vnd": capital, "share": round(value_vnd / capital, 4) if capital > 0 else None},
            {name: round(score, 4) for name, score in sorted(self.infrastructure_items(site))},
            {"matched": self.priority(site.priority_groups)[1], "groups": site.priority_groups},
            {"count": self.nearby_count(site)},
            {"rent_vnd_m2_year": None if rent is None else round(rent), "source": source},
            {"as_of": site.available_as_of, "days": None if site.available_as_of is None else (self.on - site.available_as_of).days},
            {"province": site.province, "preferred": proposal.provinces},
        )
        return tuple(Reason(criterion, p) for criterion, p in zip(CRITERIA, params))
