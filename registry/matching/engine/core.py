"""match(): filter, value the incentives, score, rank; and reweigh() without matching again."""
from __future__ import annotations

import dataclasses
import gc
import math
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from .filters import Filters
from .incentives import M2_PER_HA, Resolver, Winners, project_holds, rent_per_m2_year
from .model import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    AppliedIncentive,
    Assumptions,
    Contribution,
    Exclusion,
    NOTHING,
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

    def __init__(
        self,
        proposal: Proposal,
        policies: Iterable[Policy],
        sector_map: SectorMap,
        on: date,
        assumptions: Assumptions,
        resolvers: dict | None = None,
    ):
        self.proposal, self.sector_map, self.on, self.assumptions = proposal, sector_map, on, assumptions
        self.start = project_start(proposal, on)
        self.sector_class = sector_map.sector_class(proposal.activity, proposal.catalog_codes)
        candidates = [policy for policy in policies if project_holds(policy, proposal, self.sector_class, self.start)]
        # Proposals whose conditions select the same rules share the winners (match_many).
        key = tuple(id(policy) for policy in candidates)
        resolvers = {} if resolvers is None else resolvers
        self.resolver = resolvers.get(key) or resolvers.setdefault(key, Resolver(candidates, assumptions))
        self.filters = Filters(proposal, sector_map)
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
        cit = self.valued(winners.cit_share, "cit", rent)
        land = self.valued(winners.rent_years, "land_rent", rent) or 0
        values = self.criteria.values(site, cit + land, rent)
        score = sum([value * scaled for value, scaled in zip(values, self.scaled_weights)])
        return score, values, cit, land, rent, source, winners

    def build(self, site: Site, rank: int, scored, detailed: bool) -> Match:
        score, values, cit, land, rent, source, winners = scored
        if not detailed:
            return Match(site.id, site.code, rank, round(score, 2), values, cit + land, land, cit, False, (), (), NOTHING)
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


@dataclass(frozen=True)
class Prepared:
    """Zones read once for many proposals: in the order given, and by province with the most free land first."""

    sites: tuple[Site, ...]
    by_province: Mapping[str, tuple[Site, ...]]

    def candidates(self, proposal: Proposal):
        """The zones that can pass the province and land filters (the others fail them)."""
        provinces = dict.fromkeys(proposal.provinces) if proposal.strict_provinces else self.by_province.keys()
        need = proposal.land_min_ha
        for province in provinces:
            for site in self.by_province.get(province, ()):
                if site.available_ha is None or site.available_ha < need:
                    break
                yield site


def prepare(sites: Iterable[Site]) -> Prepared:
    """Index the zones for match() and match_many(); worth keeping while the zones' data do not change."""
    sites = tuple(sites)
    by_province: dict[str, list[Site]] = defaultdict(list)
    for site in sites:
        by_province[site.province].append(site)
    return Prepared(
        sites,
        {
            province: tuple(sorted(group, key=lambda s: -s.available_ha if s.available_ha is not None else math.inf))
            for province, group in by_province.items()
        },
    )


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while matching.

    A match allocates thousands of small records that form no cycles; left on, the collector scans every
    live object again and again during one call (a third of its time on 3,000 zones). It runs as usual
    afterwards; a collector the caller had turned off stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def match(
    proposal: Proposal,
    sites: Iterable[Site] | Prepared,
    policies: Iterable[Policy],
    sector_map: SectorMap,
    on: date,
    *,
    assumptions: Assumptions | None = None,
    detail: int | None = None,
    explain: bool = True,
) -> Result:
    """Match one proposal against the sites: the ranked matches, the exclusions, what would change the answer.

    `detail` limits the matches that carry contributions, incentives and assumptions to the first so many
    (all by default; 0 none); the others keep their score, criteria values and the incentives' value.
    `explain=False` leaves out the exclusions and the what-ifs (the matches are the same), for batches;
    an empty answer is still explained.
    """
    with collector_paused():
        return _match(proposal, sites, policies, sector_map, on, assumptions, detail, explain, None)


def _match(proposal, sites, policies, sector_map, on, assumptions, detail, explain, _resolvers) -> Result:
    matcher = Matcher(proposal, policies, sector_map, on, assumptions or Assumptions(), _resolvers)
    failing = matcher.filters.failures
    found = []
    excluded: list[Exclusion] = []
    if explain or not isinstance(sites, Prepared):
        sites = sites.sites if isinstance(sites, Prepared) else list(sites)
        for site in sites:
            reasons = failing(site, not explain)
            if not reasons:
                found.append((matcher.score(site), site))
            elif explain:
                excluded.append(Exclusion(site.id, site.code, tuple(reasons)))
    else:
        for site in sites.candidates(proposal):
            if not failing(site, True):
                found.append((matcher.score(site), site))
        sites = sites.sites
    found.sort(key=lambda pair: rank_key(pair[0][0], pair[1].code, pair[1].id))
    matches = tuple(
        matcher.build(site, rank, scored, detail is None or rank <= detail) for rank, (scored, site) in enumerate(found, 1)
    )
    explanation = None
    if not matches:
        if not explain:
            excluded = [Exclusion(site.id, site.code, tuple(failing(site))) for site in sites]
        explanation = explain_empty(proposal, sites, excluded)
    excluded.sort(key=lambda e: (e.site_code, e.site_id))
    return Result(
        proposal=proposal,
        on=on,
        start=matcher.start,
        sector_class=matcher.sector_class,
        weights=matcher.weights,
        matches=matches,
        excluded=tuple(excluded) if explain else (),
        what_if=what_ifs(proposal, sites, excluded) if explain else (),
        explanation=explanation,
        assumptions=matcher.shared_assumptions(),
    )


def match_many(
    proposals: Iterable[Proposal],
    sites: Iterable[Site] | Prepared,
    policies: Iterable[Policy],
    sector_map: SectorMap,
    on: date,
    *,
    assumptions: Assumptions | None = None,
    detail: int | None = 0,
    explain: bool = False,
) -> list[Result]:
    """Match many proposals against the same zones and rules (reverse matching for the zone boards).

    The zones are indexed once, proposals that select the same rules share their winners, and by default
    no match is detailed and nothing but an empty answer is explained: each result ranks the same zones
    with the same scores as match() would.
    """
    prepared = sites if isinstance(sites, Prepared) else prepare(sites)
    policies = list(policies)
    assumptions = assumptions or Assumptions()
    resolvers: dict = {}
    results = []
    for proposal in proposals:
        with collector_paused():
            results.append(_match(proposal, prepared, policies, sector_map, on, assumptions, detail, explain, resolvers))
    return results


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
