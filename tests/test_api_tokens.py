"""API tokens: an expiry, a read or write scope, and revocation when the password changes."""
from __future__ import annotations

from datetime import timedelta

from flask import g

from registry.accounts import service
from registry.accounts.models import ApiToken
from registry.audit.models import utcnow
from registry.api.auth import token_required
from registry.extensions import db
from registry.transactions import reads, writes

from .conftest import PASSWORD, csrf_token

NEW_ENTERPRISE = {"tax_code": "0314409058", "name_vi": "Công ty TNHH Tái chế Sông Trà", "province_code": "51"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_read_token_reads_but_a_write_gets_a_clear_403(app, runner, client, accounts):
    accounts.user("officer@example.vn")
    result = runner.invoke(args=["users", "token", "officer@example.vn", "--scope", "read"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    refused = client.post("/api/v1/enterprises", headers=bearer(token), json=NEW_ENTERPRISE)
    assert refused.status_code == 403
    assert "write" in refused.get_data(as_text=True)
    writer = runner.invoke(args=["users", "token", "officer@example.vn"]).output.strip()  # write, as before
    assert client.post("/api/v1/enterprises", headers=bearer(writer), json=NEW_ENTERPRISE).status_code == 201


def test_a_token_expires_after_its_days(app, runner, client, accounts):
    accounts.user("officer@example.vn")
    token = runner.invoke(args=["users", "token", "officer@example.vn", "--days", "7"]).output.strip()
    with app.app_context():
        record = db.session.scalars(db.select(ApiToken)).one()
        assert timedelta(days=6, hours=23) < record.expires_at - utcnow() <= timedelta(days=7)
        record.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.post("/api/v1/enterprises", headers=bearer(token), json=NEW_ENTERPRISE).status_code == 401


def test_new_tokens_last_the_configured_days_by_default(app, runner, accounts):
    accounts.user("officer@example.vn")
    runner.invoke(args=["users", "token", "officer@example.vn"])
    with app.app_context():
        record = db.session.scalars(db.select(ApiToken)).one()
        assert record.scope == "write"
        days = app.config["API_TOKEN_DAYS"]
        assert timedelta(days=days) - timedelta(minutes=1) < record.expires_at - utcnow() <= timedelta(days=days)
    assert runner.invoke(args=["users", "token", "officer@example.vn", "--days", "0"]).exit_code != 0


def test_changing_the_password_revokes_every_api_token(app, runner, client, accounts):
    accounts.user("officer@example.vn")
    token = runner.invoke(args=["users", "token", "officer@example.vn"]).output.strip()
    accounts.sign_in(client, "officer@example.vn")
    changed = client.post("/account/password", data={
        "current": PASSWORD, "password": "a much newer password", "confirm": "a much newer password",
        "csrf_token": csrf_token(client, "/account"),
    })
    assert changed.status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_setting_a_password_from_the_cli_revokes_the_tokens_too(app, runner, client, accounts):
    accounts.user("officer@example.vn")
    token = runner.invoke(args=["users", "token", "officer@example.vn"]).output.strip()
    assert runner.invoke(args=["users", "set-password", "officer@example.vn", "--password", "brand new password"]).exit_code == 0
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_the_account_page_shows_each_tokens_scope_and_expiry_and_makes_read_tokens(app, client, accounts, english):
    accounts.user("officer@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    client.post("/account/tokens", data={"name": "báo cáo", "scope": "read", "csrf_token": csrf_token(client, "/account")})
    page = client.get("/account").get_data(as_text=True)
    assert "Read only" in page and "Expires" in page
    with app.app_context():
        record = db.session.scalars(db.select(ApiToken)).one()
        assert record.scope == "read" and record.expires_at > utcnow()
        service.revoke_token(record.user, record.id)
        db.session.commit()
    assert "báo cáo" not in client.get("/account").get_data(as_text=True)


def test_the_scope_a_call_needs_follows_the_views_read_or_write_marker(app, runner, client, accounts, monkeypatch):
    """A POST that only computes (`@reads`) takes a read token; a GET that keeps something (`@writes`) needs write."""
    accounts.user("officer@example.vn")
    reader = runner.invoke(args=["users", "token", "officer@example.vn", "--scope", "read"]).output.strip()

    def answered():
        return {"user": g.api_user.email}

    monkeypatch.setitem(app.view_functions, "api.create_enterprise", reads(token_required(answered)))
    monkeypatch.setitem(app.view_functions, "api.me", writes(token_required(answered)))
    computed = client.post("/api/v1/enterprises", headers=bearer(reader), json=NEW_ENTERPRISE)
    assert computed.status_code == 200 and computed.get_json() == {"user": "officer@example.vn"}
    assert client.get("/api/v1/me", headers=bearer(reader)).status_code == 403
