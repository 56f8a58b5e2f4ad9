"""An investor sends a proposal through the API and reads the zones that fit, why the others do not, and what would change it."""
from __future__ import annotations

import pytest

from tests.factories import make_free_zone, post_proposal


@pytest.fixture
def two_zones(ctx):
    """Dung Quất with 12 ha free as of 06/2025, Sa Đéc with 120 ha as of 06/2025."""
    short = make_free_zone("Khu kinh tế Dung Quất", 12, "2025-06-01", kind="economic_zone").id
    roomy = make_free_zone("Khu công nghiệp Sa Đéc", 120, "2025-06-01").id
    return short, roomy


def test_a_proposal_gets_201_with_its_matches_each_with_zone_score_reasons_and_incentives(client, two_zones):
    short, roomy = two_zones
    answer = post_proposal(client)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert isinstance(body["id"], int)
    assert roomy in [m["zone"]["id"] for m in body["matches"]] and short not in [m["zone"]["id"] for m in body["matches"]]
    match = next(m for m in body["matches"] if m["zone"]["id"] == roomy)
    assert 0 <= match["score"] <= 100 and match["reasons"] and isinstance(match["incentives"], list)
    excluded = next(e for e in body["excluded"] if e["zone"]["id"] == short)
    assert excluded["reasons"][0]["text"] == "Khu kinh tế Dung Quất: 12 ha free as of 06/2025, 40 ha needed"
    again = client.get(f"/api/v1/proposals/{body['token']}")
    assert again.status_code == 200 and again.get_json()["matches"] == body["matches"]


def test_the_exclusion_reads_in_vietnamese_with_vietnamese_numbers(client, ctx):
    make_free_zone("Khu kinh tế Dung Quất", 12.5, "2025-06-01")
    body = post_proposal(client, "vi", land_min_ha=40.5, land_max_ha=40.5).get_json()
    texts = [e["reasons"][0]["text"] for e in body["excluded"]]
    assert "Khu kinh tế Dung Quất: còn trống 12,5 ha tính đến 06/2025, cần 40,5 ha" in texts, texts


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"land_min_ha": 0}, "land_min_ha", "above 0"),
    ({"land_min_ha": -5}, "land_min_ha", "above 0"),
    ({"land_min_ha": 100_001, "land_max_ha": 100_002}, "land_min_ha", "100,000"),
    ({"land_min_ha": 40, "land_max_ha": 20}, "land_max_ha", "below the smallest"),
    ({"capital_amount": -1}, "capital_amount", "zero or more"),
    ({"catalog_codes": ["Z9"]}, "catalog_codes", "Z9"),
    ({"strict_provinces": True, "provinces": []}, "provinces", "at least one province"),
    ({"email": "not-an-address"}, "email", "e-mail address"),
    ({"consent": False}, "consent", "Agree"),
])
def test_bad_input_is_named_field_by_field(client, ctx, overrides, field, words):
    answer = post_proposal(client, **overrides)
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert field in errors and words in " ".join(errors[field]), errors


def test_field_errors_come_in_the_readers_language(client, ctx):
    errors = post_proposal(client, "vi", land_min_ha=0).get_json()["errors"]
    assert "ha" in errors["land_min_ha"][0] and "Enter" not in errors["land_min_ha"][0]


def test_a_body_that_is_not_an_object_is_refused_and_nothing_is_kept(client, ctx):
    answer = client.post("/api/v1/proposals", data="[1]", content_type="application/json")
    assert answer.status_code == 400
    from registry.extensions import db
    from registry.matching.models import Proposal

    assert db.session.scalar(db.select(db.func.count()).select_from(Proposal)) == 0


def test_a_proposal_that_fits_nowhere_gets_the_explained_empty_answer(client, ctx):
    make_free_zone("Khu kinh tế Dung Quất", 120, "2025-06-01")
    body = post_proposal(client, land_min_ha=300, land_max_ha=300).get_json()
    assert body["matches"] == []
    text = body["explanation"]["text"]
    assert "300 ha" in text and "120 ha" in text and "Khu kinh tế Dung Quất" in text and "06/2025" in text
    assert any("300 ha" in change["text"] or "120 ha" in change["text"] for change in body["what_if"])


def test_an_unknown_token_is_404(client, ctx):
    assert client.get("/api/v1/proposals/nothing-here").status_code == 404


def test_a_capital_in_usd_without_a_rate_is_refused_by_name_when_the_registry_has_none(client, ctx):
    assert not client.application.config["USD_VND_RATE"]
    answer = post_proposal(client, capital_currency="USD", capital_amount=20_000_000)
    assert answer.status_code == 422
    assert "exchange rate" in answer.get_json()["errors"]["exchange_rate"][0]


def test_a_capital_in_usd_is_matched_at_the_rate_the_investor_gave_and_the_answer_says_it(client, ctx):
    make_free_zone("Khu công nghiệp Sa Đéc", 120, "2025-06-01", land_price_usd_m2=100)
    body = post_proposal(client, capital_currency="USD", capital_amount=20_000_000, exchange_rate=25_400).get_json()
    (match,) = body["matches"]
    assert match["assumptions"]["vnd_per_usd"] == 25_400
    assert match["assumptions"]["rent_source"] == "price" and match["assumptions"]["rent_vnd_m2_year"] == 50_800


def test_without_a_configured_rate_a_zones_usd_price_is_not_valued_and_the_page_says_why(client, ctx):
    make_free_zone("Khu công nghiệp Sa Đéc", 120, "2025-06-01", land_price_usd_m2=100)
    body = post_proposal(client).get_json()
    (match,) = body["matches"]
    assert match["assumptions"]["vnd_per_usd"] is None and match["assumptions"]["rent_source"] == "unknown"
    page = client.get(body["url"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "no exchange rate is configured, so land prices in USD are not turned into rent" in page
