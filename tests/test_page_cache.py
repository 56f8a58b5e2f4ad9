"""Public pages shared by anonymous visitors: kept while nothing changes, never stale, never personal."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from registry.extensions import db

from .conftest import csrf_token
from .test_enterprises import officer_token, post, profile


@pytest.fixture
def record(client, runner, accounts):
    token = officer_token(runner, accounts)
    created = post(client, token, profile()).get_json()
    return token, created


def statements_sent(app, action) -> list[str]:
    sent = []
    with app.app_context():
        engine = db.engine

    def note(_connection, _cursor, statement, *_):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return sent


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
    post(client, token, profile())
    with app.app_context():
        assert data_version() == before + 1
        db.session.add(Organization(name="Ban Quản lý thử", kind="zone_board", province_code="51"))
        db.session.commit()  # flushed by the commit itself, after its first hook
        assert data_version() == before + 2
