"""Which incentive rules apply to a project on a site, which wins each instrument, and what it is worth.

A rule holds for the project when it is in force on the project's start and its project conditions hold
(sector class, capital, jobs, new project); those do not depend on the site, so they are checked once per
proposal. A rule then holds on a site when its province scope and area classes do. Within an instrument
the highest `level` wins (Decree 32/2024 Art. 25: the highest level applies); at equal level the larger
benefit, then the smaller code. The winners depend only on (province, area classes), so they are resolved
once per distinct pair, however many sites share it.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Mapping

from .model import SECTOR_CLASSES, Assumptions, Policy, Proposal

M2_PER_HA = 10_000


def sector_holds(required: str, project_class: str | None) -> bool:
    """A special-incentive project also meets a rule for incentive sectors; "any" asks for nothing."""
    if required == "any":
        return True
    if project_class is None:
        return False
    return SECTOR_CLASSES.index(project_class) <= SECTOR_CLASSES.index(required)


def project_holds(policy: Policy, proposal: Proposal, project_class: str | None, start) -> bool:
    return (
        policy.in_force(start)
        and sector_holds(policy.sector_class, project_class)
        and (policy.min_capital_vnd is None or proposal.capital_vnd >= policy.min_capital_vnd)
        and (policy.min_jobs is None or proposal.jobs >= policy.min_jobs)
        and (not policy.new_project_only or proposal.new_project)
    )


def site_holds(policy: Policy, province: str, classes: frozenset[str]) -> bool:
    return (policy.scope_province is None or policy.scope_province == province) and (
        not policy.area_classes or bool(policy.area_classes & classes)
    )


def cit_rate_by_year(benefit: Mapping, assumptions: Assumptions) -> list[float]:
    """The CIT rate (per cent) paid in each year of the horizon under the rule, profits from year 1."""
    standard = assumptions.standard_cit_pct
    rate = benefit.get("rate")
    rate_years = benefit.get("rate_years")
    exempt = int(benefit.get("exempt_years") or 0)
    reduced = int(benefit.get("reduce50_years") or 0)
    paid = []
    for year in range(1, assumptions.horizon_years + 1):
        base = float(rate) if rate is not None and (rate_years is None or year <= rate_years) else standard
        if year <= exempt:
            paid.append(0.0)
        elif year <= exempt + reduced:
            paid.append(base / 2)
        else:
            paid.append(base)
    return paid


def cit_saving_share(benefit: Mapping, assumptions: Assumptions) -> float:
    """Σ over the horizon of (standard rate − rate paid) / 100: the profit-years of tax the rule saves."""
    return sum(assumptions.standard_cit_pct - paid for paid in cit_rate_by_year(benefit, assumptions)) / 100


def rent_years_saved(benefit: Mapping, assumptions: Assumptions) -> float:
    """Years of rent the rule saves within the horizon: exempt years, then the reduction on the rest."""
    horizon = assumptions.horizon_years
    if benefit.get("whole_term"):
        return float(horizon)
    exempt = min(horizon, int(benefit.get("exempt_rent_years") or 0) + int(benefit.get("construction_exempt_years") or 0))
    return exempt + (horizon - exempt) * float(benefit.get("reduction_pct") or 0) / 100


VALUED = {"cit": cit_saving_share, "land_rent": rent_years_saved}


def strength(policy: Policy, assumptions: Assumptions) -> float:
    """How much a rule gives, in its instrument's own unit, for breaking ties of level."""
    measure = VALUED.get(policy.instrument)
    if measure is not None:
        return measure(policy.benefit, assumptions)
    return float(policy.benefit.get("support_pct") or policy.benefit.get("exempt_years") or 0)


class Resolver:
    """The winners per instrument for a project, cached per (province, area classes)."""

    def __init__(self, candidates: list[Policy], assumptions: Assumptions):
        self.national: list[Policy] = []
        self.by_province: dict[str, list[Policy]] = defaultdict(list)
        for policy in candidates:
            (self.national if policy.scope_province is None else self.by_province[policy.scope_province]).append(policy)
        self.assumptions = assumptions
        self.cache: dict[tuple[str, frozenset[str]], tuple[tuple[Policy, tuple[str, ...]], ...]] = {}

    def winners(self, province: str, classes: frozenset[str]) -> tuple[tuple[Policy, tuple[str, ...]], ...]:
        key = (province, classes)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._resolve(province, classes)
        return found

    def _resolve(self, province, classes):
        by_instrument: dict[str, list[Policy]] = defaultdict(list)
        for policy in (*self.national, *self.by_province.get(province, ())):
            if site_holds(policy, province, classes):
                by_instrument[policy.instrument].append(policy)
        chosen = []
        for instrument in sorted(by_instrument):
            ranked = sorted(by_instrument[instrument], key=lambda p: (-p.level, -strength(p, self.assumptions), p.code))
            chosen.append((ranked[0], tuple(p.code for p in ranked[1:])))
        return tuple(chosen)


def rent_per_m2_year(site, assumptions: Assumptions) -> tuple[float | None, str]:
    """The site's yearly rent in VND per m², and where it came from ("site", "price" or "unknown")."""
    if site.land_rent_vnd_m2_year is not None:
        return float(site.land_rent_vnd_m2_year), "site"
    if site.land_price_usd_m2 is not None and assumptions.vnd_per_usd:
        return site.land_price_usd_m2 * assumptions.vnd_per_usd / assumptions.lease_term_years, "price"
    return None, "unknown"
