"""The activity and catalog mapping to incentive-sector classes is data with its source, and the three waste activities of the
proposal form get the incentives FACTS §5 gives them under the national rules the registry ships."""
from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest

from catalog980.reader import read_shipped
from registry.matching import sites
from registry.matching.cleaning import Activity
from registry.matching.engine import Proposal, Site, match

ON = date(2026, 12, 1)
BN = 1_000_000_000


def shipped_rules():
    """The national rules of registry/incentives/data, as the engine takes them."""
    data = json.loads(resources.files("registry.incentives").joinpath("data/national-policies.json").read_text(encoding="utf-8"))
    rules = []
    for number, row in enumerate(data["policies"], 1):
        row = {**row, "id": number, "scope_province": row.get("province_code"),
               "effective_from": date.fromisoformat(row["effective_from"]) if row.get("effective_from") else None,
               "effective_to": date.fromisoformat(row["effective_to"]) if row.get("effective_to") else None}
        rules.append(sites.policy_of(row))
    return rules


def won(activity: str, area_classes=(), kind="industrial_park") -> dict[str, str]:
    """The rule that wins each instrument for a project of `activity` starting in 2027 on one zone."""
    proposal = Proposal(activity=activity, land_min_ha=5, capital_vnd=300 * BN, jobs=100, start_year=2027, revenue_vnd_year=100 * BN)
    zone = Site(1, "Z-1", kind=kind, province="51", area_classes=frozenset(area_classes), available_ha=20.0,
                available_as_of=date(2026, 6, 1), land_rent_vnd_m2_year=40_000)
    result = match(proposal, [zone], shipped_rules(), sites.sector_map(), ON)
    (found,) = result.matches
    return {incentive.instrument: incentive.policy_code for incentive in found.incentives}


def test_every_activity_of_the_form_and_every_catalog_group_has_a_row_with_its_source_and_confidence():
    rows = sites.sector_rows()
    activities = {row["activity"]: row for row in rows["activities"]}
    assert set(activities) == {activity.value for activity in Activity}
    groups = {node.code for node in read_shipped().nodes if node.parent is None}
    catalog = {row["code"]: row for row in rows["catalog"]}
    assert groups <= set(catalog)  # every node falls under its group's row
    for row in [*activities.values(), *catalog.values()]:
        assert row["confidence"] and row["source"] and row["note"]
        assert set(row["classes"]) <= {"special", "incentive", "cit_listed"}


@pytest.mark.parametrize("activity", ["recycling_plant", "waste_to_energy", "hazardous_waste_treatment"])
def test_a_waste_project_gets_the_incentive_sector_land_rent_and_the_listed_sector_income_tax(activity):
    # FACTS §5.2: an incentive sector is exempt 3 years in a normal area, 11 in a difficult commune, 15 in an especially
    # difficult one; §5.3: the sectors the CIT law lists (environmental protection, energy from waste) pay 10 % for 15 years.
    assert won(activity) == {"cit": "vn-cit-2025-sectors", "land_rent": "vn-land-rent-incentive",
                             "import_duty": "vn-import-duty-fixed-assets"}
    assert won(activity, {"kk"})["land_rent"] == "vn-land-rent-incentive-kk"
    assert won(activity, {"dbkk"})["land_rent"] == "vn-land-rent-incentive-dbkk"
    assert won(activity, kind="industrial_cluster")["land_rent"] == "vn-land-rent-incentive-kk"  # a cluster counts as difficult


def test_an_activity_no_source_classes_gets_only_what_its_place_gives():
    assert won("monitoring_services") == {"import_duty": "vn-import-duty-fixed-assets"}
    assert won("monitoring_services", {"dbkk"})["cit"] == "vn-cit-2025-dbkk"
    assert won("monitoring_services", {"dbkk"})["land_rent"] == "vn-land-rent-dbkk"


def test_a_catalog_item_under_energy_from_waste_earns_its_class_whatever_the_activity():
    assert sites.sector_map().sector_classes("other", ("E1",)) == {"incentive", "cit_listed"}
    assert sites.sector_map().sector_classes("other", ("C2",)) == {"incentive"}
    assert sites.sector_map().sector_classes("other", ("D",)) == frozenset()
