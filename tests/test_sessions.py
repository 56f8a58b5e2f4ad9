"""Signed-in sessions end on the server: sign-out, idle and absolute time-outs, no writes on reads."""
from __future__ import annotations

import time
from datetime import timedelta

from registry.accounts.models import UserSession
from registry.audit.models import utcnow
from registry.extensions import db

from .conftest import csrf_token


def signed_in(app, accounts):
    accounts.user("officer@example.vn")
    client = app.test_client()
    assert accounts.sign_in(client, "officer@example.vn").status_code == 302
    return client


def copy_of_cookie(app, client):
    """Another browser holding a captured copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def only_session(app):
    with app.app_context():
        return db.session.scalars(db.select(UserSession)).one()


def test_a_captured_cookie_stops_working_once_its_owner_signs_out(app, accounts):
    owner = signed_in(app, accounts)
    thief = copy_of_cookie(app, owner)
    assert thief.get("/account").status_code == 200  # a copy works while the session lives
    owner.post("/sign-out", data={"csrf_token": csrf_token(owner, "/account")})
    assert thief.get("/account").status_code == 302  # sent to sign in
    assert only_session(app).revoked_at is not None


def test_a_session_left_idle_too_long_ends(app, accounts):
    client = signed_in(app, accounts)
    with client.session_transaction() as stored:
        stored["seen"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 + 120
    assert client.get("/account").status_code == 200  # still within the idle time: the clock moves on
    with client.session_transaction() as stored:
        assert stored["seen"] >= int(time.time()) - 5
        stored["seen"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 1
    assert client.get("/account").status_code == 302


def test_any_session_ends_after_the_absolute_time_out_however_busy(app, accounts):
    client = signed_in(app, accounts)
    with app.app_context():
        record = db.session.scalars(db.select(UserSession)).one()
        record.created_at = utcnow() - timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
        db.session.commit()
    assert client.get("/account").status_code == 302


def test_signing_out_everywhere_ends_every_server_side_session(app, accounts):
    laptop = signed_in(app, accounts)
    phone = app.test_client()
    accounts.sign_in(phone, "officer@example.vn")
    laptop.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(laptop, "/account")})
    assert phone.get("/account").status_code == 302
    with app.app_context():
        assert all(s.revoked_at is not None for s in db.session.scalars(db.select(UserSession)))


def test_reading_pages_signed_in_writes_nothing_to_the_database(app, accounts):
    client = signed_in(app, accounts)
    before = only_session(app)
    with client.session_transaction() as stored:
        stored["seen"] = int(time.time()) - 600  # due for the idle clock to move on
    for path in ("/account", "/enterprises/", "/account"):
        assert client.get(path).status_code == 200
    assert only_session(app).last_seen_at == before.last_seen_at


def test_signing_in_again_drops_the_sessions_past_their_time(app, accounts):
    signed_in(app, accounts)
    with app.app_context():
        record = db.session.scalars(db.select(UserSession)).one()
        record.created_at = utcnow() - timedelta(hours=app.config["SESSION_MAX_HOURS"] + 1)
        db.session.commit()
    accounts.sign_in(app.test_client(), "officer@example.vn")
    assert only_session(app).created_at > utcnow() - timedelta(minutes=1)


def test_a_get_marked_as_a_write_notes_the_session_as_seen(app, accounts):
    """Switching the language is a write (`@writes`), so it keeps the session's last-seen time like any other write."""
    client = signed_in(app, accounts)
    with app.app_context():
        record = db.session.scalars(db.select(UserSession)).one()
        record.last_seen_at = before = utcnow() - timedelta(minutes=10)
        db.session.commit()
    with client.session_transaction() as stored:
        stored["seen"] = int(time.time()) - 600
    assert client.get("/language/en").status_code == 302
    assert only_session(app).last_seen_at > before + timedelta(minutes=9)
