"""The engine filters and scores all the zones at once, column by column; an investor gets exactly the answer the
zone-by-zone formulas of docs/matching.md give, zone by zone, to the last bit of every criterion."""
from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.matching.engine import Assumptions, Policy, Proposal, SectorMap, Site, match, project_start
from registry.matching.engine.core import points_of, weights_of
from registry.matching.engine.filters import Filters
from registry.matching.engine.incentives import M2_PER_HA, Resolver, project_holds, rent_per_m2_year
from registry.matching.engine.scoring import Criteria

TODAY = date(2026, 12, 1)
BN = 1_000_000_000
SECTORS = SectorMap(activities={"recycling_plant": "incentive", "waste_to_energy": "special"},
                    activity_kinds={"waste_to_energy": frozenset({"industrial_park", "economic_zone"})})
FX = Assumptions(vnd_per_usd=25_000)
RULES = [
    Policy(1, "cit-dbkk", "cit", {"rate": 10, "rate_years": 15, "exempt_years": 4, "reduce50_years": 9}, date(2025, 10, 1),
           area_classes=frozenset({"dbkk"}), level=30),
    Policy(2, "cit-kk", "cit", {"rate": 17, "rate_years": 10, "exempt_years": 2}, date(2025, 10, 1), area_classes=frozenset({"kk"}), level=20),
    Policy(3, "rent", "land_rent", {"exempt_rent_years": 3, "reduction_pct": 25}, date(2024, 8, 1), sector_class="incentive", level=10),
    Policy(4, "rent-ez", "land_rent", {"exempt_rent_years": 7}, date(2024, 8, 1), area_classes=frozenset({"economic_zone"}), level=15),
    Policy(5, "rent-51", "land_rent", {"whole_term": True}, date(2024, 1, 1), scope_province="51", area_classes=frozenset({"dbkk"}), level=40),
    Policy(6, "ccn", "budget_support", {"support_pct": 30}, date(2024, 5, 15), area_classes=frozenset({"industrial_cluster"})),
]

zones = st.builds(
    Site,
    id=st.integers(0, 10**6),
    code=st.text("ABCDEF", min_size=1, max_size=3),
    kind=st.sampled_from(["industrial_park", "industrial_cluster", "economic_zone", "recycling_cluster"]),
    status=st.sampled_from(["operating", "operating", "under_construction", "planned"]),
    province=st.sampled_from(["01", "48", "51", "52"]),
    area_classes=st.frozensets(st.sampled_from(["dbkk", "kk"]), max_size=1),
    available_ha=st.one_of(st.none(), st.floats(0, 200), st.integers(0, 200)),
    available_as_of=st.one_of(st.none(), st.dates(date(2022, 1, 1), date(2026, 12, 1))),
    land_price_usd_m2=st.one_of(st.none(), st.floats(1, 300)),
    land_rent_vnd_m2_year=st.one_of(st.none(), st.integers(0, 200_000)),
    wastewater_capacity_m3_day=st.one_of(st.none(), st.integers(0, 5000)),
    port_km=st.one_of(st.none(), st.floats(0, 300)),
    has_power=st.one_of(st.none(), st.booleans()),
    priority_groups=st.lists(st.sampled_from(["A", "C", "C2", "C21", "E"]), max_size=3, unique=True).map(tuple),
    nearby=st.dictionaries(st.sampled_from(["A", "C", "C2", "E"]), st.integers(0, 60), max_size=3),
)
proposals = st.builds(
    Proposal,
    activity=st.sampled_from(["recycling_plant", "waste_to_energy", "monitoring_services"]),
    catalog_codes=st.lists(st.sampled_from(["A", "C", "C2", "C21", "E1"]), max_size=3, unique=True).map(tuple),
    land_min_ha=st.floats(0.5, 150),
    land_max_ha=st.one_of(st.none(), st.floats(0.5, 300)),
    capital_vnd=st.sampled_from([0, 20 * BN, 400 * BN]),
    jobs=st.integers(0, 500),
    start_year=st.sampled_from([2025, 2027]),
    provinces=st.lists(st.sampled_from(["01", "48", "51", "52"]), max_size=2, unique=True).map(tuple),
    strict_provinces=st.booleans(),
    wastewater_m3_day=st.one_of(st.none(), st.integers(1, 3000)),
    port_within_km=st.one_of(st.none(), st.floats(0, 200)),
    needs_power=st.booleans(),
    required_kinds=st.lists(st.sampled_from(["industrial_park", "economic_zone"]), max_size=1).map(tuple),
    weights=st.dictionaries(st.sampled_from(["land_fit", "nearby", "land_cost", "province"]), st.floats(0, 100), max_size=2),
    margin=st.sampled_from([0.05, 0.1, 0.333]),
    revenue_vnd_year=st.sampled_from([0, 77 * BN, 300 * BN]),
)


def zone_by_zone(proposal: Proposal, sites: list[Site]):
    """Each zone on its own: what it fails (Filters.failures), else its winners, savings and Criteria.values."""
    filters, criteria = Filters(proposal, SECTORS), Criteria(proposal, FX, TODAY)
    classes = SECTORS.sector_classes(proposal.activity, proposal.catalog_codes)
    start = project_start(proposal, TODAY)
    resolver = Resolver([rule for rule in RULES if project_holds(rule, proposal, classes, start)], FX)
    weights = weights_of(proposal)
    matched, failed = [], {}
    for site in sites:
        failures = filters.failures(site)
        if failures:
            failed[site.id] = tuple(failures)
            continue
        winners = resolver.winners(site)
        rent, _source = rent_per_m2_year(site, FX)
        cit = round(winners.cit_share * proposal.revenue_vnd_year * proposal.margin)
        land = 0 if rent is None else round(winners.rent_years * proposal.land_min_ha * M2_PER_HA * rent)
        values = criteria.values(site, cit + land, rent)
        score = sum(points_of(values, weights))
        matched.append(((-score, site.code, site.id), (site.id, round(score, 2), values, cit, land)))
    return [row for _key, row in sorted(matched)], failed


@settings(max_examples=200, deadline=None)
@given(sites=st.lists(zones, max_size=30).map(lambda found: list({site.id: site for site in found}.values())), proposal=proposals)
def test_the_columns_give_every_zone_the_values_scores_and_reasons_of_the_zone_by_zone_formulas(sites, proposal):
    result = match(proposal, sites, RULES, SECTORS, TODAY, assumptions=FX, detail=3)
    matched, failed = zone_by_zone(proposal, sites)
    one_by_one = [result.matches[n] for n in range(len(result.matches))]  # each record written alone, before all are
    assert result.matches.site_ids == [row[0] for row in matched] and result.matches[:3] == tuple(one_by_one[:3])

    assert [(m.site_id, m.score, m.values, m.cit_savings_vnd, m.land_rent_savings_vnd) for m in result.matches] == matched
    assert one_by_one == list(result.matches) and [m.detailed for m in result.matches] == [m.rank <= 3 for m in result.matches]
    assert all(type(value) is float for m in result.matches for value in m.values)
    assert all(type(m.value_vnd) is int and m.value_vnd == m.cit_savings_vnd + m.land_rent_savings_vnd for m in result.matches)
    counts, shown = result.excluded.by_reason(2)
    assert counts == dict(sorted(Counter(reasons[0].code for reasons in failed.values()).items()))
    assert all(exclusion.reasons == failed[exclusion.site_id] for exclusion in shown)
    assert {e.site_id: e.reasons for e in result.excluded} == failed
    again = match(proposal, sites, RULES, SECTORS, TODAY, assumptions=FX, detail=3, explain=False)
    assert again.matches == result.matches
