"""Fixtures: the real app on a real SQLite database, and on PostgreSQL when one is configured.

Set REGISTRY_TEST_POSTGRES_URL (for example postgresql://registry:registry@127.0.0.1/registry_test)
to run every database test on PostgreSQL as well; CI does.
"""
from __future__ import annotations

import contextlib
import os
import re

import pytest
from flask import has_app_context
from jinja2 import StrictUndefined
from sqlalchemy import create_engine, text

from registry import create_app
from registry.audit.service import acting_as
from registry.catalog.service import load_shipped_catalog
from registry.database import init_database
from registry.extensions import db
from registry.enterprises.index import clear_index

from .factories import BOARD_B, PASSWORD, make_organization, make_user, make_zone

POSTGRES_URL = os.environ.get("REGISTRY_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
REFERENCE_TABLES = {"province", "commune", "legacy_province", "alembic_version", "data_version"}


def test_config(database_uri: str, **overrides) -> dict:
    return {
        "ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "4f0c9e1a7b2d8e35c6a1f09b7d2e4c8a1b3f5d7e9c0a2b4d6f8e1c3a5b7d9f0e",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "AUTO_INIT": False,
        "DEMO_DATA": False,
        "FACET_CACHE_SECONDS": 0,  # every test sees counts of its own records
        "RATELIMIT_ENABLED": False,  # tests about the limits turn them on (tests/test_throttling.py)
        **overrides,
    }


test_config.__test__ = False  # a helper, not a test


def _empty_postgres(url: str) -> str:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def base_app(request, tmp_path_factory):
    """One app per database backend, migrated and loaded with reference data once."""
    if request.param == "sqlite":
        uri = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "registry.sqlite")
    else:
        uri = _empty_postgres(POSTGRES_URL)
    app = create_app(test_config(uri, MAIL_OUTBOX=str(tmp_path_factory.mktemp("outbox"))))
    app.jinja_env.undefined = StrictUndefined
    with app.app_context():
        init_database(app, demo=False)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(base_app):
    """The app, emptied afterwards of everything but the reference data.

    No application context stays pushed during the test: each test-client request gets its own,
    as in production (a shared one would carry `g`, the signed-in user and the locale between
    requests). Use the `ctx` fixture, or `with app.app_context():`, to reach the database directly.
    """
    yield base_app
    empty_database(base_app)


def empty_database(app) -> None:
    """Delete everything but the reference data, and load the shipped catalog again."""
    with app.app_context(), acting_as("tests"):
        db.session.rollback()
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
            clear_index(connection)
        load_shipped_catalog()
        db.session.commit()
        db.session.remove()
        # The emptying above bypasses the session, so the data version does not move: pages kept from this test must go.
        app.extensions["page_cache"].clear()
        app.extensions.pop("zone_index", None)  # kept under the zones' data version, which did not move either
        app.extensions.pop("province_index", None)  # and these two under the places' version
        app.extensions.pop("province_outlines", None)


@pytest.fixture
def ctx(app):
    """An application context for tests that call services and the database directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path: str = "/sign-in") -> str:
    """Read the CSRF token a page's form carries, as a browser would."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Accounts:
    """Make organizations and users with roles, and sign them in."""

    def __init__(self, app):
        self.app = app

    @contextlib.contextmanager
    def _context(self):
        if has_app_context():
            yield
        else:
            with self.app.app_context():
                yield

    def organization(self, **overrides):
        """`factories.make_organization`, with or without an application context."""
        with self._context():
            return make_organization(**overrides)

    def user(self, email="officer@example.vn", **overrides):
        """`factories.make_user`; outside an app context the returned object is detached, so use its e-mail."""
        with self._context():
            return make_user(email, **overrides)

    def sign_in(self, client, email, password=PASSWORD):
        return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


@pytest.fixture
def accounts(app):
    return Accounts(app)


@pytest.fixture
def zones_ab(app):
    """The ids of two zones: Sa Đéc (Đồng Tháp) under board A, and the Nhơn Hội economic zone (Bình Định) under board B."""
    with app.app_context():
        return make_zone().id, make_zone("Khu kinh tế Nhơn Hội", BOARD_B, "52", kind="economic_zone").id


@pytest.fixture
def english(client, monkeypatch):
    """Read pages and command output in English (the site's default is Vietnamese)."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    client.get("/language/en")
    return client
