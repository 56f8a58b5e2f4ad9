"""Sign-in throttling that an attacker cannot turn against the account's owner, and rate limits."""
from __future__ import annotations

from datetime import timedelta

import pytest

from registry import create_app
from registry.accounts.models import LoginAttempt
from registry.extensions import db

from .conftest import PASSWORD, csrf_token, test_config

ATTACKER, OWNER = "198.51.100.66", "203.0.113.10"


def sign_in(client, email, password, addr=OWNER, **headers):
    environ = {"REMOTE_ADDR": addr}
    token = csrf_token_from(client, environ)
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token},
                       environ_base=environ, headers=headers)


def csrf_token_from(client, environ):
    import re

    page = client.get("/sign-in", environ_base=environ).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def age_failures(app, seconds):
    """Move every recorded failure `seconds` into the past, as if time had passed."""
    with app.app_context():
        for attempt in db.session.scalars(db.select(LoginAttempt)):
            attempt.at -= timedelta(seconds=seconds)
        db.session.commit()


@pytest.fixture
def sibling(app):
    """Build another app on the same database with some settings changed."""
    made = []

    def build(**settings):
        other = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"], **settings))
        made.append(other)
        return other

    yield build
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_failures_from_an_attacker_do_not_lock_the_owner_out_from_elsewhere(app, accounts):
    accounts.user("officer@example.vn")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(8):
        sign_in(attacker, "officer@example.vn", "guess-guess", ATTACKER)
    assert sign_in(attacker, "officer@example.vn", PASSWORD, ATTACKER).status_code == 429
    assert sign_in(owner, "officer@example.vn", PASSWORD, OWNER).status_code == 302


def test_each_further_failure_doubles_the_wait_and_says_when_to_retry(app, client, accounts):
    accounts.user("officer@example.vn")
    for _ in range(5):
        assert sign_in(client, "officer@example.vn", "guess-guess").status_code == 200
    first = sign_in(client, "officer@example.vn", "guess-guess")
    assert first.status_code == 429 and 25 <= int(first.headers["Retry-After"]) <= 30
    assert "30 giây" in first.get_data(as_text=True)
    age_failures(app, 31)
    assert sign_in(client, "officer@example.vn", "guess-guess").status_code == 200  # the wait is over: one more try
    second = sign_in(client, "officer@example.vn", PASSWORD)  # even the right password waits now
    assert second.status_code == 429 and 55 <= int(second.headers["Retry-After"]) <= 60
    age_failures(app, 61)
    assert sign_in(client, "officer@example.vn", PASSWORD).status_code == 302


def test_an_account_attacked_from_many_addresses_slows_the_attackers_never_the_owner(app, accounts, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_FAILURES", 6)
    accounts.user("officer@example.vn")
    botnet = app.test_client()
    for n in range(6):
        sign_in(botnet, "officer@example.vn", "guess-guess", f"192.0.2.{n + 1}")
    for n in range(6):  # every address that failed waits the pause after the latest failure from anywhere
        slowed = sign_in(botnet, "officer@example.vn", "guess-guess", f"192.0.2.{n + 1}")
        assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) <= app.config["LOGIN_ACCOUNT_DELAY_SECONDS"]
    owner = app.test_client()
    assert sign_in(owner, "officer@example.vn", PASSWORD, OWNER).status_code == 302  # the owner walks in meanwhile
    age_failures(app, app.config["LOGIN_ACCOUNT_DELAY_SECONDS"])
    assert sign_in(botnet, "officer@example.vn", "guess-guess", "192.0.2.1").status_code == 200  # one more guess after the pause


def test_the_client_address_comes_from_the_configured_number_of_proxies(app, accounts, sibling):
    accounts.user("officer@example.vn")
    proxy = "10.0.0.2"
    spoofed = app.test_client()  # no proxy configured: a forged header changes nothing
    for n in range(5):
        sign_in(spoofed, "officer@example.vn", "guess-guess", proxy, **{"X-Forwarded-For": f"192.0.2.{n}"})
    assert sign_in(spoofed, "officer@example.vn", PASSWORD, proxy, **{"X-Forwarded-For": OWNER}).status_code == 429

    behind_proxy = sibling(PROXY_COUNT=1).test_client()
    assert sign_in(behind_proxy, "officer@example.vn", PASSWORD, proxy, **{"X-Forwarded-For": OWNER}).status_code == 302


def test_sign_in_attempts_per_address_are_rate_limited_with_a_page_in_vietnamese(app, accounts, sibling):
    accounts.user("officer@example.vn")
    limited = sibling(RATELIMIT_ENABLED=True, RATELIMIT_SIGN_IN="2 per minute")
    client = limited.test_client()
    assert sign_in(client, "nobody@example.vn", "x").status_code == 200
    assert sign_in(client, "nobody2@example.vn", "x").status_code == 200
    refused = sign_in(client, "officer@example.vn", PASSWORD)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    assert 'lang="vi"' in page and "Quá nhiều yêu cầu" in page
    assert sign_in(limited.test_client(), "officer@example.vn", PASSWORD, ATTACKER).status_code == 302  # another address


def test_the_public_api_is_rate_limited_per_address_with_a_json_error(app, sibling):
    limited = sibling(RATELIMIT_ENABLED=True, RATELIMIT_API="3 per minute").test_client()
    for _ in range(3):
        assert limited.get("/api/v1/provinces").status_code == 200
    refused = limited.get("/api/v1/provinces")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    body = refused.get_json()
    assert body["status"] == 429 and body["error"] == "too_many_requests" and body["message"]
    assert limited.get("/api/v1/provinces", environ_base={"REMOTE_ADDR": ATTACKER}).status_code == 200


def test_registrations_per_address_are_rate_limited(app, sibling):
    limited = sibling(RATELIMIT_ENABLED=True, RATELIMIT_REGISTER="1 per minute").test_client()
    assert limited.get("/enterprises/register").status_code == 200  # reading the form is not counted
    token = csrf_token(limited, "/enterprises/register")
    assert limited.post("/enterprises/register", data={"csrf_token": token}).status_code == 200  # the form, with its errors
    assert limited.post("/enterprises/register", data={"csrf_token": token}).status_code == 429


def test_proposals_per_address_are_rate_limited_on_the_form_and_on_the_api(app, sibling):
    from .factories import proposal_body

    limited = sibling(RATELIMIT_ENABLED=True, RATELIMIT_PROPOSALS="2 per minute").test_client()
    assert limited.post("/api/v1/proposals", json=proposal_body()).status_code == 201
    assert limited.post("/api/v1/proposals", json=proposal_body(land_min_ha=0)).status_code == 422  # refused ones count too
    refused = limited.post("/api/v1/proposals", json=proposal_body())
    assert refused.status_code == 429 and refused.get_json()["status"] == 429
    assert limited.get("/proposals/new").status_code == 200  # answering the questions is not counted
    token = csrf_token(limited, "/proposals/new")
    for _ in range(2):  # the form's sending has a budget of its own, refused sendings included
        assert limited.post("/proposals/new/submit", data={"csrf_token": token}).status_code == 302
    assert limited.post("/proposals/new/submit", data={"csrf_token": token}).status_code == 429
    other = {"REMOTE_ADDR": ATTACKER}
    assert limited.post("/api/v1/proposals", json=proposal_body(), environ_base=other).status_code == 201


def test_sign_in_still_works_while_the_rate_limit_store_is_down(app, accounts, sibling, monkeypatch):
    accounts.user("officer@example.vn")
    limited = sibling(RATELIMIT_ENABLED=True)
    storage = limited.extensions["rate_limits"].storage

    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for method in ("acquire_entry", "get_moving_window", "incr", "get", "check"):
        if hasattr(storage, method):
            monkeypatch.setattr(storage, method, unreachable)
    client = limited.test_client()
    assert sign_in(client, "officer@example.vn", PASSWORD).status_code == 302
    assert limited.test_client().get("/api/v1/provinces").status_code == 200


def test_a_proxy_that_is_not_configured_is_reported_once_in_the_log(app, sibling, caplog):
    unconfigured = sibling(PROXY_COUNT=0).test_client()
    for _ in range(3):
        unconfigured.get("/sign-in", headers={"X-Forwarded-For": OWNER}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and "REGISTRY_PROXY_COUNT" in r.getMessage()]
    assert len(warnings) == 1 and "10.0.0.2" in warnings[0].getMessage()
    caplog.clear()
    sibling(PROXY_COUNT=1).test_client().get("/sign-in", headers={"X-Forwarded-For": OWNER})
    assert not [r for r in caplog.records if "REGISTRY_PROXY_COUNT" in r.getMessage()]
