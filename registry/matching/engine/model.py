"""The engine's input and output: frozen, plain data (docs/matching.md describes every field).

Reasons are codes with parameters, never text: `Reason("land_short", {"free": 12.0, "as_of": date(2025, 6, 1),
"need": 40.0})` compares equal to the plain tuple. The pages and the API translate them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple

INSTRUMENTS = ("cit", "land_rent", "import_duty", "budget_support", "relocation", "technology_transfer", "credit")
SECTOR_CLASSES = ("special", "incentive")  # strongest first
AREA_CLASSES = ("dbkk", "kk", "economic_zone", "industrial_park", "high_tech_park", "industrial_cluster")

# The zone kinds of registry.zones.models.ZoneKind, and the incentive area class each one is.
KIND_AREA_CLASS = {
    "economic_zone": "economic_zone",
    "border_gate_economic_zone": "economic_zone",
    "industrial_park": "industrial_park",
    "high_tech_park": "high_tech_park",
    "industrial_cluster": "industrial_cluster",
    "recycling_cluster": "industrial_cluster",
    "eco_cluster": "industrial_cluster",
}

NOTHING: Mapping[str, Any] = MappingProxyType({})  # the shared empty mapping of records without detail

# Zones that lease land now or while they are built; a planned zone has nothing to lease yet.
LEASING_STATUSES = ("operating", "under_construction")

CRITERIA = ("land_fit", "incentive_value", "infrastructure", "priority_fit", "nearby", "land_cost", "freshness", "province")

# The default weights (docs/matching.md): they sum to 100, so a criterion's weight is its share of the score.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "land_fit": 20.0,
    "incentive_value": 20.0,
    "infrastructure": 15.0,
    "priority_fit": 15.0,
    "nearby": 10.0,
    "land_cost": 10.0,
    "freshness": 5.0,
    "province": 5.0,
}


def _as(record, kind: type, *names: str) -> None:
    """Let callers pass lists and sets: store them as tuples or frozensets, so records stay hashable keys."""
    for name in names:
        value = getattr(record, name)
        if type(value) is not kind:
            object.__setattr__(record, name, kind(value))


class Reason(NamedTuple):
    """Why: a code and its parameters (numbers, dates, codes), translated by the pages and the API."""

    code: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Proposal:
    """An investor's project, as the engine needs it."""

    activity: str
    catalog_codes: tuple[str, ...] = ()
    land_min_ha: float = 1.0
    land_max_ha: float | None = None
    capital_vnd: int = 0
    jobs: int = 0
    start_year: int = 2026
    new_project: bool = True
    provinces: tuple[str, ...] = ()
    strict_provinces: bool = False
    wastewater_m3_day: int | None = None
    port_within_km: float | None = None
    needs_power: bool = False
    required_kinds: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=dict)  # criterion -> weight; missing ones take the default
    margin: float = 0.10  # assumed profit margin on revenue, changeable by the investor
    revenue_vnd_year: int = 0  # assumed yearly revenue once operating

    def __post_init__(self):
        _as(self, tuple, "catalog_codes", "provinces", "required_kinds")

    def weight(self, criterion: str) -> float:
        return float(self.weights.get(criterion, DEFAULT_WEIGHTS[criterion]))


@dataclass(frozen=True)
class Site:
    """One zone, as the caller read it; `area_classes` and `nearby` are filled by the caller."""

    id: int
    code: str
    name: str = ""
    kind: str = "industrial_park"
    status: str = "operating"
    province: str = ""
    commune: str | None = None
    area_classes: frozenset[str] = frozenset()  # "dbkk"/"kk" of the commune on the start date
    available_ha: float | None = None
    available_as_of: date | None = None
    land_price_usd_m2: float | None = None  # for the lease term
    land_rent_vnd_m2_year: int | None = None
    wastewater_capacity_m3_day: int | None = None
    port_km: float | None = None
    has_power: bool | None = None
    priority_groups: tuple[str, ...] = ()
    nearby: Mapping[str, int] = field(default_factory=dict)  # catalog group -> registry enterprises nearby
    lat: float | None = None
    lon: float | None = None

    def __post_init__(self):
        _as(self, frozenset, "area_classes")
        _as(self, tuple, "priority_groups")

    def classes(self) -> frozenset[str]:
        """The incentive area classes of the site: its commune's and its zone kind's."""
        return classes_of(self.kind, self.area_classes)


def classes_of(kind: str, area_classes: frozenset[str]) -> frozenset[str]:
    """The incentive area classes of a zone of this kind in a commune of these classes."""
    kind_class = KIND_AREA_CLASS.get(kind)
    return area_classes | {kind_class} if kind_class else area_classes


@dataclass(frozen=True)
class Policy:
    """One incentive rule as data. `benefit` keys by instrument are in docs/matching.md (rates in per cent)."""

    id: int
    code: str
    instrument: str
    benefit: Mapping[str, Any]
    effective_from: date
    effective_to: date | None = None
    scope_province: str | None = None  # None: national
    level: int = 0  # precedence: the higher level wins within an instrument (Decree 32/2024 Art. 25)
    sector_class: str = "any"  # "special", "incentive" or "any"
    area_classes: frozenset[str] = frozenset()  # any one of them; empty: any area
    min_capital_vnd: int | None = None
    min_jobs: int | None = None
    new_project_only: bool = False
    legal_basis: str = ""
    article: str = ""
    confidence: str = ""

    def __post_init__(self):
        _as(self, frozenset, "area_classes")

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class SectorMap:
    """How a proposal's activity and catalog codes map to an incentive-sector class.

    `catalog` keys are catalog codes or groups: a proposal code falls under every key it starts with ("C2.1"
    under "C2" and "C"). `activity_kinds` limits the zone kinds an activity may go to (missing: any kind).
    """

    activities: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)  # activity -> class(es)
    catalog: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)  # code or group -> class(es)
    activity_kinds: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def sector_classes(self, activity: str, codes: tuple[str, ...] = ()) -> frozenset[str]:
        """Every class the activity and the codes earn, a special-incentive sector also counting as an incentive one.

        Besides "special" and "incentive", a class may name a sector line that a rule asks for by name (a rule
        for "cit_listed" holds for the sectors the CIT law lists, whatever their investment-law class).
        """
        found: set[str] = set()
        for value in (self.activities.get(activity), *(cls for code in codes for key, cls in self.catalog.items() if code.startswith(key))):
            if value:
                found.update((value,) if isinstance(value, str) else value)
        if "special" in found:
            found.add("incentive")
        return frozenset(found)

    def sector_class(self, activity: str, codes: tuple[str, ...] = ()) -> str | None:
        """The strongest class the activity or any code earns: "special", "incentive" or None."""
        found = self.sector_classes(activity, codes)
        return next((cls for cls in SECTOR_CLASSES if cls in found), None)


@dataclass(frozen=True)
class Assumptions:
    """What the ten-year estimate assumes besides the proposal's margin and revenue; all returned with it."""

    vnd_per_usd: float | None = None  # to turn a land price in USD into rent; None: price-only rents stay unknown
    lease_term_years: int = 50  # a USD/m² land price is for the lease term: rent per year = price / term
    horizon_years: int = 10
    standard_cit_pct: float = 20.0
    rent_ceiling_vnd_m2_year: int = 150_000  # the land-cost scale: this rent or more scores 0


@dataclass(frozen=True)
class Contribution:
    """One criterion of a match: its value on the criterion's fixed scale (0–1), weight, points and why."""

    criterion: str
    value: float
    weight: float
    points: float  # value × weight / Σ weights × 100
    reason: Reason


@dataclass(frozen=True)
class AppliedIncentive:
    """The rule that won its instrument under precedence, what it is worth, and the rules it beat."""

    instrument: str
    policy_id: int
    policy_code: str
    level: int
    benefit: Mapping[str, Any]
    legal_basis: str
    article: str
    confidence: str
    value_vnd: int  # over the horizon; 0 where the engine does not value the instrument
    valued: bool
    beaten: tuple[str, ...] = ()  # codes of the rules of the same instrument that held but lost


class Match(NamedTuple):
    """One zone that passed every hard filter.

    Every match has its score, the criteria's `values` (CRITERIA order, each 0–1) and the incentives' value;
    the matches shown in detail (the first `detail` of match(), all by default) also carry each criterion's
    contribution with its reason, the incentives that apply and the site's assumptions. A named tuple, not a
    dataclass: a broad proposal admits thousands of zones, and a tuple is built in a fraction of the time.
    """

    site_id: int
    site_code: str
    rank: int
    score: float  # 0–100, rounded to 0.01
    values: tuple[float, ...]
    value_vnd: int  # the incentives' estimated value over the horizon
    land_rent_savings_vnd: int
    cit_savings_vnd: int
    detailed: bool = False
    contributions: tuple[Contribution, ...] = ()
    incentives: tuple[AppliedIncentive, ...] = ()
    assumptions: Mapping[str, Any] = NOTHING


@dataclass(frozen=True)
class Exclusion:
    """A zone left out, with every hard requirement it failed (the first is the headline)."""

    site_id: int
    site_code: str
    reasons: tuple[Reason, ...]

    @property
    def reason(self) -> str:
        return self.reasons[0].code

    @property
    def params(self) -> Mapping[str, Any]:
        return self.reasons[0].params


@dataclass(frozen=True)
class WhatIf:
    """The smallest change to one hard requirement that admits more zones.

    `requirement` names the proposal field, `value` the changed value, `admits` how many more zones qualify
    with it (zones that failed only this requirement), `site_ids` which; `steps` gives further values,
    each with the total it admits: ((30.0, 3), (20.0, 5)).
    """

    requirement: str
    current: Any
    value: Any
    admits: int
    site_ids: tuple[int, ...]
    steps: tuple[tuple[Any, int], ...] = ()


@dataclass(frozen=True)
class Result:
    proposal: Proposal
    on: date
    start: date
    sector_class: str | None
    weights: Mapping[str, float]
    matches: tuple[Match, ...]
    excluded: tuple[Exclusion, ...]
    what_if: tuple[WhatIf, ...]
    explanation: Reason | None  # why the answer is empty; None when something matched
    assumptions: Mapping[str, Any]


@dataclass(frozen=True)
class WeightChange:
    """How the top of the ranking moves when one weight changes: ranks before and after, 1 first."""

    criterion: str
    weight_before: float
    weight_after: float
    top_before: tuple[int, ...]
    top_after: tuple[int, ...]
    moves: tuple[tuple[int, int, int], ...]  # (site id, rank before, rank after) of every site in either top
