"""match(): filter, value the incentives, score, rank; and reweigh() without matching again."""
from __future__ import annotations

import dataclasses
from datetime import date
from typing import Iterable, Mapping

from .filters import failures
from .incentives import M2_PER_HA, Resolver, Winners, project_holds, rent_per_m2_year
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
    Result,
    SectorMap,
    Site,
    WeightChange,
)
from .scoring import Criteria
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


def scaled_weights(weights: Mapping[str, float]) -> tuple[float, ...]:
    """Each criterion's weight × 100 / Σ weights, in CRITERIA order: the points a value of 1 earns."""
    total = sum(weights.values())
    scale = 100 / total if total else 0.0
    return tuple(weights[criterion] * scale for criterion in CRITERIA)


def points_of(values: tuple[float, ...], weights: Mapping[str, float]) -> tuple[float, ...]:
    """Each criterion's points: value × weight × 100 / Σ weights; the score is their sum."""
    return tuple(value * scaled for value, scaled in zip(values, scaled_weights(weights)))


def contributions_of(values, reasons, weights) -> tuple[Contribution, ...]:
    return tuple(
        Contribution(criterion, value, weights[criterion], points, reason)
        for criterion, value, points, reason in zip(CRITERIA, values, points_of(values, weights), reasons)
    )


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
        self.scaled_weights = scaled_weights(self.weights)
        self.criteria = Criteria(proposal, assumptions, on)
        self.area_m2 = proposal.land_min_ha * M2_PER_HA
        self.profit = proposal.revenue_vnd_year * proposal.margin

    def valued(self, amount: float | None, instrument: str, rent: float | None) -> int | None:
        """An instrument's value in VND over the horizon, or None where the engine cannot value it."""
        if amount is None:
            return None
        if instrument == "cit":
            return round(amount * self.profit)
        return None if rent is None else round(amount * self.area_m2 * rent)

    def score(self, site: Site) -> tuple[float, tuple[float, ...], int, int, float | None, str, Winners]:
        """The fast path: score, criteria values, CIT and land-rent savings, rent and its source, the winners."""
        rent, source = rent_per_m2_year(site, self.assumptions)
        winners = self.resolver.winners(site)
        cit = round(winners.cit_share * self.profit)
        land = round(winners.rent_years * self.area_m2 * rent) if rent is not None else 0
        values = self.criteria.values(site, cit + land, rent)
        score = sum([value * scaled for value, scaled in zip(values, self.scaled_weights)])
        return score, values, cit, land, rent, source, winners

    def build(self, site: Site, rank: int, scored, detailed: bool) -> Match:
        score, values, cit, land, rent, source, winners = scored
        if not detailed:
            return Match(site.id, site.code, rank, round(score, 2), values, cit + land, land, cit)
        applied = []
        for policy, beaten, amount in winners.chosen:
            value = self.valued(amount, policy.instrument, rent)
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
                    value_vnd=value or 0,
                    valued=value is not None,
                    beaten=beaten,
                )
            )
        reasons = self.criteria.reasons(site, cit + land, rent, source)
        return Match(
            site_id=site.id,
            site_code=site.code,
            rank=rank,
            score=round(score, 2),
            values=values,
            value_vnd=cit + land,
            land_rent_savings_vnd=land,
            cit_savings_vnd=cit,
            detailed=True,
            contributions=contributions_of(values, reasons, self.weights),
            incentives=tuple(applied),
            assumptions={
                "area_ha": self.proposal.land_min_ha,
                "rent_vnd_m2_year": None if rent is None else round(rent),
                "rent_source": source,
                "area_classes": tuple(sorted(winners.classes)),
            },
        )

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


def rank_key(score: float, site_code: str, site_id: int) -> tuple:
    """Highest score first; equal scores by zone code, then id (a stable key)."""
    return (-score, site_code, site_id)


def match(
    proposal: Proposal,
    sites: Iterable[Site],
    policies: Iterable[Policy],
    sector_map: SectorMap,
    on: date,
    *,
    assumptions: Assumptions | None = None,
    detail: int | None = None,
) -> Result:
    """Match one proposal against the sites: the ranked matches, the exclusions, what would change the answer.

    `detail` limits the matches that carry contributions, incentives and assumptions to the first so many
    (all by default); the others keep their score, criteria values and the incentives' value.
    """
    sites = list(sites)
    matcher = Matcher(proposal, policies, sector_map, on, assumptions or Assumptions())
    found = []
    excluded: list[Exclusion] = []
    for site in sites:
        reasons = failures(proposal, site, sector_map)
        if reasons:
            excluded.append(Exclusion(site.id, site.code, tuple(reasons)))
        else:
            found.append((matcher.score(site), site))
    found.sort(key=lambda pair: rank_key(pair[0][0], pair[1].code, pair[1].id))
    matches = tuple(
        matcher.build(site, rank, scored, detail is None or rank <= detail) for rank, (scored, site) in enumerate(found, 1)
    )
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
        points = points_of(m.values, weights)
        changed = {"score": round(sum(points), 2)}
        if m.detailed:
            changed["contributions"] = contributions_of(m.values, [c.reason for c in m.contributions], weights)
        rescored.append((sum(points), m, changed))
    rescored.sort(key=lambda item: rank_key(item[0], item[1].site_code, item[1].site_id))
    matches = tuple(dataclasses.replace(m, rank=rank, **changed) for rank, (_, m, changed) in enumerate(rescored, 1))
    return dataclasses.replace(result, proposal=proposal, weights=weights, matches=matches)


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
