"""The matching engine as an investor meets it: a project against zones and incentive rules, plain data in and out."""
from __future__ import annotations

import dataclasses
import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.matching.engine import (
    DEFAULT_WEIGHTS,
    Assumptions,
    Policy,
    Proposal,
    SectorMap,
    Site,
    match,
    match_many,
    prepare,
    reweigh,
    weight_change,
)

TODAY = date(2026, 12, 1)
BN = 1_000_000_000
RECYCLING = SectorMap(activities={"recycling_plant": "incentive"})
FX = Assumptions(vnd_per_usd=25_000)


def recycler(**changes) -> Proposal:
    defaults = dict(activity="recycling_plant", catalog_codes=("C2",), land_min_ha=10, capital_vnd=400 * BN, start_year=2027)
    return Proposal(**{**defaults, **changes})


def zone(id: int, code: str, **changes) -> Site:
    defaults = dict(province="51", available_ha=50.0, available_as_of=date(2026, 9, 1), has_power=True)
    return Site(id, code, **{**defaults, **changes})


def rule(id: int, code: str, instrument: str, benefit: dict, **changes) -> Policy:
    return Policy(id, code, instrument, benefit, **{"effective_from": date(2024, 1, 1), **changes})


def codes(result) -> list[str]:
    return [m.site_code for m in result.matches]


# The worked example of docs/matching.md, zone by zone and rule by rule.
WORKED_RULES = [
    rule(1, "cit-dbkk", "cit", {"rate": 10, "rate_years": 15, "exempt_years": 4, "reduce50_years": 9},
         effective_from=date(2025, 10, 1), area_classes={"dbkk"}, level=30),
    rule(2, "cit-kk", "cit", {"rate": 17, "rate_years": 10, "exempt_years": 2, "reduce50_years": 4},
         effective_from=date(2025, 10, 1), area_classes={"kk"}, level=20),
    rule(3, "rent-incentive", "land_rent", {"exempt_rent_years": 3}, effective_from=date(2024, 8, 1), sector_class="incentive", level=10),
    rule(4, "rent-incentive-kk", "land_rent", {"exempt_rent_years": 11}, effective_from=date(2024, 8, 1),
         sector_class="incentive", area_classes={"kk"}, level=20),
    rule(5, "rent-incentive-dbkk", "land_rent", {"exempt_rent_years": 15}, effective_from=date(2024, 8, 1),
         sector_class="incentive", area_classes={"dbkk"}, level=30),
]
WORKED_ZONES = [
    Site(1, "QN-CCN-1", kind="industrial_cluster", province="51", area_classes={"dbkk"}, available_ha=25,
         available_as_of=date(2026, 9, 1), land_rent_vnd_m2_year=40_000, wastewater_capacity_m3_day=3000, has_power=True,
         priority_groups=("C",), nearby={"C2": 3}),
    Site(2, "QN-KCN-2", kind="industrial_park", province="51", area_classes={"kk"}, available_ha=15,
         available_as_of=date(2026, 3, 1), land_price_usd_m2=120, wastewater_capacity_m3_day=1500, has_power=True,
         port_km=30, priority_groups=("A", "C2"), nearby={"C2": 20}),
    Site(3, "GL-KCN-3", kind="industrial_park", province="52", available_ha=40, available_as_of=date(2025, 6, 1),
         land_rent_vnd_m2_year=30_000, wastewater_capacity_m3_day=5000, has_power=True),
    Site(4, "DT-KKT-4", kind="economic_zone", province="82", available_ha=8, available_as_of=date(2025, 6, 1),
         land_rent_vnd_m2_year=30_000, wastewater_capacity_m3_day=5000, has_power=True),
    Site(5, "DT-KCN-5", kind="industrial_park", province="82", available_ha=12, available_as_of=date(2026, 6, 1),
         wastewater_capacity_m3_day=600, has_power=True),
]
WORKED_PROPOSAL = recycler(land_max_ha=20, jobs=150, provinces=("51",), wastewater_m3_day=1000, needs_power=True,
                           margin=0.10, revenue_vnd_year=200 * BN)


def test_the_worked_example_of_docs_matching():
    result = match(WORKED_PROPOSAL, WORKED_ZONES, WORKED_RULES, RECYCLING, TODAY, assumptions=FX)

    first, second, third = result.matches
    assert [(m.site_code, m.score) for m in result.matches] == [("QN-CCN-1", 86.69), ("QN-KCN-2", 84.53), ("GL-KCN-3", 47.79)]
    assert (first.cit_savings_vnd, first.land_rent_savings_vnd, first.value_vnd) == (34 * BN, 40 * BN, 74 * BN)
    assert (second.cit_savings_vnd, second.land_rent_savings_vnd) == (19_600_000_000, 60 * BN)
    assert (third.cit_savings_vnd, third.land_rent_savings_vnd) == (0, 9 * BN)
    assert second.assumptions["rent_vnd_m2_year"] == 60_000 and second.assumptions["rent_source"] == "price"

    by_rule = {a.policy_code: a.beaten for a in first.incentives}
    assert by_rule == {"cit-dbkk": (), "rent-incentive-dbkk": ("rent-incentive",)}
    assert {a.policy_code: a.beaten for a in second.incentives} == {"cit-kk": (), "rent-incentive-kk": ("rent-incentive",)}

    hand = {
        "QN-CCN-1": [1, 0.74, 1, 1, math.log(4) / math.log(21), 1 - 40 / 150, 1, 1],
        "QN-KCN-2": [0.75, 0.796, 0.875, 1, 1, 0.6, 1 - 95 / 915, 1],
        "GL-KCN-3": [1, 0.09, 1, 0, 0, 0.8, 1 - 368 / 915, 0],
    }
    for m in result.matches:
        assert [c.value for c in m.contributions] == pytest.approx(hand[m.site_code])
        assert sum(c.points for c in m.contributions) == pytest.approx(m.score, abs=0.005)

    assert [(e.site_code, e.reasons) for e in result.excluded] == [
        ("DT-KCN-5", (("wastewater_short", {"capacity": 600, "need": 1000}),)),
        ("DT-KKT-4", (("land_short", {"free": 8, "as_of": date(2025, 6, 1), "need": 10}),)),
    ]
    assert [(w.requirement, w.current, w.value, w.admits) for w in result.what_if] == [
        ("land_min_ha", 10, 8, 1),
        ("wastewater_m3_day", 1000, 600, 1),
    ]

    heavier = reweigh(result, "nearby", 30)
    assert [(m.site_code, m.score) for m in heavier.matches] == [("QN-KCN-2", 87.1), ("QN-CCN-1", 79.83), ("GL-KCN-3", 39.82)]
    moved = weight_change(result, "nearby", 30)
    assert moved.top_before == (1, 2, 3) and moved.top_after == (2, 1, 3)

    empty = match(recycler(land_min_ha=300), WORKED_ZONES, WORKED_RULES, RECYCLING, TODAY)
    assert empty.matches == ()
    assert empty.explanation.code == "no_match"
    assert {k: empty.explanation.params[k] for k in ("need", "largest_free", "largest_site_code", "largest_as_of")} == {
        "need": 300, "largest_free": 40, "largest_site_code": "GL-KCN-3", "largest_as_of": date(2025, 6, 1),
    }


def test_a_recycler_gets_the_zones_with_enough_land_and_hears_why_the_others_are_out():
    proposal = recycler(land_min_ha=40)
    roomy = zone(1, "KCN-A", available_ha=60)
    cramped = zone(2, "KKT-DQ", available_ha=12, available_as_of=date(2025, 6, 1))
    unknown = zone(3, "CCN-X", available_ha=None)

    result = match(proposal, [roomy, cramped, unknown], [], RECYCLING, TODAY)

    assert codes(result) == ["KCN-A"]
    assert 0 <= result.matches[0].score <= 100
    reasons = {e.site_code: e.reasons for e in result.excluded}
    assert reasons["KKT-DQ"] == (("land_short", {"free": 12, "as_of": date(2025, 6, 1), "need": 40}),)
    assert reasons["CCN-X"] == (("land_unknown", {"need": 40}),)


def test_every_hard_requirement_a_zone_fails_is_named_with_its_figures():
    proposal = recycler(provinces=("51",), strict_provinces=True, wastewater_m3_day=500, port_within_km=50, needs_power=True,
                        required_kinds=("recycling_cluster",))
    rules = SectorMap(activities={"recycling_plant": "incentive"}, activity_kinds={"recycling_plant": frozenset({"recycling_cluster", "industrial_park"})})
    zones = [
        zone(1, "PLANNED", kind="recycling_cluster", status="planned", wastewater_capacity_m3_day=900, port_km=10),
        zone(2, "HTP", kind="high_tech_park", province="48", wastewater_capacity_m3_day=None, port_km=None, has_power=None),
        zone(3, "FAR", kind="recycling_cluster", wastewater_capacity_m3_day=100, port_km=80, has_power=False),
        zone(4, "GOOD", kind="recycling_cluster", wastewater_capacity_m3_day=900, port_km=10),
    ]

    result = match(proposal, zones, [], rules, TODAY)

    assert codes(result) == ["GOOD"]
    reasons = {e.site_code: [r.code for r in e.reasons] for e in result.excluded}
    assert reasons == {
        "PLANNED": ["zone_status"],
        "HTP": ["kind_not_allowed", "kind_not_wanted", "province_not_preferred", "wastewater_unknown", "port_unknown", "power_unknown"],
        "FAR": ["wastewater_short", "port_far", "no_power"],
    }
    far = {r.code: r.params for r in next(e for e in result.excluded if e.site_code == "FAR").reasons}
    assert far["wastewater_short"] == {"capacity": 100, "need": 500}
    assert far["port_far"] == {"km": 80, "within_km": 50}
    assert next(e for e in result.excluded if e.site_code == "PLANNED").params == {
        "status": "planned", "allowed": ("operating", "under_construction")
    }


def test_a_preference_that_is_not_strict_keeps_other_provinces_but_ranks_them_lower():
    proposal = recycler(provinces=("51",))
    result = match(proposal, [zone(1, "B-ELSEWHERE", province="48"), zone(2, "A-HOME", province="51")], [], RECYCLING, TODAY)

    assert codes(result) == ["A-HOME", "B-ELSEWHERE"]
    assert result.matches[0].score - result.matches[1].score == pytest.approx(DEFAULT_WEIGHTS["province"], abs=0.01)


def test_under_precedence_the_highest_level_wins_each_instrument_and_the_rules_it_beat_are_named():
    rules = [
        rule(1, "national-rent-3", "land_rent", {"exempt_rent_years": 3}, level=10),
        rule(2, "province-rent-7", "land_rent", {"exempt_rent_years": 7}, level=20, scope_province="51"),
        rule(3, "other-province-rent-15", "land_rent", {"exempt_rent_years": 15}, level=40, scope_province="48"),
        rule(4, "duty", "import_duty", {"exempt_years": 5}, level=5),
    ]
    result = match(recycler(), [zone(1, "KCN-51", land_rent_vnd_m2_year=50_000)], rules, RECYCLING, TODAY)

    applied = {a.instrument: a for a in result.matches[0].incentives}
    assert applied["land_rent"].policy_code == "province-rent-7"
    assert applied["land_rent"].beaten == ("national-rent-3",)
    assert applied["land_rent"].value_vnd == 7 * 100_000 * 50_000
    assert applied["import_duty"].valued is False and applied["import_duty"].value_vnd == 0


def test_at_equal_level_the_larger_benefit_wins_then_the_smaller_code():
    rules = [
        rule(1, "b-rent-5", "land_rent", {"exempt_rent_years": 5}, level=10),
        rule(2, "a-rent-5", "land_rent", {"exempt_rent_years": 5}, level=10),
        rule(3, "c-rent-3", "land_rent", {"exempt_rent_years": 3}, level=10),
    ]
    applied = match(recycler(), [zone(1, "Z", land_rent_vnd_m2_year=1)], rules, RECYCLING, TODAY).matches[0].incentives
    assert [(a.policy_code, a.beaten) for a in applied] == [("a-rent-5", ("b-rent-5", "c-rent-3"))]


def test_a_park_location_alone_earns_location_cit_only_for_projects_starting_before_1_october_2025():
    """FACTS §5.3: the rule is data; its end date keeps it from projects starting later."""
    park_cit = rule(1, "cit-park-old", "cit", {"rate": 17, "exempt_years": 2, "reduce50_years": 4},
                    area_classes={"industrial_park"}, effective_from=date(2014, 2, 15), effective_to=date(2025, 9, 30))
    park = zone(1, "KCN", kind="industrial_park")
    proposal = recycler(revenue_vnd_year=100 * BN)

    early = match(dataclasses.replace(proposal, start_year=2025), [park], [park_cit], RECYCLING, date(2025, 3, 1))
    late = match(dataclasses.replace(proposal, start_year=2026), [park], [park_cit], RECYCLING, date(2025, 3, 1))

    assert [a.policy_code for a in early.matches[0].incentives] == ["cit-park-old"]
    assert early.start == date(2025, 3, 1)
    assert late.matches[0].incentives == () and late.start == date(2026, 1, 1)


def test_a_rule_holds_only_when_the_project_meets_its_conditions():
    sectors = SectorMap(catalog={"E": "special", "C": "incentive"})
    rules = [
        rule(1, "special-only", "credit", {}, sector_class="special"),
        rule(2, "big-capital", "budget_support", {"support_pct": 30}, min_capital_vnd=1000 * BN),
        rule(3, "many-jobs", "relocation", {}, min_jobs=500),
        rule(4, "new-only", "technology_transfer", {}, new_project_only=True),
        rule(5, "incentive-sector", "import_duty", {"exempt_years": 5}, sector_class="incentive"),
    ]
    site = [zone(1, "Z")]

    def applied(**changes):
        result = match(recycler(activity="other", **changes), site, rules, sectors, TODAY)
        return sorted(a.policy_code for a in result.matches[0].incentives)

    assert applied(catalog_codes=("C2",), new_project=False) == ["incentive-sector"]
    assert applied(catalog_codes=("E1", "C2"), capital_vnd=1000 * BN, jobs=500) == [
        "big-capital", "incentive-sector", "many-jobs", "new-only", "special-only"
    ]
    assert applied(catalog_codes=("G",)) == ["new-only"]


def test_the_zones_commune_and_kind_are_its_area_classes():
    rules = [
        rule(1, "ez-only", "land_rent", {"exempt_rent_years": 11}, area_classes={"economic_zone"}),
        rule(2, "cluster-only", "land_rent", {"exempt_rent_years": 7}, area_classes={"industrial_cluster"}),
    ]
    zones = [zone(1, "BORDER-EZ", kind="border_gate_economic_zone"), zone(2, "ECO", kind="eco_cluster"), zone(3, "KCN")]
    result = match(recycler(), zones, rules, RECYCLING, TODAY)

    winners = {m.site_code: [a.policy_code for a in m.incentives] for m in result.matches}
    assert winners == {"BORDER-EZ": ["ez-only"], "ECO": ["cluster-only"], "KCN": []}


def test_the_investor_changes_the_margin_and_the_tax_saving_follows_with_every_assumption_shown():
    cit = rule(1, "cit-dbkk", "cit", {"rate": 10, "rate_years": 15, "exempt_years": 4, "reduce50_years": 9}, area_classes={"dbkk"})
    site = [zone(1, "Z", area_classes={"dbkk"})]

    thin = match(recycler(revenue_vnd_year=100 * BN, margin=0.05), site, [cit], RECYCLING, TODAY)
    fat = match(recycler(revenue_vnd_year=100 * BN, margin=0.20), site, [cit], RECYCLING, TODAY)

    assert thin.matches[0].cit_savings_vnd == round(1.7 * 5 * BN)
    assert fat.matches[0].cit_savings_vnd == round(1.7 * 20 * BN)
    assert fat.assumptions["margin"] == 0.20 and fat.assumptions["profit_vnd_year"] == 20 * BN
    assert fat.assumptions["standard_cit_pct"] == 20.0 and fat.assumptions["horizon_years"] == 10
    assert fat.assumptions["discounted"] is False


def test_rent_comes_from_the_price_only_with_an_exchange_rate_and_an_unknown_rent_is_not_valued():
    rent = rule(1, "rent-7", "land_rent", {"exempt_rent_years": 7})
    priced = [zone(1, "PRICED", land_price_usd_m2=100)]

    with_rate = match(recycler(), priced, [rent], RECYCLING, TODAY, assumptions=Assumptions(vnd_per_usd=25_000, lease_term_years=50))
    without = match(recycler(), priced, [rent], RECYCLING, TODAY)

    assert with_rate.matches[0].assumptions["rent_vnd_m2_year"] == 50_000
    assert with_rate.matches[0].land_rent_savings_vnd == 7 * 100_000 * 50_000
    assert with_rate.assumptions["vnd_per_usd"] == 25_000 and with_rate.assumptions["lease_term_years"] == 50
    applied = without.matches[0].incentives[0]
    assert (applied.valued, applied.value_vnd) == (False, 0)
    assert without.matches[0].assumptions["rent_source"] == "unknown"


def test_a_partial_rent_reduction_and_a_whole_term_exemption_are_valued_over_ten_years():
    site = [zone(1, "Z", land_rent_vnd_m2_year=10_000)]
    area_rent = 100_000 * 10_000
    reduced = match(recycler(), site, [rule(1, "r", "land_rent", {"exempt_rent_years": 4, "reduction_pct": 50})], RECYCLING, TODAY)
    whole = match(recycler(), site, [rule(1, "w", "land_rent", {"whole_term": True})], RECYCLING, TODAY)

    assert reduced.matches[0].land_rent_savings_vnd == (4 + 6 * 0.5) * area_rent
    assert whole.matches[0].land_rent_savings_vnd == 10 * area_rent


def test_with_30_ha_instead_of_40_three_more_zones_qualify():
    zones = [zone(1, "BIG", available_ha=45)] + [
        zone(i, f"Z{i}", available_ha=ha) for i, ha in [(2, 30), (3, 35), (4, 30), (5, 20), (6, 10)]
    ] + [zone(7, "BOTH", available_ha=36, has_power=False)]

    result = match(recycler(land_min_ha=40, needs_power=True), zones, [], RECYCLING, TODAY)

    land = next(w for w in result.what_if if w.requirement == "land_min_ha")
    assert (land.current, land.value, land.admits, land.site_ids) == (40, 35, 1, (3,))
    assert land.steps == ((35, 1), (30, 3), (20, 4))
    assert all(w.requirement != "needs_power" or w.admits == 0 for w in result.what_if)  # BOTH fails two requirements


def test_what_would_admit_more_zones_for_provinces_kinds_port_and_power():
    zones = [
        zone(1, "IN", wastewater_capacity_m3_day=1000, port_km=5),
        zone(2, "QT-1", province="46", port_km=5),
        zone(3, "QT-2", province="46", port_km=5),
        zone(4, "DN", province="48", port_km=5),
        zone(5, "PORT-40", port_km=40),
        zone(6, "PORT-?", port_km=None),
        zone(7, "DARK", has_power=False, port_km=5),
    ]
    proposal = recycler(provinces=("51",), strict_provinces=True, port_within_km=20, needs_power=True)

    what_if = {w.requirement: w for w in match(proposal, zones, [], RECYCLING, TODAY).what_if}

    assert (what_if["provinces"].value, what_if["provinces"].admits) == (("51", "46"), 2)
    assert what_if["provinces"].steps == ((("51", "46"), 2), (("51", "48"), 3))
    assert (what_if["port_within_km"].value, what_if["port_within_km"].admits) == (40, 1)
    assert what_if["port_within_km"].steps == ((40, 1), (None, 2))
    assert (what_if["needs_power"].value, what_if["needs_power"].site_ids) == (False, (7,))


def test_a_proposal_that_matches_nothing_is_explained():
    zones = [zone(1, "SMALL", available_ha=120, available_as_of=date(2025, 6, 1)), zone(2, "TINY", available_ha=5)]
    result = match(recycler(land_min_ha=300), zones, [], RECYCLING, TODAY)

    assert result.matches == ()
    assert result.explanation == (
        "no_match",
        {"need": 300, "largest_free": 120, "largest_site_id": 1, "largest_site_code": "SMALL",
         "largest_as_of": date(2025, 6, 1), "zones": 2, "by_reason": {"land_short": 2}},
    )
    assert match(recycler(), [], [], RECYCLING, TODAY).explanation == ("no_sites", {})
    assert match(recycler(), zones, [], RECYCLING, TODAY).explanation is None


def test_equal_scores_are_ordered_by_zone_code_whatever_order_the_zones_came_in():
    twins = [zone(3, "KCN-C"), zone(1, "KCN-B"), zone(2, "KCN-A")]
    assert codes(match(recycler(), twins, [], RECYCLING, TODAY)) == ["KCN-A", "KCN-B", "KCN-C"]
    assert codes(match(recycler(), twins[::-1], [], RECYCLING, TODAY)) == ["KCN-A", "KCN-B", "KCN-C"]


def test_only_the_first_matches_carry_detail_and_their_scores_do_not_depend_on_it():
    zones = [zone(i, f"Z{i:02d}", available_ha=10 + i) for i in range(1, 11)]
    full = match(recycler(land_max_ha=30), zones, [], RECYCLING, TODAY)
    short = match(recycler(land_max_ha=30), zones, [], RECYCLING, TODAY, detail=3)

    assert [(m.site_id, m.score, m.values) for m in short.matches] == [(m.site_id, m.score, m.values) for m in full.matches]
    assert [m.detailed for m in short.matches] == [True] * 3 + [False] * 7
    assert short.matches[5].contributions == () and len(full.matches[5].contributions) == 8


def test_a_weight_of_an_unknown_criterion_is_refused():
    with pytest.raises(ValueError):
        match(recycler(weights={"beauty": 10}), [zone(1, "Z")], [], RECYCLING, TODAY)
    with pytest.raises(ValueError):
        reweigh(match(recycler(), [zone(1, "Z")], [], RECYCLING, TODAY), "beauty", 1)


def test_zeroing_a_weight_moves_the_zone_that_lived_on_it():
    zones = [zone(1, "CHEAP", land_rent_vnd_m2_year=0), zone(2, "NEIGHBOURS", land_rent_vnd_m2_year=140_000, nearby={"C2": 5})]
    result = match(recycler(), zones, [], RECYCLING, TODAY)
    assert codes(result) == ["CHEAP", "NEIGHBOURS"]

    change = weight_change(result, "land_cost", 0)
    assert change.top_before == (1, 2) and change.top_after == (2, 1)
    assert change.moves == ((2, 2, 1), (1, 1, 2))
    assert reweigh(result, "land_cost", 0).weights["land_cost"] == 0


# Stable ranking: a zone's score depends on that zone and the proposal only.

site_strategy = st.builds(
    Site,
    id=st.integers(0, 10**6),
    code=st.text("ABCDEFGH", min_size=1, max_size=3),
    kind=st.sampled_from(["industrial_park", "industrial_cluster", "economic_zone", "high_tech_park"]),
    province=st.sampled_from(["01", "48", "51", "52"]),
    area_classes=st.frozensets(st.sampled_from(["dbkk", "kk"]), max_size=1),
    available_ha=st.one_of(st.none(), st.floats(0, 200)),
    available_as_of=st.one_of(st.none(), st.dates(date(2022, 1, 1), date(2026, 12, 1))),
    land_rent_vnd_m2_year=st.one_of(st.none(), st.integers(0, 200_000)),
    wastewater_capacity_m3_day=st.one_of(st.none(), st.integers(0, 5000)),
    port_km=st.one_of(st.none(), st.floats(0, 300)),
    has_power=st.one_of(st.none(), st.booleans()),
    priority_groups=st.lists(st.sampled_from(["A", "C", "C2", "E"]), max_size=2).map(tuple),
    nearby=st.dictionaries(st.sampled_from(["C", "C2", "E"]), st.integers(0, 40), max_size=2),
)
STABILITY_RULES = WORKED_RULES + [rule(9, "ez", "land_rent", {"exempt_rent_years": 7}, area_classes={"economic_zone"}, level=15)]


def unique(sites: list[Site]) -> list[Site]:
    return list({site.id: site for site in sites}.values())


@settings(max_examples=150, deadline=None)
@given(sites=st.lists(site_strategy, max_size=25).map(unique), extra=site_strategy, data=st.data())
def test_adding_or_removing_a_zone_never_reorders_the_others(sites, extra, data):
    proposal = recycler(land_min_ha=5, land_max_ha=60, revenue_vnd_year=100 * BN, provinces=("51",))
    before = match(proposal, sites, STABILITY_RULES, RECYCLING, TODAY, assumptions=FX)
    scores = {m.site_id: m.score for m in before.matches}

    if sites:
        gone = data.draw(st.sampled_from(sites)).id
        without = match(proposal, [s for s in sites if s.id != gone], STABILITY_RULES, RECYCLING, TODAY, assumptions=FX)
        assert [m.site_id for m in without.matches] == [m.site_id for m in before.matches if m.site_id != gone]
        assert all(scores[m.site_id] == m.score for m in without.matches)

    if extra.id not in scores and all(s.id != extra.id for s in sites):
        added = match(proposal, [*sites, extra], STABILITY_RULES, RECYCLING, TODAY, assumptions=FX)
        assert [m.site_id for m in added.matches if m.site_id != extra.id] == [m.site_id for m in before.matches]
        assert all(scores[m.site_id] == m.score for m in added.matches if m.site_id != extra.id)


proposal_strategy = st.builds(
    recycler,
    land_min_ha=st.floats(0.5, 150),
    provinces=st.lists(st.sampled_from(["01", "48", "51", "52"]), max_size=2, unique=True).map(tuple),
    strict_provinces=st.booleans(),
    needs_power=st.booleans(),
    wastewater_m3_day=st.one_of(st.none(), st.integers(1, 3000)),
    revenue_vnd_year=st.integers(0, 500 * BN),
)


@settings(max_examples=100, deadline=None)
@given(sites=st.lists(site_strategy, max_size=25).map(unique), proposals=st.lists(proposal_strategy, min_size=1, max_size=4))
def test_a_batch_ranks_the_same_zones_with_the_same_scores_as_one_proposal_at_a_time(sites, proposals):
    one_by_one = [match(p, sites, STABILITY_RULES, RECYCLING, TODAY, assumptions=FX) for p in proposals]
    batch = match_many(proposals, sites, STABILITY_RULES, RECYCLING, TODAY, assumptions=FX)

    for single, batched in zip(one_by_one, batch):
        assert [(m.site_id, m.score, m.value_vnd) for m in batched.matches] == [(m.site_id, m.score, m.value_vnd) for m in single.matches]
        assert batched.excluded == () and batched.what_if == ()
        assert batched.explanation == single.explanation
    again = match(proposals[0], prepare(sites), STABILITY_RULES, RECYCLING, TODAY, assumptions=FX)
    assert again.matches == one_by_one[0].matches and again.excluded == one_by_one[0].excluded
