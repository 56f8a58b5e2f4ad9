"""The matching engine as an investor meets it: a project against zones and incentive rules, plain data in and out."""
from __future__ import annotations

from datetime import date

from registry.matching.engine import Assumptions, Policy, Proposal, SectorMap, Site, match

TODAY = date(2026, 12, 1)
RECYCLING = SectorMap(activities={"recycling_plant": "incentive"})


def test_a_recycler_gets_the_zones_with_enough_land_and_hears_why_the_others_are_out():
    proposal = Proposal("recycling_plant", ("C2",), land_min_ha=40, capital_vnd=500_000_000_000, start_year=2027)
    roomy = Site(1, "KCN-A", province="51", available_ha=60, available_as_of=date(2026, 6, 1))
    cramped = Site(2, "KKT-DQ", province="51", available_ha=12, available_as_of=date(2025, 6, 1))

    result = match(proposal, [roomy, cramped], [], RECYCLING, TODAY, assumptions=Assumptions(vnd_per_usd=25_000))

    assert [m.site_code for m in result.matches] == ["KCN-A"]
    assert 0 <= result.matches[0].score <= 100
    assert result.excluded[0].reasons == (("land_short", {"free": 12, "as_of": date(2025, 6, 1), "need": 40}),)
