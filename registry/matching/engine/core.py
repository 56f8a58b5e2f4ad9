"""match(): filter, value the incentives, score, rank; and reweigh() without matching again."""
from __future__ import annotations

import dataclasses
from datetime import date
from typing import Iterable, Mapping

from . import scoring
from .filters import failures
from .incentives import M2_PER_HA, VALUED, Resolver, project_holds, rent_per_m2_year
from .model import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    AppliedIncentive,
    Assumptions,
    Contribution,
    Exclusion,
    Match,
    Policy,
    Proposal,
    Reason,
    Result,
    SectorMap,
    Site,
    WeightChange,
)
from .whatif import explain_empty, what_ifs


def project_start(proposal: Proposal, on: date) -> date:
    """The day the rules are read on: 1 January of the start year, or today if that has passed."""
    return max(on, date(proposal.start_year, 1, 1))


def weights_of(proposal: Proposal) -> dict[str, float]:
    unknown = set(proposal.weights) - set(CRITERIA)
    if unknown:
        raise ValueError(f"unknown criteria: {sorted(unknown)}")
    weights = {criterion: proposal.weight(criterion) for criterion in CRITERIA}
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("weights must not be negative")
    return weights


def scored(values: Mapping[str, tuple[float, Reason]], weights: Mapping[str, float]) -> tuple[float, tuple[Contribution, ...]]:
    """The 0–100 score and each criterion's points: Σ value × weight / Σ weights × 100."""
    total = sum(weights.values())
    contributions = tuple(
        Contribution(
            criterion=criterion,
            value=value,
            weight=weights[criterion],
            points=value * weights[criterion] / total * 100 if total else 0.0,
            reason=reason,
        )
        for criterion, (value, reason) in values.items()
    )
    return sum(c.points for c in contributions), contributions


class Matcher:
    """One proposal's matching: what does not depend on the site is worked out once."""

    def __init__(self, proposal: Proposal, policies: Iterable[Policy], sector_map: SectorMap, on: date, assumptions: Assumptions):
        self.proposal, self.sector_map, self.on, self.assumptions = proposal, sector_map, on, assumptions
        self.start = project_start(proposal, on)
        self.sector_class = sector_map.sector_class(proposal.activity, proposal.catalog_codes)
        self.resolver = Resolver(
            [policy for policy in policies if project_holds(policy, proposal, self.sector_class, self.start)], assumptions
        )
        self.weights = weights_of(proposal)
        self.area_m2 = proposal.land_min_ha * M2_PER_HA
        self.profit = proposal.revenue_vnd_year * proposal.margin

    def incentives(self, site: Site, rent: float | None) -> tuple[AppliedIncentive, ...]:
        applied = []
        for policy, beaten in self.resolver.winners(site.province, site.classes()):
            measure = VALUED.get(policy.instrument)
            base = self.profit if policy.instrument == "cit" else (rent * self.area_m2 if rent is not None else None)
            valued = measure is not None and base is not None
            applied.append(
                AppliedIncentive(
                    instrument=policy.instrument,
                    policy_id=policy.id,
                    policy_code=policy.code,
                    level=policy.level,
                    benefit=policy.benefit,
                    legal_basis=policy.legal_basis,
                    article=policy.article,
                    confidence=policy.confidence,
                    value_vnd=round(measure(policy.benefit, self.assumptions) * base) if valued else 0,
                    valued=valued,
                    beaten=beaten,
                )
            )
        return tuple(applied)

    def evaluate(self, site: Site) -> tuple[float, Match]:
        proposal = self.proposal
        rent, source = rent_per_m2_year(site, self.assumptions)
        applied = self.incentives(site, rent)
        land_savings = sum(a.value_vnd for a in applied if a.instrument == "land_rent")
        cit_savings = sum(a.value_vnd for a in applied if a.instrument == "cit")
        value = land_savings + cit_savings
        values = {
            "land_fit": scoring.land_fit(proposal, site),
            "incentive_value": scoring.incentive_value(proposal, value),
            "infrastructure": scoring.infrastructure(proposal, site),
            "priority_fit": scoring.priority_fit(proposal, site),
            "nearby": scoring.nearby(proposal, site),
            "land_cost": scoring.land_cost(rent, source, self.assumptions),
            "freshness": scoring.freshness(site, self.on),
            "province": scoring.province(proposal, site),
        }
        score, contributions = scored(values, self.weights)
        match = Match(
            site_id=site.id,
            site_code=site.code,
            rank=0,
            score=round(score, 2),
            contributions=contributions,
            incentives=applied,
            value_vnd=value,
            land_rent_savings_vnd=land_savings,
            cit_savings_vnd=cit_savings,
            assumptions={
                "area_ha": proposal.land_min_ha,
                "rent_vnd_m2_year": None if rent is None else round(rent),
                "rent_source": source,
                "area_classes": tuple(sorted(site.classes())),
            },
        )
        return score, match

    def shared_assumptions(self) -> dict:
        a = self.assumptions
        return {
            "horizon_years": a.horizon_years,
            "standard_cit_pct": a.standard_cit_pct,
            "margin": self.proposal.margin,
            "revenue_vnd_year": self.proposal.revenue_vnd_year,
            "profit_vnd_year": round(self.profit),
            "profitable_from_year": 1,
            "discounted": False,
            "vnd_per_usd": a.vnd_per_usd,
            "lease_term_years": a.lease_term_years,
            "area_ha": self.proposal.land_min_ha,
            "start": self.start,
        }


def ranked(scored_matches: list[tuple[float, Match]]) -> tuple[Match, ...]:
    """Highest score first; equal scores by zone code, then id (a stable key)."""
    ordered = sorted(scored_matches, key=lambda pair: (-pair[0], pair[1].site_code, pair[1].site_id))
    return tuple(dataclasses.replace(match, rank=rank) for rank, (_, match) in enumerate(ordered, 1))


def match(
    proposal: Proposal,
    sites: Iterable[Site],
    policies: Iterable[Policy],
    sector_map: SectorMap,
    on: date,
    *,
    assumptions: Assumptions | None = None,
) -> Result:
    """Match one proposal against the sites: the ranked matches, the exclusions, what would change the answer."""
    sites = list(sites)
    matcher = Matcher(proposal, policies, sector_map, on, assumptions or Assumptions())
    found: list[tuple[float, Match]] = []
    excluded: list[Exclusion] = []
    for site in sites:
        reasons = failures(proposal, site, sector_map)
        if reasons:
            excluded.append(Exclusion(site.id, site.code, tuple(reasons)))
        else:
            found.append(matcher.evaluate(site))
    matches = ranked(found)
    excluded.sort(key=lambda e: (e.site_code, e.site_id))
    return Result(
        proposal=proposal,
        on=on,
        start=matcher.start,
        sector_class=matcher.sector_class,
        weights=matcher.weights,
        matches=matches,
        excluded=tuple(excluded),
        what_if=what_ifs(proposal, sites, excluded),
        explanation=None if matches else explain_empty(proposal, sites, excluded),
        assumptions=matcher.shared_assumptions(),
    )


def reweigh(result: Result, criterion: str, weight: float) -> Result:
    """The same result with one weight changed: every score and the order recomputed from the contributions."""
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion: {criterion}")
    proposal = dataclasses.replace(result.proposal, weights={**result.proposal.weights, criterion: weight})
    weights = weights_of(proposal)
    rescored = []
    for m in result.matches:
        score, contributions = scored({c.criterion: (c.value, c.reason) for c in m.contributions}, weights)
        rescored.append((score, dataclasses.replace(m, score=round(score, 2), contributions=contributions)))
    return dataclasses.replace(result, proposal=proposal, weights=weights, matches=ranked(rescored))


def weight_change(result: Result, criterion: str, weight: float, top: int = 3) -> WeightChange:
    """How the first `top` places move when `criterion` weighs `weight` instead."""
    after = reweigh(result, criterion, weight)
    before_rank = {m.site_id: m.rank for m in result.matches}
    after_rank = {m.site_id: m.rank for m in after.matches}
    top_before = tuple(m.site_id for m in result.matches[:top])
    top_after = tuple(m.site_id for m in after.matches[:top])
    shown = sorted(set(top_before) | set(top_after), key=lambda site_id: (after_rank[site_id], before_rank[site_id]))
    return WeightChange(
        criterion=criterion,
        weight_before=result.weights.get(criterion, DEFAULT_WEIGHTS[criterion]),
        weight_after=float(weight),
        top_before=top_before,
        top_after=top_after,
        moves=tuple((site_id, before_rank[site_id], after_rank[site_id]) for site_id in shown),
    )
