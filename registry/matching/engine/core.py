"""match(): filter, value the incentives, score, rank; and reweigh() without matching again."""
from __future__ import annotations

import dataclasses
import gc
import math
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from typing import Iterable, Mapping, Sequence

from .filters import Filters
from .incentives import M2_PER_HA, Resolver, project_holds, rent_per_m2_year
from .model import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    AppliedIncentive,
    Assumptions,
    Contribution,
    Exclusion,
    LEASING_STATUSES,
    Match,
    Policy,
    Proposal,
    Result,
    SectorMap,
    Site,
    WeightChange,
)
from .scoring import LOG_NEARBY_FULL, WASTEWATER_HEADROOM, Criteria, clamp, related
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
        prepared: Prepared | None = None,
    ):
        self.proposal, self.sector_map, self.on, self.assumptions = proposal, sector_map, on, assumptions
        self.start = project_start(proposal, on)
        self.sector_class = sector_map.sector_class(proposal.activity, proposal.catalog_codes)
        self.sector_classes = sector_map.sector_classes(proposal.activity, proposal.catalog_codes)
        candidates = [policy for policy in policies if project_holds(policy, proposal, self.sector_classes, self.start)]
        # Proposals whose conditions select the same rules share the winners; the rules are kept with them, so
        # their ids stay theirs while the key is kept.
        key = (assumptions, tuple(id(policy) for policy in candidates))
        make = lambda: (candidates, Resolver(candidates, assumptions))  # noqa: E731
        self.resolver = (prepared.keep("winners", key, make) if prepared is not None else make())[1]
        self.filters = Filters(proposal, sector_map)
        self.weights = weights_of(proposal)
        self.scaled_weights = scaled_weights(self.weights)
        self.criteria = Criteria(proposal, assumptions, on)
        self.area_m2 = proposal.land_min_ha * M2_PER_HA
        self.profit = proposal.revenue_vnd_year * proposal.margin

    def scan(self, rows, indexes, rents, fresh, explain: bool):
        """The hard filters and the fast path of every zone of `indexes`, in one loop over the prepared columns.

        Returns the matches as sortable (−score, code, id, index, scored) and, when explaining, the failing zones as
        (index, bits of the requirements failed) in zone-code order. The values are those of `Criteria.values`,
        computed with the same operations in the same order (so the scores are the same to the last bit).
        """
        f, c, proposal = self.filters, self.criteria, self.proposal
        allowed, required, strict, need = f.allowed, f.required or None, f.provinces, f.need
        ww_need, port_need, power_need = f.wastewater, f.port, f.power
        low, high, full_value, preferred = c.low, c.high, c.full_value, c.provinces
        port_scale = c.port_scale
        needs_any = bool(proposal.wastewater_m3_day) or port_need is not None or power_need
        ww_scale = WASTEWATER_HEADROOM * proposal.wastewater_m3_day if proposal.wastewater_m3_day else None
        needed_items = (ww_scale is not None) + (port_need is not None) + bool(power_need)
        w0, w1, w2, w3, w4, w5, w6, w7 = self.scaled_weights
        winners_of, cache = self.resolver.winners, self.resolver.cache
        fit, fits_of, related_cache, codes = c.priority, c.fit_cache, c.related_cache, c.codes
        log1p = math.log1p
        profit, area_m2, log_full = self.profit, self.area_m2, LOG_NEARBY_FULL
        found, failing = [], []
        for index in indexes:
            site, leasing, kind, province, free, capacity, port, power, groups, near, key = rows[index]
            mask = 0
            if not leasing or (allowed is not None and kind not in allowed) or free is None:
                mask = FIXED
            if required is not None and kind not in required:
                mask |= KINDS
            if strict is not None and province not in strict:
                mask |= PROVINCES
            if free is not None and free < need:
                mask |= LAND
            if ww_need is not None and (capacity is None or capacity < ww_need):
                mask |= WASTEWATER
            if port_need is not None and (port is None or port > port_need):
                mask |= PORT
            if power_need and power is not True:
                mask |= POWER
            if mask:
                if explain:
                    failing.append((index, mask))
                continue
            rent, source, land_cost = rents[index]
            winners = cache.get(key) or winners_of(site)
            cit = round(winners.cit_share * profit)
            land = 0 if rent is None else round(winners.rent_years * area_m2 * rent) or 0
            value_vnd = cit + land
            if port is None:
                port_value = 0.0
            else:
                port_value = 1 - port / port_scale
                port_value = 0.0 if port_value < 0 else 1.0 if port_value > 1 else port_value
            power_value = 1.0 if power else 0.0
            if needs_any:  # the mean of the items needed; an item not needed adds 0.0, which changes no sum
                if ww_scale is not None:
                    ww_value = (capacity or 0) / ww_scale
                    ww_value = 0.0 if ww_value < 0 else 1.0 if ww_value > 1 else ww_value
                else:
                    ww_value = 0.0
                infrastructure = (ww_value + (port_value if port_need is not None else 0.0)
                                  + (power_value if power_need else 0.0)) / needed_items
            else:
                infrastructure = ((1.0 if (capacity or 0) > 0 else 0.0) + port_value + power_value) / 3
            count = 0
            for group, n in near:
                fits = related_cache.get(group)
                if fits is None:
                    fits = related_cache[group] = any(related(code, group) for code in codes)
                if fits:
                    count += n
            priority = fits_of.get(groups)
            if priority is None:
                priority = fit(groups)
            values = (
                1.0 if high <= low or free >= high else clamp(0.5 + 0.5 * (free - low) / (high - low)),
                (clamp(value_vnd / full_value) if full_value > 0 else 0.0),
                infrastructure,
                priority[0],
                clamp(log1p(count) / log_full) if count else 0.0,
                land_cost,
                fresh[index],
                1.0 if not preferred or province in preferred else 0.0,
            )
            v0, v1, v2, v3, v4, v5, v6, v7 = values
            score = v0 * w0 + v1 * w1 + v2 * w2 + v3 * w3 + v4 * w4 + v5 * w5 + v6 * w6 + v7 * w7
            found.append((-score, site.code, site.id, index, (score, values, cit, land, rent, source, winners)))
        return found, failing

    def valued(self, amount: float | None, instrument: str, rent: float | None) -> int | None:
        """An instrument's value in VND over the horizon, or None where the engine cannot value it."""
        if amount is None:
            return None
        if instrument == "cit":
            return round(amount * self.profit)
        return None if rent is None else round(amount * self.area_m2 * rent)

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


# The bits of what a zone fails, by the requirement the investor can change (FIXED: none can).
FIXED, KINDS, PROVINCES, LAND, WASTEWATER, PORT, POWER = 1, 2, 4, 8, 16, 32, 64
REQUIREMENT_OF_BIT = {KINDS: "required_kinds", PROVINCES: "provinces", LAND: "land_min_ha", WASTEWATER: "wastewater_m3_day",
                      PORT: "port_within_km", POWER: "needs_power"}
KEPT_ENTRIES = 256  # per kind of kept value (rents per assumptions, freshness per day, winners per rule set)


class Prepared:
    """Zones read once for many calls: by zone code, by province with the most free land first, and their columns.

    What depends on a zone and on no proposal is worked out here once: its incentive-area key, whether it leases
    land, the values of the criteria that read only the zone (rent and land cost per `Assumptions`, freshness per
    day), and the rules' winners per (rule set, area key); they are kept with the zones, a bounded few of each.
    """

    def __init__(self, sites: Iterable[Site]):
        self.sites: tuple[Site, ...] = tuple(sorted(sites, key=lambda s: (s.code, s.id)))
        by_province: dict[str, list[int]] = defaultdict(list)
        rows = []
        for index, site in enumerate(self.sites):
            by_province[site.province].append(index)
            rows.append((
                site, site.status in LEASING_STATUSES, site.kind, site.province, site.available_ha, site.wastewater_capacity_m3_day,
                site.port_km, site.has_power, site.priority_groups, tuple(site.nearby.items()), (site.province, site.kind, site.area_classes),
            ))
        self.rows = tuple(rows)
        free = [site.available_ha for site in self.sites]
        self.by_province: Mapping[str, tuple[int, ...]] = {
            province: tuple(sorted(group, key=lambda i: -free[i] if free[i] is not None else math.inf))
            for province, group in by_province.items()
        }
        self.kept: dict[str, dict] = defaultdict(dict)

    def keep(self, kind: str, key, make):
        found = self.kept[kind]
        value = found.get(key)
        if value is None:
            if len(found) >= KEPT_ENTRIES:
                found.clear()
            value = found[key] = make()
        return value

    def rents(self, assumptions: Assumptions) -> tuple:
        """Per zone: (rent VND/m²/year or None, its source, the land-cost value), for these assumptions."""
        ceiling = assumptions.rent_ceiling_vnd_m2_year

        def make():
            found = []
            for site in self.sites:
                rent, source = rent_per_m2_year(site, assumptions)
                found.append((rent, source, 0.0 if rent is None else clamp(1 - rent / ceiling)))
            return tuple(found)

        return self.keep("rents", assumptions, make)

    def freshness(self, criteria: Criteria) -> tuple[float, ...]:
        return self.keep("freshness", criteria.on, lambda: tuple(criteria.freshness(site.available_as_of) for site in self.sites))

    def candidates(self, proposal: Proposal):
        """The zones' indexes that can pass the province and land filters (the others fail them)."""
        provinces = dict.fromkeys(proposal.provinces) if proposal.strict_provinces else self.by_province.keys()
        need = proposal.land_min_ha
        free = self.rows
        for province in provinces:
            for index in self.by_province.get(province, ()):
                available = free[index][4]
                if available is None or available < need:
                    break
                yield index


def prepare(sites: Iterable[Site]) -> Prepared:
    """Index the zones for match() and match_many(); worth keeping while the zones' data do not change."""
    return Prepared(sites)


class Exclusions(Sequence):
    """The zones left out, each with every requirement it failed, by zone code; built when first read.

    Finding which zones fail is cheap (a few comparisons each); writing out every reason of thousands of zones is
    not, and a caller showing the first few per reason should not pay for the rest.
    """

    def __init__(self, filters: Filters, sites: list[Site]):
        self._filters, self._sites, self._items = filters, sites, None

    @classmethod
    def of(cls, exclusions: Iterable[Exclusion]) -> Exclusions:
        """Exclusions already written out (a caller's own list)."""
        found = cls(None, [])
        found._items = tuple(exclusions)
        found._sites = found._items
        return found

    def _built(self) -> tuple[Exclusion, ...]:
        if self._items is None:
            failures = self._filters.failures
            self._items = tuple(Exclusion(site.id, site.code, tuple(failures(site))) for site in self._sites)
        return self._items

    def __len__(self) -> int:
        return len(self._sites)

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self):
        return iter(self._built())

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and tuple(self) == tuple(other)

    def __repr__(self) -> str:
        return f"Exclusions({len(self)} zones)"

    def by_reason(self, limit: int) -> tuple[dict[str, int], list[Exclusion]]:
        """How many zones each headline reason left out, and the first `limit` of each (by zone code) in full.

        Only the zones kept are written out with every reason; the others are only counted.
        """
        if self._items is not None:
            headlines = [(exclusion.reason, exclusion) for exclusion in self._items]
        else:
            failures = self._filters.failures
            headlines = [(failures(site, True)[0].code, site) for site in self._sites]
        counts: dict[str, int] = defaultdict(int)
        kept = []
        for code, item in headlines:
            counts[code] += 1
            if counts[code] <= limit:
                kept.append(item if isinstance(item, Exclusion) else Exclusion(item.id, item.code, tuple(self._filters.failures(item))))
        return dict(sorted(counts.items())), kept


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
    prepared = sites if isinstance(sites, Prepared) else prepare(sites)
    with collector_paused():
        return _match(proposal, prepared, policies, sector_map, on, assumptions, detail, explain)


def _match(proposal, prepared: Prepared, policies, sector_map, on, assumptions, detail, explain) -> Result:
    matcher = Matcher(proposal, policies, sector_map, on, assumptions or Assumptions(), prepared)
    rows = prepared.rows
    indexes = range(len(rows)) if explain else prepared.candidates(proposal)
    found, failing = matcher.scan(rows, indexes, prepared.rents(matcher.assumptions), prepared.freshness(matcher.criteria), explain)
    found.sort()
    sites = prepared.sites
    matches = tuple(
        matcher.build(sites[index], rank, scored, detail is None or rank <= detail)
        for rank, (*_, index, scored) in enumerate(found, 1)
    )
    explanation = None
    excluded: Sequence[Exclusion] = ()
    what_if: tuple = ()
    if explain:
        excluded = Exclusions(matcher.filters, [sites[index] for index, _ in failing])
        blocked: dict[str, list[Site]] = defaultdict(list)
        for index, mask in failing:
            if mask & (mask - 1) == 0 and mask != FIXED:
                blocked[REQUIREMENT_OF_BIT[mask]].append(sites[index])
        what_if = what_ifs(proposal, blocked)
    if not matches:
        if not explain:
            excluded = Exclusions(matcher.filters, list(sites))
        explanation = explain_empty(proposal, sites, excluded)
        if not explain:
            excluded = ()
    return Result(
        proposal=proposal,
        on=on,
        start=matcher.start,
        sector_class=matcher.sector_class,
        weights=matcher.weights,
        matches=matches,
        excluded=excluded,
        what_if=what_if,
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
    results = []
    for proposal in proposals:
        with collector_paused():
            results.append(_match(proposal, prepared, policies, sector_map, on, assumptions, detail, explain))
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
    matches = tuple(m._replace(rank=rank, **changed) for rank, (_, m, changed) in enumerate(rescored, 1))
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
