"""Deep pages of the API list and search, sought from kept marks: the pages walking the list gives, and never stale."""
from __future__ import annotations

import pytest

from registry.enterprises import index, queries
from registry.enterprises import service as enterprises_service
from registry.enterprises.models import Enterprise
from registry.extensions import db

from .factories import make_listed_enterprises

RECORDS = 13
PER_PAGE = 2
LAST_PAGE = (RECORDS + 1) // PER_PAGE + 1  # one past the end too, and room for one record more


@pytest.fixture
def seeking(app, monkeypatch):
    """Marks every 3 records, kept from the first record on, with the page cache off: only totals and marks are kept."""
    monkeypatch.setattr(queries, "KEPT_FROM", 1)
    monkeypatch.setattr(queries, "MARK_EVERY", 3)
    monkeypatch.setattr(index, "RANKED_MATCHES", 2)  # a search of more matches is listed newest first, and sought too
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    with app.app_context():
        make_listed_enterprises([f"Công ty Môi trường Xanh {number}" for number in range(RECORDS)])
    return app


def page(client, number: int, **args) -> tuple[list[str], int]:
    answer = client.get("/api/v1/enterprises", query_string={**args, "page": number, "per_page": PER_PAGE}).get_json()
    return [item["name_vi"] for item in answer["items"]], answer["total"]


def every_page(client, **args) -> list[tuple[list[str], int]]:
    """The pages from the deepest to the first, so that each mark is found from another one (or from the start)."""
    return [page(client, number, **args) for number in reversed(range(1, LAST_PAGE + 1))]


@pytest.mark.parametrize("args", [{}, {"sort": "newest"}, {"q": "moi truong xanh"}, {"province": "51"}],
                         ids=["by name", "newest first", "search, newest first", "one province"])
def test_pages_sought_from_marks_are_the_pages_the_list_walks_to(seeking, client, monkeypatch, args):
    sought = every_page(client, **args)
    monkeypatch.setattr(queries, "KEPT_FROM", 10**9)  # no marks: every page walks the list from its start
    monkeypatch.setattr(index, "RANKED_MATCHES", 10**9 if "q" not in args else 2)
    walked = every_page(client, **args)
    assert sought == walked
    assert sorted(name for names, _total in sought for name in names) == sorted(f"Công ty Môi trường Xanh {n}" for n in range(RECORDS))
    assert {total for _names, total in sought} == {RECORDS}


def test_a_new_record_shows_at_once_on_deep_pages_and_in_the_total(seeking, client):
    before = [name for names, _total in reversed(every_page(client)) for name in names]
    with seeking.app_context():
        make_listed_enterprises(["Công ty An Bình"], first_serial=322_345_000)  # sorts first: every later page moves by one
    after = [page(client, number) for number in range(1, LAST_PAGE + 1)]
    assert [name for names, _total in after for name in names] == ["Công ty An Bình", *before]
    assert {total for _names, total in after} == {RECORDS + 1}


def test_an_edit_moves_the_record_at_once_on_deep_pages(seeking, client):
    first_names, _ = page(client, 1)
    last_before, _ = page(client, LAST_PAGE - 1)
    with seeking.app_context():
        record = db.session.scalar(db.select(Enterprise).where(Enterprise.name_vi == first_names[0]))
        record.name_vi = "Công ty Xử lý Yên Bình"  # now sorts last
        enterprises_service.save_enterprise(record)
        db.session.commit()
    names = [name for number in range(1, LAST_PAGE + 1) for name in page(client, number)[0]]
    assert names[-1] == "Công ty Xử lý Yên Bình" and first_names[0] not in names and len(names) == RECORDS
    assert page(client, LAST_PAGE - 1) != (last_before, RECORDS)


def test_a_search_gains_a_new_match_at_once_on_its_first_and_deep_pages(seeking, client):
    deep_before, _ = page(client, 4, q="moi truong xanh")
    with seeking.app_context():
        make_listed_enterprises(["Hợp tác xã Môi trường Xanh Mới"], first_serial=322_345_000)
    first, total = page(client, 1, q="moi truong xanh")
    deep_after, _ = page(client, 4, q="moi truong xanh")
    assert total == RECORDS + 1 and first[0] == "Hợp tác xã Môi trường Xanh Mới"  # newest first
    assert deep_after != deep_before


def test_a_link_is_the_address_url_for_gives(app):
    """Links from patterns (`registry.links.link`) are url_for's answers, whatever the values."""
    from flask import url_for

    from registry.links import link

    cases = [
        ("enterprises.browse", {}), ("enterprises.browse", {"province": "51"}), ("places.province", {"code": "01"}),
        ("catalog.item", {"code": "A.01", "version": None}), ("catalog.item", {"code": "A.01", "version": "2025-06"}),
        ("zones.detail", {"zone_id": 7}), ("api.enterprise", {"enterprise_id": 123456}),
        ("enterprises.browse", {"province": "a b&c"}), ("catalog.item", {"code": "Ă/1", "version": "x?y"}),
        ("enterprises.browse", {"q": "tái chế", "page": 2}), ("accounts.sign_in", {"next": "/enterprises/?q=a&b=c"}),
    ]
    with app.test_request_context("/"):
        for endpoint, values in cases * 2:  # the second time from the kept pattern
            assert link(endpoint, **values) == url_for(endpoint, **values), (endpoint, values)
    with app.test_request_context("/", base_url="http://example.vn/registry"):
        assert link("zones.detail", zone_id=7) == url_for("zones.detail", zone_id=7) == "/registry/zones/7"
