"""Public pages shared by anonymous visitors: kept while nothing changes, never stale, never personal."""
from __future__ import annotations

import pytest

from registry.extensions import db

from .conftest import csrf_token
from .factories import enterprise_profile, officer_token, post_enterprise, statements_sent


@pytest.fixture
def record(client, runner, accounts):
    token = officer_token(runner, accounts)
    created = post_enterprise(client, token, enterprise_profile()).get_json()
    return token, created


def test_a_repeated_anonymous_visit_is_served_from_the_cache(app, client, record):
    _token, created = record
    path = f"/enterprises/{created['id']}"
    first = client.get(path)
    sent = statements_sent(app, lambda: client.get(path))
    again = client.get(path)
    assert again.get_data() == first.get_data()
    queries = [statement for statement in sent if statement != "BEGIN"]
    assert len(queries) == 1 and "data_version" in queries[0]  # only the data version is asked for
    assert "Set-Cookie" not in first.headers  # nothing personal on it, not even a session


def test_an_edit_shows_at_once(client, record):
    token, created = record
    path = f"/enterprises/{created['id']}"
    assert "Điện lực Dung Quất" in client.get(path).get_data(as_text=True)
    answer = client.patch(f"/api/v1/enterprises/{created['id']}", json={"name_vi": "Công ty TNHH Nước sạch Dung Quất",
                                                                        "version": created["version"]},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    page = client.get(path).get_data(as_text=True)
    assert "Nước sạch Dung Quất" in page and "Điện lực" not in page


def test_a_suspended_record_leaves_the_cache(app, client, record):
    from registry.accounts.models import User
    from registry.enterprises import review
    from registry.enterprises.models import Enterprise

    _token, created = record
    path = f"/enterprises/{created['id']}"
    assert client.get(path).status_code == 200
    with app.app_context():
        officer = db.session.scalar(db.select(User).where(User.email == "officer@example.vn"))
        review.suspend(officer, db.session.get(Enterprise, created["id"]), "Giấy phép hết hạn")
        db.session.commit()
    assert client.get(path).status_code == 404


def test_signed_in_users_and_visitors_with_a_message_get_their_own_page(app, client, accounts, record):
    _token, created = record
    path, edit = f"/enterprises/{created['id']}", f"/enterprises/{created['id']}/edit"
    officer = app.test_client()
    accounts.sign_in(officer, "officer@example.vn")
    officer.get("/")  # shows the welcome message, if any
    assert edit not in client.get(path).get_data(as_text=True)  # kept for visitors
    assert edit in officer.get(path).get_data(as_text=True)  # not served to the officer
    assert edit not in client.get(path).get_data(as_text=True)  # nor the officer's page to visitors
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Chỉ dành cho bạn")]
    assert "Chỉ dành cho bạn" in client.get(path).get_data(as_text=True)
    assert "Chỉ dành cho bạn" not in client.get(path).get_data(as_text=True)  # shown once, never shared


def test_each_language_has_its_own_copy(client, record):
    _token, created = record
    path = f"/enterprises/{created['id']}"
    assert "Mã số thuế" in client.get(path).get_data(as_text=True)
    assert "Tax code" in client.get(path, query_string={"lang": "en"}).get_data(as_text=True)
    assert "Mã số thuế" in client.get(path).get_data(as_text=True)


def test_the_cache_can_be_turned_off(app, client, record, monkeypatch):
    _token, created = record
    path = f"/enterprises/{created['id']}"
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    client.get(path)
    sent = statements_sent(app, lambda: client.get(path))
    assert not any("data_version" in statement for statement in sent) and any("FROM enterprise" in s for s in sent)


def test_a_form_token_made_for_a_visitor_is_never_shared(app):
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from registry.page_cache import shared_page

    view = shared_page(lambda: f"token={generate_csrf()}")
    alice, bob = app.test_client(), app.test_client()
    alice.get("/sign-in")  # Alice's session holds her CSRF secret from now on
    pages = []
    for visitor in (alice, bob):
        with visitor.session_transaction() as stored:
            kept = dict(stored)
        with app.test_request_context("/probe"):
            session.update(kept)
            pages.append(view())
    assert pages[0] != pages[1]  # Bob gets his own token, not Alice's page kept


def test_a_boundary_version_that_changes_no_audited_value_still_shows(app, client):
    from shapely.geometry import MultiPolygon, box

    from registry.audit.service import acting_as
    from registry.zones import service as zones
    from registry.zones.boundaries import publish_boundary
    from registry.zones.models import Zone

    outline = MultiPolygon([box(108.7, 15.1, 108.72, 15.12)])
    with app.app_context(), acting_as("tests"):
        zone = zones.create_zone(None, {"name_vi": "KCN Thử nghiệm", "kind": "industrial_park", "province_code": "51"})
        publish_boundary(None, zone, outline, source="Khảo sát lần một")
        db.session.commit()
        zone_id = zone.id
    assert "Khảo sát lần một" in client.get(f"/zones/{zone_id}").get_data(as_text=True)
    with app.app_context(), acting_as("tests"):
        publish_boundary(None, db.session.get(Zone, zone_id), outline, source="Khảo sát lần hai")
        db.session.commit()
    assert "Khảo sát lần hai" in client.get(f"/zones/{zone_id}").get_data(as_text=True)


def test_sign_ins_and_api_calls_keep_the_shared_pages(app, client, runner, accounts):
    from registry.accounts.models import LoginAttempt, Organization
    from registry.audit.service import data_version

    token = officer_token(runner, accounts)
    with app.app_context():
        before = data_version()
    refused = client.post("/sign-in", data={"email": "officer@example.vn", "password": "wrong", "csrf_token": csrf_token(client)})
    assert refused.status_code == 200  # the form again, with its error
    client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {token}"})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginAttempt)) == 1  # written, yet no page shows it
        assert data_version() == before
    post_enterprise(client, token, enterprise_profile())
    with app.app_context():
        assert data_version() == before + 1
        db.session.add(Organization(name="Ban Quản lý thử", kind="zone_board", province_code="51"))
        db.session.commit()  # flushed by the commit itself, after its first hook
        assert data_version() == before + 2


@pytest.fixture
def zone_with_enterprise(app, client, runner, accounts):
    """A zone in Quảng Ngãi with a surveyed boundary, and a published enterprise inside it."""
    from shapely.geometry import MultiPolygon, box

    from registry.audit.service import acting_as
    from registry.zones import service as zones
    from registry.zones.boundaries import publish_boundary

    with app.app_context(), acting_as("tests"):
        zone = zones.create_zone(None, {"name_vi": "KCN Tịnh Phong", "kind": "industrial_park", "province_code": "51"})
        publish_boundary(None, zone, MultiPolygon([box(108.7, 15.1, 108.72, 15.12)]), source="Khảo sát")
        db.session.commit()
        zone_id = zone.id
    token = officer_token(runner, accounts)
    created = post_enterprise(client, token, enterprise_profile(latitude=15.11, longitude=108.71)).get_json()
    assert created["zone"]["id"] == zone_id, created
    return token, created, zone_id


def only_asks_for_versions(app, client, path) -> bool:
    """Tell whether a visit to `path` is answered from the cache (nothing asked of the database but the versions)."""
    sent = [s for s in statements_sent(app, lambda: client.get(path)) if s != "BEGIN"]
    return len(sent) == 1 and "data_version" in sent[0]


def test_an_enterprise_edit_refreshes_the_pages_that_show_it_and_keeps_the_catalog(app, client, zone_with_enterprise):
    token, created, zone_id = zone_with_enterprise
    showing = ["/enterprises/", f"/enterprises/{created['id']}", f"/zones/{zone_id}", "/provinces/51", "/catalog/items/A.01"]
    for path in showing:
        assert "Điện lực Dung Quất" in client.get(path).get_data(as_text=True), path
    for path in ("/catalog/", "/provinces/", "/zones/"):
        client.get(path)
    answer = client.patch(f"/api/v1/enterprises/{created['id']}", json={"name_vi": "Công ty TNHH Nước sạch Dung Quất",
                                                                        "version": created["version"]},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    for path in showing:
        page = client.get(path).get_data(as_text=True)
        assert "Nước sạch Dung Quất" in page and "Điện lực" not in page, path
    assert only_asks_for_versions(app, client, "/catalog/")  # still the page kept before the edit
    assert only_asks_for_versions(app, client, "/provinces/")
    assert only_asks_for_versions(app, client, "/zones/")  # the list of zones shows no enterprise


def test_a_zone_edit_refreshes_zone_pages_and_the_map_data_and_keeps_the_catalog(app, client, zone_with_enterprise):
    from registry.zones.models import Zone

    token, created, zone_id = zone_with_enterprise
    showing = ["/zones/", f"/zones/{zone_id}", f"/enterprises/{created['id']}"]
    for path in [*showing, "/catalog/", "/catalog/items/A.01"]:
        client.get(path)
    assert "KCN Tịnh Phong" in client.get("/api/v1/zones.geojson").get_data(as_text=True)
    with app.app_context():
        version = db.session.get(Zone, zone_id).version
    answer = client.patch(f"/api/v1/zones/{zone_id}", json={"name_vi": "KCN Tịnh Phong mở rộng", "version": version},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    for path in showing:
        assert "KCN Tịnh Phong mở rộng" in client.get(path).get_data(as_text=True), path
    assert "KCN Tịnh Phong mở rộng" in client.get("/api/v1/zones.geojson").get_data(as_text=True)
    assert only_asks_for_versions(app, client, "/catalog/")
    assert only_asks_for_versions(app, client, "/catalog/items/A.01")


def test_a_page_asks_for_the_versions_of_what_it_shows_in_one_query(app, client):
    client.get("/")
    sent = [s for s in statements_sent(app, lambda: client.get("/")) if s != "BEGIN"]
    assert len(sent) == 1 and "data_version" in sent[0]


def test_every_table_is_sorted_into_a_kind_of_record_or_kept_private(app):
    from registry.audit.models import KIND_OF_TABLE, KINDS
    from registry.audit.service import PRIVATE_TABLES, data_versions

    unshown = {"audit_entry", "data_version"}  # written beside the changes they record
    tables = {t.name for t in db.metadata.sorted_tables}
    assert tables - unshown - PRIVATE_TABLES - set(KIND_OF_TABLE) == set()
    with app.app_context():
        assert set(data_versions()) == set(KINDS)
        counted = db.session.scalars(db.select(db.text("kind")).select_from(db.text("data_version"))).all()
        assert set(counted) == set(KINDS)  # each kind has its row, so its writes are counted


def test_a_page_naming_an_unknown_kind_is_refused_when_the_code_loads():
    from registry.page_cache import shared_page

    with pytest.raises(ValueError, match="enterprise"):
        shared_page("enterprise")


def test_a_repeated_api_list_is_answered_from_the_cache_and_a_new_record_shows_at_once(app, client, record):
    token, created = record
    path = "/api/v1/enterprises?q=dien luc"
    first = client.get(path)
    assert only_asks_for_versions(app, client, path)
    again = client.get(path)
    assert again.get_data() == first.get_data() and again.mimetype == "application/json"
    assert [item["id"] for item in again.get_json()["items"]] == [created["id"]]
    second = post_enterprise(client, token, enterprise_profile(tax_code="0314409058", name_vi="Công ty TNHH Điện lực Sa Kỳ")).get_json()
    assert {item["id"] for item in client.get(path).get_json()["items"]} == {created["id"], second["id"]}


def test_token_holders_share_the_public_api_answer_and_an_officers_stays_their_own(app, client, runner, accounts, record):
    officer, _created = record
    accounts.user("reader@example.vn", role=None)
    reader = runner.invoke(args=["users", "token", "reader@example.vn"]).output.strip()
    path = "/api/v1/enterprises?status=pending"
    public = client.get(path).get_json()
    sent = statements_sent(app, lambda: client.get(path, headers={"Authorization": f"Bearer {reader}"}))
    assert not any("FROM enterprise" in statement for statement in sent)  # the visitors' answer, kept
    assert client.get(path, headers={"Authorization": f"Bearer {reader}"}).get_json() == public
    sent = statements_sent(app, lambda: client.get(path, headers={"Authorization": f"Bearer {officer}"}))
    assert any("FROM enterprise" in statement for statement in sent)  # the officer's own list, never kept


def test_a_large_api_answer_is_not_kept(app, client, record, monkeypatch):
    from registry import page_cache

    monkeypatch.setattr(page_cache, "KEEP_JSON_CHARS", 100)  # a page of one record is larger
    client.get("/api/v1/enterprises")
    assert not only_asks_for_versions(app, client, "/api/v1/enterprises")


def test_a_kept_list_total_and_search_count_a_new_record_at_once(app, client, record, monkeypatch):
    """Totals and ranked matches kept between pages (from 1,000 matches, here from 1) move with the next write."""
    from registry.enterprises import queries

    monkeypatch.setattr(queries, "KEPT_FROM", 1)
    token, _created = record
    assert client.get("/api/v1/enterprises?page=1").get_json()["total"] == 1
    assert client.get("/api/v1/enterprises?q=dung quat&page=1").get_json()["total"] == 1
    second = post_enterprise(client, token, enterprise_profile(tax_code="0100233583", name_vi="Công ty TNHH Nhiệt điện Dung Quất"))
    assert second.status_code == 201, second.get_json()
    listed = client.get("/api/v1/enterprises?page=1&per_page=10").get_json()  # another page size: not a kept page
    assert listed["total"] == 2 and len(listed["items"]) == 2
    found = client.get("/api/v1/enterprises?q=dung quat&page=1&per_page=10").get_json()
    assert found["total"] == 2 and {item["name_vi"] for item in found["items"]} >= {"Công ty TNHH Nhiệt điện Dung Quất"}
    sent = statements_sent(app, lambda: client.get("/api/v1/enterprises?page=2&per_page=10"))
    assert not any("count(" in statement.lower() for statement in sent)  # the total was kept from the page before


def test_a_signed_in_officer_sees_the_profile_and_list_of_a_pending_record(app, client, runner, accounts):
    """Pending records stay out of visitors' profiles and kept totals, and in their officer's."""
    token = officer_token(runner, accounts)
    from registry.enterprises.models import Enterprise, Status

    created = post_enterprise(client, token, enterprise_profile()).get_json()
    with app.app_context():
        db.session.get(Enterprise, created["id"]).status = Status.PENDING
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/enterprises/{created['id']}").status_code == 404
    assert client.get(f"/api/v1/enterprises/{created['id']}").status_code == 404
    assert client.get(f"/api/v1/enterprises/{created['id']}", headers=headers).get_json()["status"] == "pending"
    assert client.get("/api/v1/enterprises").get_json()["total"] == 0
    assert client.get("/api/v1/enterprises?status=pending", headers=headers).get_json()["total"] == 1


def test_the_first_pages_of_the_api_list_are_kept_and_a_deep_one_is_answered_afresh(app, client, record):
    """A random deep page is seldom asked twice: keeping each would cost more than the few asked again save."""
    from registry.api.enterprises import SHARED_PAGES

    for page in (1, SHARED_PAGES):
        client.get(f"/api/v1/enterprises?page={page}")
        assert only_asks_for_versions(app, client, f"/api/v1/enterprises?page={page}"), page
    deep = f"/api/v1/enterprises?page={SHARED_PAGES + 1}"
    first = client.get(deep)
    sent = statements_sent(app, lambda: client.get(deep))
    assert any("FROM enterprise" in statement for statement in sent)
    assert client.get(deep).get_json() == first.get_json() == {"items": [], "total": 1, "page": SHARED_PAGES + 1, "per_page": 20}


def test_a_kept_array_of_ids_takes_entries_by_its_size_and_one_too_large_is_not_kept():
    """A broad search keeps its matches' ids (`queries._matches`); the entries of LIST_CACHE_ENTRIES bound their memory."""
    from array import array

    from registry.page_cache import ENTRY_BYTES, PageCache

    kept = PageCache(pages=1, seconds=60, values=10, value_seconds=60)
    kept.keep_value("total", 30_000)
    kept.keep_value("matches", array("i", range(ENTRY_BYTES)))  # four entries' worth of bytes: five entries
    assert kept.value("total") == 30_000 and len(kept.value("matches")) == ENTRY_BYTES
    kept.keep_value("more", array("i", range(ENTRY_BYTES)))  # five more: the least recently used go
    assert kept.value("total") is None and kept.value("more") is not None
    kept.keep_value("too many", array("i", range(3 * ENTRY_BYTES)))  # thirteen entries, more than all ten
    assert kept.value("too many") is None and kept.value("more") is not None
