"""Every reason the engine gives is said in both languages; the zones and rules reach the engine as they are recorded."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from flask_babel import force_locale

from registry.matching import engine, reasons, sites
from registry.matching.engine.filters import REQUIREMENT_OF
from tests.factories import make_free_zone, make_published_enterprises

SAMPLE = {"free": 12.0, "as_of": date(2025, 6, 1), "need": 40.0, "status": "planned", "allowed": ("operating",), "kind": "industrial_park",
          "activity": "recycling_plant", "required": ("recycling_cluster",), "province": "51", "preferred": ("82",), "capacity": 500,
          "km": 35.0, "within_km": 20.0, "min": 40.0, "max": 60.0, "value_vnd": 12_000_000_000, "capital_vnd": 500_000_000_000,
          "share": 0.024, "matched": ("C2",), "groups": ("C",), "count": 7, "rent_vnd_m2_year": 45_000, "source": "price", "days": 500,
          "largest_free": 120.0, "largest_site_id": None, "largest_site_code": "KKT-DQ", "largest_as_of": date(2025, 6, 1),
          "zones": 9, "by_reason": {"land_short": 9}}
CODES = sorted({*REQUIREMENT_OF, *engine.CRITERIA, "no_sites", "no_match"})


@pytest.mark.parametrize("code", CODES)
def test_every_reason_code_is_said_in_vietnamese_and_in_english(app, code):
    params = {"wastewater": 1.0, "port": 0.5} if code == "infrastructure" else SAMPLE
    with app.test_request_context():
        with force_locale("vi"):
            vietnamese = reasons.describe(code, params, zone="Dung Quất")
        with force_locale("en"):
            english = reasons.describe(code, params, zone="Dung Quất")
    assert vietnamese.startswith("Dung Quất: ") and english.startswith("Dung Quất: ")
    assert vietnamese != english and "%(" not in vietnamese + english


def test_the_example_of_the_issue_reads_as_written(app):
    with app.test_request_context(), force_locale("en"):
        assert reasons.describe("land_short", {"free": 12, "as_of": "2025-06-01", "need": 40}, zone="Dung Quất") == \
            "Dung Quất: 12 ha free as of 06/2025, 40 ha needed"


def test_every_assumption_of_a_match_has_words(app, ctx):
    zone = make_free_zone("Khu công nghiệp Sa Đéc", 120)
    proposal = engine.Proposal("recycling_plant", ("C",), land_min_ha=40, capital_vnd=10**11, start_year=2027)
    result = engine.match(proposal, sites.sites([zone.id]), [], sites.sector_map(), date(2026, 12, 1))
    names = set(result.assumptions) | {name for match in result.matches for name in match.assumptions}
    assert names <= set(reasons.ASSUMPTION_LABELS), names - set(reasons.ASSUMPTION_LABELS)


def test_an_incentive_row_becomes_the_engines_rule_and_a_rule_without_a_start_has_always_held(app):
    @dataclasses.dataclass(frozen=True)
    class Row:  # the shape incentives.queries.policies_in_force answers
        id: int = 1
        code: str = "cit-dbkk"
        instrument: str = "cit"
        scope_province: str | None = None
        level: int = 2
        sector_class: str = "any"
        area_classes: frozenset = frozenset({"dbkk"})
        min_capital_vnd: int | None = None
        min_jobs: int | None = None
        new_project_only: bool = True
        benefit: dict = dataclasses.field(default_factory=lambda: {"rate": 10, "rate_years": 15})
        legal_basis: str = "Luật 67/2025/QH15"
        article: str = "Điều 13"
        effective_from: date | None = None
        effective_to: date | None = None
        confidence: str = "H"
        title_vi: str = "Ưu đãi thuế"

    policy = sites.policy_of(Row())
    assert policy.in_force(date(2027, 1, 1)) and policy.area_classes == frozenset({"dbkk"}) and policy.benefit["rate"] == 10
    assert sites.policy_of(dataclasses.asdict(Row())) == policy


def test_suppliers_nearby_are_counted_once_per_data_version(app, monkeypatch):
    calls = []
    count = sites._count_nearby
    monkeypatch.setattr(sites, "_count_nearby", lambda radius: calls.append(radius) or count(radius))
    with app.app_context():
        zone = make_free_zone("Khu công nghiệp Sa Đéc", 120, latitude=10.29, longitude=105.76)
        zone_id = zone.id
    with app.test_request_context():
        before = sites.sites([zone_id])[0].nearby
        assert sites.sites([zone_id])[0].nearby == before and len(calls) == 1
    with app.app_context():
        from registry.catalog import service as catalog
        from registry.enterprises.models import EnterpriseItem, Relation
        from registry.extensions import db

        (enterprise_id,) = make_published_enterprises([(105.77, 10.30)])
        node = catalog.get_node(catalog.current_version(), "C")
        db.session.add(EnterpriseItem(enterprise_id=enterprise_id, node_id=node.id, relation=Relation.MANUFACTURES))
        db.session.commit()
    with app.test_request_context():
        assert sites.sites([zone_id])[0].nearby == {"C": 1} and len(calls) == 2
