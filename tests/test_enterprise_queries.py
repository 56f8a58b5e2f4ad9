"""How many statements a list or a profile costs: the same for a page of 5 records as for a page of 30."""
from __future__ import annotations

import pytest

from registry.audit.service import acting_as
from registry.enterprises import index, queries
from registry.enterprises.generator import generate_profiles
from registry.enterprises.models import Enterprise
from registry.enterprises.service import create_enterprise
from registry.extensions import db

from .factories import make_certificate, statements_of

RECORDS = 30


@pytest.fixture
def registry(app):
    """Thirty published enterprises from the demo generator, each with catalog items and most with certificates."""
    with app.app_context(), acting_as("tests"):
        created = [create_enterprise(None, profile, source="tests", check_similar=False)
                   for profile in generate_profiles(RECORDS, seed=11)]
        ids = [enterprise.id for enterprise in created]
        db.session.commit()
    return ids


@pytest.mark.parametrize("query", ["", "q=môi trường", "sort=staff", "relation=uses", "sort=newest&q=mô"])
def test_an_api_page_of_thirty_costs_as_many_statements_as_a_page_of_five(app, client, registry, query):
    small = statements_of(app, client, f"/api/v1/enterprises?per_page=5&{query}")
    large = statements_of(app, client, f"/api/v1/enterprises?per_page=30&{query}")
    assert len(large) == len(small) <= 6, large
    assert client.get(f"/api/v1/enterprises?per_page=5&{query}").get_json()["total"] > 5
    answer = client.get(f"/api/v1/enterprises?per_page=30&{query}").get_json()
    assert all(item["catalog_items"] for item in answer["items"])  # the links came along, in the same few statements


def test_the_list_items_are_the_records_the_profile_answers_with(client, registry):
    items = client.get("/api/v1/enterprises?per_page=30").get_json()["items"]
    assert len(items) == RECORDS
    for item in items:
        full = client.get(f"/api/v1/enterprises/{item['id']}").get_json()
        assert {key: full[key] for key in item} == item


def test_a_profile_costs_the_same_few_statements_however_many_items_and_certificates(app, client, registry):
    counts = {len(statements_of(app, client, f"/enterprises/{enterprise_id}")) for enterprise_id in registry[:10]}
    api_counts = {len(statements_of(app, client, f"/api/v1/enterprises/{enterprise_id}")) for enterprise_id in registry[:10]}
    assert len(counts) == 1 and counts.pop() <= 3
    assert len(api_counts) == 1 and api_counts.pop() <= 2


@pytest.fixture
def sixty(app):
    """Sixty published enterprises from the demo generator, for a page of fifty."""
    with app.app_context(), acting_as("tests"):
        for profile in generate_profiles(60, seed=12):
            create_enterprise(None, profile, source="tests", check_similar=False)
        db.session.commit()


@pytest.mark.parametrize("query", ["sort=newest", "q=công ty"])
def test_an_api_page_of_fifty_costs_as_many_statements_as_a_page_of_ten(app, client, sixty, query):
    """No statement per record: a page of 50 would send 40 more than a page of 10 if one crept in."""
    ten = statements_of(app, client, f"/api/v1/enterprises?per_page=10&{query}")
    fifty = statements_of(app, client, f"/api/v1/enterprises?per_page=50&{query}")
    assert len(fifty) == len(ten), fifty
    assert len(client.get(f"/api/v1/enterprises?per_page=50&{query}").get_json()["items"]) == 50


def test_a_profile_is_one_statement_with_its_items_certificates_and_zone(app, client, registry):
    """The page asks for the data versions (the page cache) and the record; the API for the record alone; only for an
    enterprise that holds eco-labels (its record says so) do both then read its certificates."""
    for enterprise_id in registry[:5]:
        page = statements_of(app, client, f"/enterprises/{enterprise_id}")
        record = statements_of(app, client, f"/api/v1/enterprises/{enterprise_id}")
        assert len(page) == 2 and "data_version" in page[0], page
        assert len(record) == 1, record
        full = client.get(f"/api/v1/enterprises/{enterprise_id}").get_json()
        assert full["catalog_items"] and full["catalog_items"][0]["name_vi"] and full["ecolabels"] == []
    with app.app_context():
        labelled = db.session.get(Enterprise, registry[0])
        make_certificate(holder_tax_code=labelled.tax_code)
    page = statements_of(app, client, f"/enterprises/{registry[0]}")
    record = statements_of(app, client, f"/api/v1/enterprises/{registry[0]}")
    assert page[:2] == statements_of(app, client, f"/enterprises/{registry[1]}") and "ecolabel_certificate" in page[2], page
    assert "ecolabel_certificate" in record[1], record
    assert client.get(f"/api/v1/enterprises/{registry[0]}").get_json()["ecolabels"][0]["number"] == "125/QĐ-BTNMT"


@pytest.mark.parametrize("query", ["", "sort=newest", "q=công ty"])
def test_a_deep_page_costs_the_statements_of_the_first_page_from_the_first_deep_one_on(app, client, sixty, monkeypatch, query):
    """The marks deep pages are sought from come all at once, with the first deep page: no page walks to one of its own."""
    monkeypatch.setattr(queries, "KEPT_FROM", 1)
    monkeypatch.setattr(queries, "MARK_EVERY", 5)
    monkeypatch.setattr(index, "RANKED_MATCHES", 2)  # the search is listed newest first, and sought too
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    statements_of(app, client, f"/api/v1/enterprises?per_page=2&page=1&{query}")  # the total is counted and kept
    first = statements_of(app, client, f"/api/v1/enterprises?per_page=2&page=1&{query}")
    statements_of(app, client, f"/api/v1/enterprises?per_page=2&page=26&{query}")  # place 50: the marks are found
    for page in (4, 12, 20, 29):  # places 6, 22, 38, 56: beside a mark of their own, none asked for before
        deep = statements_of(app, client, f"/api/v1/enterprises?per_page=2&page={page}&{query}")
        assert len(deep) == len(first), deep


@pytest.mark.parametrize("query", ["", "sort=newest", "q=mô", "q=môi trường"])
def test_a_page_with_its_catalog_links_is_one_statement_beside_the_data_versions(app, client, sixty, monkeypatch, query):
    """Without the page cache, once the total, the marks and a search's matches are kept, any page of the list or of a search
    (first or deep, best first or newest first) asks for the data versions, then for its records with their links, joined."""
    monkeypatch.setattr(queries, "KEPT_FROM", 1)
    monkeypatch.setattr(queries, "MARK_EVERY", 5)
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    if query == "q=mô":
        monkeypatch.setattr(index, "RANKED_MATCHES", 2)  # a broad search: newest first
    total = client.get(f"/api/v1/enterprises?per_page=4&{query}").get_json()["total"]  # the total and a search's matches are kept
    assert total >= 12
    statements_of(app, client, f"/api/v1/enterprises?per_page=4&page=3&{query}")  # the list's marks are found
    for page in (1, 2, 3, total // 4):
        sent = statements_of(app, client, f"/api/v1/enterprises?per_page=4&page={page}&{query}")
        assert len(sent) == 2 and "data_version" in sent[0], sent
        answer = client.get(f"/api/v1/enterprises?per_page=4&page={page}&{query}").get_json()
        assert len(answer["items"]) == 4 and all(item["catalog_items"] for item in answer["items"])
