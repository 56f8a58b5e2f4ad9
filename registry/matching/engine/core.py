"""match(): filter, value the incentives, score, rank; and reweigh() without matching again."""
from __future__ import annotations

import dataclasses
import gc
import math
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from typing import Iterable, Mapping, Sequence

import numpy as np

from .columns import Columns, clamp, per_value
from .filters import Filters
from .incentives import M2_PER_HA, Resolver, project_holds, rent_per_m2_year
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
from .scoring import LOG_NEARBY_FULL, WASTEWATER_HEADROOM, Criteria, related
from .scoring import clamp as scalar_clamp
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

    def scan(self, prepared: Prepared):
        """The hard filters of every zone as bits, then the eight criteria of those that pass, column by column.

        Returns the bits of what each zone fails (0: it passes) and, for the zones that pass, ranked: their
        indexes, scores, criteria values (rows in CRITERIA order), CIT and land-rent savings. The values are those
        of `Criteria.values`, with the same operations in the same order, element by element (the scores are the
        same to the last bit); highest score first, equal scores in zone-code order (the columns' order).
        """
        f, c, proposal, columns = self.filters, self.criteria, self.proposal, prepared.columns
        free = columns.free
        fixed = ~columns.leasing | np.isnan(free)
        if f.allowed is not None:
            fixed |= ~columns.kinds_in(f.allowed)
        mask = np.where(fixed, np.uint8(FIXED), np.uint8(0))
        if f.required:
            mask[~columns.kinds_in(f.required)] |= KINDS
        if f.provinces is not None:
            mask[~columns.provinces_in(f.provinces)] |= PROVINCES
        mask[free < f.need] |= LAND  # an unknown figure (NaN) compares false: it is FIXED already
        if f.wastewater is not None:
            mask[~(columns.capacity >= f.wastewater)] |= WASTEWATER  # unknown or short
        if f.port is not None:
            mask[~(columns.port <= f.port)] |= PORT  # unknown or too far
        if f.power:
            mask[~columns.power] |= POWER
        passing = np.flatnonzero(mask == 0)

        free = free[passing]
        low, high = c.low, c.high
        if high <= low:
            land_fit = np.ones(len(passing))
        else:
            land_fit = np.where(free >= high, 1.0, clamp(0.5 + 0.5 * (free - low) / (high - low)))

        cit_share, rent_years = self.winner_columns(columns, columns.key[passing])
        rent, land_cost, fresh = (column[passing] for column in (*prepared.rent_columns(self.assumptions), prepared.freshness(c)))
        cit = np.rint(cit_share * self.profit)
        land = np.where(np.isnan(rent), 0.0, np.rint(rent_years * self.area_m2 * rent))
        value_vnd = cit + land
        incentive = clamp(value_vnd / c.full_value) if c.full_value > 0 else np.zeros(len(passing))

        capacity, port = columns.capacity[passing], columns.port[passing]
        power = np.where(columns.power[passing], 1.0, 0.0)
        port_value = np.where(np.isnan(port), 0.0, clamp(1 - port / c.port_scale))
        ww_need, port_need, power_need = proposal.wastewater_m3_day, f.port, f.power
        if ww_need or port_need is not None or power_need:  # the mean of the items needed
            needed_items = bool(ww_need) + (port_need is not None) + bool(power_need)
            ww_value = clamp(np.where(np.isnan(capacity), 0.0, capacity) / (WASTEWATER_HEADROOM * ww_need)) if ww_need else 0.0
            infrastructure = (ww_value + (port_value if port_need is not None else 0.0) + (power if power_need else 0.0)) / needed_items
        else:
            infrastructure = (np.where(capacity > 0, 1.0, 0.0) + port_value + power) / 3

        values = (land_fit, incentive, infrastructure, self.priority_column(columns, passing), self.nearby_column(columns, passing),
                  land_cost, fresh, self.province_column(columns, passing))
        w = self.scaled_weights
        score = values[0] * w[0]
        for value, weight in zip(values[1:], w[1:]):
            score = score + value * weight
        order = np.argsort(-score, kind="stable")
        rows = np.column_stack(values)[order] if len(passing) else np.zeros((0, len(CRITERIA)))
        return mask, passing[order], score[order], rows, cit[order], land[order]

    def winner_columns(self, columns, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per zone of `keys`: the CIT winner's share of profit and the land-rent winner's years, resolved once per key."""
        cit, rent, known = self.resolver.columns(columns)
        needed = np.unique(keys)
        for key in needed[~known[needed]].tolist():
            winners = self.resolver.winners_of(columns.keys[key], columns.key_classes[key])
            cit[key], rent[key], known[key] = winners.cit_share, winners.rent_years, True
        return cit[keys], rent[keys]

    def priority_column(self, columns, rows: np.ndarray) -> np.ndarray:
        """`Criteria.priority`: the mean over the proposal's codes of each one's best fit with the zone's groups."""
        codes = self.criteria.codes
        if not codes or not columns.groups:
            return np.zeros(len(rows))
        member = columns.priority[rows]
        total = 0
        for code in codes:
            fit = np.array([related(code, group) for group in columns.groups])
            total = total + np.where(member, fit, 0.0).max(axis=1)
        return total / len(codes)

    def nearby_column(self, columns, rows: np.ndarray) -> np.ndarray:
        """`nearby`: log(1 + enterprises of the proposal's groups nearby) on its fixed scale, per distinct count."""
        codes = self.criteria.codes
        fits = np.array([any(related(code, group) for code in codes) for group in columns.near_groups], dtype=bool)
        if not fits.any():
            return np.zeros(len(rows))
        counts = columns.near[rows][:, fits].sum(axis=1)
        return per_value(counts, lambda count: scalar_clamp(math.log1p(count) / LOG_NEARBY_FULL) if count else 0.0)

    def province_column(self, columns, rows: np.ndarray) -> np.ndarray:
        preferred = self.criteria.provinces
        if not preferred:
            return np.ones(len(rows))
        return np.where(columns.provinces_in(preferred)[rows], 1.0, 0.0)

    def headlines(self, columns, rows: np.ndarray) -> list[str]:
        """The first reason `Filters.failures` gives for each zone of `rows` (each fails something), column by column."""
        f = self.filters
        checks = [(~columns.leasing, "zone_status")]
        if f.allowed is not None:
            checks.append((~columns.kinds_in(f.allowed), "kind_not_allowed"))
        if f.required:
            checks.append((~columns.kinds_in(f.required), "kind_not_wanted"))
        if f.provinces is not None:
            checks.append((~columns.provinces_in(f.provinces), "province_not_preferred"))
        free = columns.free
        checks += [(np.isnan(free), "land_unknown"), (free < f.need, "land_short")]
        if f.wastewater is not None:
            checks += [(np.isnan(columns.capacity), "wastewater_unknown"), (columns.capacity < f.wastewater, "wastewater_short")]
        if f.port is not None:
            checks += [(np.isnan(columns.port), "port_unknown"), (columns.port > f.port, "port_far")]
        if f.power:
            checks += [(columns.power_unknown, "power_unknown"), (~columns.power, "no_power")]
        names = ("",) + tuple(code for _, code in checks)
        first = np.zeros(columns.size, dtype=np.intp)
        for number in range(len(checks), 0, -1):  # the last check first, so the first one that fails stays
            first = np.where(checks[number - 1][0], number, first)
        return [names[number] for number in first[rows].tolist()]

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
    """Zones read once for many calls: in zone-code order, as columns (`engine.columns.Columns`).

    What depends on a zone and on no proposal is worked out here once: its incentive-area key, whether it leases
    land, the values of the criteria that read only the zone (rent and land cost per `Assumptions`, freshness per
    day), and the rules' winners per (rule set, area key); they are kept with the zones, a bounded few of each.
    """

    def __init__(self, sites: Iterable[Site]):
        self.sites: tuple[Site, ...] = tuple(sorted(sites, key=lambda s: (s.code, s.id)))
        self.id_column = np.array([site.id for site in self.sites], dtype=object)
        self.code_column = np.array([site.code for site in self.sites], dtype=object)
        self.columns = Columns(self.sites)
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
                found.append((rent, source, 0.0 if rent is None else scalar_clamp(1 - rent / ceiling)))
            return tuple(found)

        return self.keep("rents", assumptions, make)

    def rent_columns(self, assumptions: Assumptions) -> tuple[np.ndarray, np.ndarray]:
        """`rents` as two columns: the rent (NaN where unknown) and the land-cost value."""
        def make():
            rents = self.rents(assumptions)
            return (np.array([math.nan if rent is None else rent for rent, _, _ in rents], dtype=np.float64),
                    np.array([value for _, _, value in rents], dtype=np.float64))

        return self.keep("rent columns", assumptions, make)

    def freshness(self, criteria: Criteria) -> np.ndarray:
        return self.keep("freshness", criteria.on, lambda: np.array([criteria.freshness(site.available_as_of) for site in self.sites],
                                                                    dtype=np.float64))


def prepare(sites: Iterable[Site]) -> Prepared:
    """Index the zones for match() and match_many(); worth keeping while the zones' data do not change."""
    return Prepared(sites)


class Exclusions(Sequence):
    """The zones left out, each with every requirement it failed, by zone code; built when first read.

    Finding which zones fail is cheap (a few comparisons each); writing out every reason of thousands of zones is
    not, and a caller showing the first few per reason should not pay for the rest.
    """

    def __init__(self, filters: Filters, sites: list[Site], headlines=None):
        """`headlines`, when given, returns the first reason's code of each of `sites` (worked out for all at once)."""
        self._filters, self._sites, self._items, self._headlines = filters, sites, None, headlines

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
        elif self._headlines is not None:
            headlines = list(zip(self._headlines(), self._sites))
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


class Matches(Sequence):
    """The ranked matches: those in detail built at once, the others (thousands for a broad proposal) as columns,
    written out as `Match` records when first read.

    A caller showing the first twenty and counting the rest should not pay for a record per zone; `site_ids`
    gives every match's zone in rank order without them. It compares equal to the tuple of its records.
    """

    def __init__(self, detailed: list[Match], ids, codes, scores, rows, cit, land):
        self._head = tuple(detailed)
        self._rest = (ids, codes, scores, rows, cit, land)
        self._items: tuple[Match, ...] | None = None if len(ids) else self._head

    def _built(self) -> tuple[Match, ...]:
        if self._items is None:
            ids, codes, scores, rows, cit, land = self._rest
            first = len(self._head) + 1
            self._items = self._head + tuple(map(
                Match, ids.tolist(), codes.tolist(), range(first, first + len(ids)), [round(score, 2) for score in scores.tolist()],
                map(tuple, rows.tolist()), (cit + land).tolist(), land.tolist(), cit.tolist()))
        return self._items

    @property
    def site_ids(self) -> list[int]:
        """Every match's zone id, in rank order."""
        return [match.site_id for match in self._head] + self._rest[0].tolist()

    def __len__(self) -> int:
        return len(self._head) + len(self._rest[0])

    def __getitem__(self, index):
        head = self._head
        if self._items is None:
            if isinstance(index, slice):
                start, stop, step = index.indices(len(self))
                if stop <= len(head):
                    return head[index]
            elif 0 <= index < len(self):
                return head[index] if index < len(head) else self._record(index - len(head))
        return self._built()[index]

    def _record(self, at: int) -> Match:
        """The record of the `at`-th match past the detailed ones, alone."""
        ids, codes, scores, rows, cit, land = self._rest
        saved_cit, saved_land = int(cit[at]), int(land[at])
        return Match(ids[at], codes[at], len(self._head) + at + 1, round(float(scores[at]), 2), tuple(rows[at].tolist()),
                     saved_cit + saved_land, saved_land, saved_cit)

    def __iter__(self):
        return iter(self._built())

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self._built())

    def __repr__(self) -> str:
        return f"Matches({len(self)} zones, {len(self._head)} in detail)"


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
    mask, ranked, scores, rows, cit, land = matcher.scan(prepared)
    sites, rents, keys = prepared.sites, prepared.rents(matcher.assumptions), prepared.columns.key
    shown = len(ranked) if detail is None else min(detail, len(ranked))
    matches = [matcher.build(sites[index], rank, (score, tuple(values), saved_cit, saved_land, *rents[index][:2],
                                                     matcher.resolver.cache[prepared.columns.keys[keys[index]]]), True)
               for rank, index, score, values, saved_cit, saved_land in zip(
                   range(1, shown + 1), ranked[:shown].tolist(), scores[:shown].tolist(), rows[:shown].tolist(),
                   cit[:shown].astype(np.int64).tolist(), land[:shown].astype(np.int64).tolist())]
    rest = ranked[shown:]
    matches = Matches(matches, prepared.id_column[rest], prepared.code_column[rest], scores[shown:], rows[shown:],
                      cit[shown:].astype(np.int64), land[shown:].astype(np.int64))
    explanation = None
    excluded: Sequence[Exclusion] = ()
    what_if: tuple = ()
    if explain:
        failing = np.flatnonzero(mask)
        excluded = Exclusions(matcher.filters, [sites[index] for index in failing.tolist()],
                              lambda: matcher.headlines(prepared.columns, failing))
        bits = mask[failing]
        alone = (bits & (bits - 1)) == 0
        blocked: dict[str, list[Site]] = {}
        for bit, requirement in REQUIREMENT_OF_BIT.items():
            found = failing[alone & (bits == bit)]
            if len(found):
                blocked[requirement] = [sites[index] for index in found.tolist()]
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
