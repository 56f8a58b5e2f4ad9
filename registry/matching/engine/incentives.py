"""Which incentive rules apply to a project on a site, which wins each instrument, and what it is worth.

A rule holds for the project when it is in force on the project's start and its project conditions hold
(sector class, capital, jobs, new project); those do not depend on the site, so they are checked once per
proposal. A rule then holds on a site when its province scope and area classes do. Within an instrument
the highest `level` wins (Decree 32/2024 Art. 25: the highest level applies); at equal level the larger
benefit, then the smaller code. The winners depend only on (province, area classes), so they are resolved
once per distinct pair, however many sites share it.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Mapping, NamedTuple

import numpy as np

from .model import Assumptions, Policy, Proposal

M2_PER_HA = 10_000


def sector_holds(required: str, project_classes: frozenset[str]) -> bool:
    """"any" asks for nothing; otherwise the project earns the class (SectorMap.sector_classes: special counts as incentive)."""
    return required == "any" or required in project_classes


def project_holds(policy: Policy, proposal: Proposal, project_classes: frozenset[str], start) -> bool:
    return (
        policy.in_force(start)
        and sector_holds(policy.sector_class, project_classes)
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


class Winners(NamedTuple):
    """The rules that hold on one (province, area classes): the winner of each instrument and whom it beat."""

    classes: frozenset[str]
    chosen: tuple[tuple[Policy, tuple[str, ...], float | None], ...]  # (rule, codes it beat, its measure or None)
    cit_share: float  # profit-years of tax saved (the CIT winner's measure), 0 without one
    rent_years: float  # years of rent saved (the land-rent winner's measure), 0 without one


class Resolver:
    """The winners per instrument for a project, cached per (province, zone kind, commune classes)."""

    def __init__(self, candidates: list[Policy], assumptions: Assumptions):
        measured = []
        for policy in candidates:
            measure = VALUED.get(policy.instrument)
            amount = None if measure is None else measure(policy.benefit, assumptions)
            measured.append((policy, amount, strength(policy, assumptions) if amount is None else amount))
        # Best first within an instrument: level, then the larger benefit, then the code.
        measured.sort(key=lambda item: (item[0].instrument, -item[0].level, -item[2], item[0].code))
        self.national = [(policy, amount) for policy, amount, _ in measured if policy.scope_province is None]
        self.by_province: dict[str, list[tuple[Policy, float | None]]] = defaultdict(list)
        for policy, amount, _ in measured:
            if policy.scope_province is not None:
                self.by_province[policy.scope_province].append((policy, amount))
        self.merged: dict[str, list[tuple[Policy, float | None]]] = {}
        self.order = {id(policy): n for n, (policy, _, _) in enumerate(measured)}
        self.cache: dict[tuple[str, str, frozenset[str]], Winners] = {}
        self.by_classes: dict[tuple[str, frozenset[str]], Winners] = {}
        self.table: tuple | None = None  # (columns, CIT shares, rent years, resolved) of the zones last asked

    def winners(self, site) -> Winners:
        key = (site.province, site.kind, site.area_classes)
        found = self.cache.get(key)
        return found if found is not None else self.winners_of(key, site.classes())

    def winners_of(self, key: tuple[str, str, frozenset[str]], classes: frozenset[str]) -> Winners:
        """The winners on a zone of this (province, kind, commune classes) key, whose area classes are `classes`."""
        found = self.cache.get(key)
        if found is None:
            province = key[0]
            found = self.by_classes.get((province, classes))
            if found is None:
                found = self.by_classes[province, classes] = self._resolve(province, classes)
            self.cache[key] = found
        return found

    def columns(self, columns) -> tuple:
        """Per incentive-area key of `columns` (engine.columns.Columns): the CIT share and the years of rent saved,
        NaN where not resolved yet, and whether it is; resolved keys are kept with the resolver."""
        found = self.table
        if found is None or found[0] is not columns:
            size = len(columns.keys)
            found = self.table = (columns, np.full(size, np.nan), np.full(size, np.nan), np.zeros(size, dtype=bool))
        return found[1:]

    def rules_for(self, province: str) -> list[tuple[Policy, float | None]]:
        """The national rules and the province's, best first within each instrument."""
        found = self.merged.get(province)
        if found is None:
            found = self.merged[province] = sorted(
                (*self.national, *self.by_province.get(province, ())), key=lambda item: self.order[id(item[0])]
            )
        return found

    def _resolve(self, province: str, classes: frozenset[str]) -> Winners:
        holding = [item for item in self.rules_for(province) if site_holds(item[0], province, classes)]
        chosen = []
        measures = {"cit": 0.0, "land_rent": 0.0}
        for instrument, group in itertools.groupby(holding, key=lambda item: item[0].instrument):
            (winner, amount), *rest = group
            if amount is not None:
                measures[instrument] = amount
            chosen.append((winner, tuple(policy.code for policy, _ in rest), amount))
        return Winners(classes, tuple(chosen), measures["cit"], measures["land_rent"])


def rent_per_m2_year(site, assumptions: Assumptions) -> tuple[float | None, str]:
    """The site's yearly rent in VND per m², and where it came from ("site", "price" or "unknown")."""
    if site.land_rent_vnd_m2_year is not None:
        return float(site.land_rent_vnd_m2_year), "site"
    if site.land_price_usd_m2 is not None and assumptions.vnd_per_usd:
        return site.land_price_usd_m2 * assumptions.vnd_per_usd / assumptions.lease_term_years, "price"
    return None, "unknown"
