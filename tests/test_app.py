"""The application factory, settings, databases and migrations."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from registry import create_app
from registry.accounts.models import User
from registry.config import InsecureSecretKey, database_url
from registry.demo import DEMO_PASSWORD
from registry.extensions import db
from registry.enterprises.index import is_search_structure

from .conftest import test_config

STRONG_SECRET = "9d41e8b07c3f5a26e1b4d8f0a7c93e52b6d0f4a8c1e7b3d95f2a6c0e8b4d1f73"


def test_production_refuses_to_start_without_a_strong_secret_key(tmp_path):
    with pytest.raises(InsecureSecretKey, match="REGISTRY_SECRET_KEY"):
        create_app(test_config(f"sqlite:///{tmp_path}/x.sqlite", ENV="production", SECRET_KEY="changeme"))
    app = create_app(test_config(f"sqlite:///{tmp_path}/x.sqlite", ENV="production", SECRET_KEY=STRONG_SECRET))
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("weak", ["a" * 32, "k" * 40, "ab" * 20, "0123456789abcdef" * 2, "Password1" * 5])
def test_production_refuses_a_long_secret_key_that_is_easy_to_guess(tmp_path, weak):
    with pytest.raises(InsecureSecretKey, match="secrets.token_hex"):
        create_app(test_config(f"sqlite:///{tmp_path}/x.sqlite", ENV="production", SECRET_KEY=weak))


def test_production_init_loads_no_demo_accounts_unless_asked(tmp_path):
    app = create_app(test_config(f"sqlite:///{tmp_path}/prod.sqlite", ENV="production", SECRET_KEY=STRONG_SECRET, DEMO_DATA=True))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    client = app.test_client()
    assert _sign_in(client, "admin@demo.cnmt.vn", DEMO_PASSWORD).status_code == 200
    assert "/sign-out" not in client.get("/").get_data(as_text=True)


def test_production_refuses_demo_accounts_at_sign_in_and_with_tokens(tmp_path):
    app = create_app(test_config(f"sqlite:///{tmp_path}/prod.sqlite", ENV="production", SECRET_KEY=STRONG_SECRET))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["users", "token", "admin@demo.cnmt.vn"]).output.strip()
    client = app.test_client()
    refused = _sign_in(client, "admin@demo.cnmt.vn", DEMO_PASSWORD)
    assert refused.status_code == 403 and "Tài khoản minh họa" in refused.get_data(as_text=True)
    assert client.get("/admin/accounts").status_code == 302  # still sent to sign in
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def _sign_in(client, email, password):
    from .conftest import csrf_token

    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def test_settings_come_from_prefixed_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_PER_PAGE", "25")
    monkeypatch.setenv("REGISTRY_DEMO_DATA", "false")
    app = create_app(test_config(f"sqlite:///{tmp_path}/x.sqlite"))
    assert app.config["PER_PAGE"] == 25 and app.config["DEMO_DATA"] is False


def test_postgres_urls_use_psycopg_3():
    assert database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url("sqlite:///x") == "sqlite:///x"


def test_first_start_creates_the_database_with_reference_and_demo_data(tmp_path):
    uri = f"sqlite:///{tmp_path}/first.sqlite"
    app = create_app(test_config(uri, AUTO_INIT=True, DEMO_DATA=True))
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/provinces").get_json()["total"] == 34
    login = client.post("/sign-in", data={"email": "admin@demo.cnmt.vn", "password": "demo-password-2025",
                                          "csrf_token": __import__("tests.conftest").conftest.csrf_token(client)})
    assert login.status_code == 302
    again = create_app(test_config(uri, AUTO_INIT=True, DEMO_DATA=True))  # a second start changes nothing
    assert again.test_client().get("/").status_code == 200


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    app = create_app(test_config(f"sqlite:///{tmp_path}/pragma.sqlite", AUTO_INIT=True))
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_the_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": lambda _o, name, type_, *_: not is_search_structure(name, type_)}
        )
        assert compare_metadata(context, db.metadata) == []


def test_cli_init_is_safe_to_repeat(runner, english):
    first = runner.invoke(args=["init", "--no-demo"])
    second = runner.invoke(args=["init", "--no-demo"])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert "database ready" in second.output


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_the_search_state_migration_keeps_every_indexed_record_and_its_status(tmp_path):
    from flask_migrate import downgrade, upgrade

    from registry.enterprises.models import Enterprise, Status
    from registry.enterprises.service import create_enterprise

    app = create_app(test_config(f"sqlite:///{tmp_path}/migrate.sqlite", AUTO_INIT=True))
    directory = app.extensions["migrate"].directory
    with app.app_context():
        for tax_code, name in (("0100233488", "Công ty Xanh Bình Minh"), ("0314409058", "Công ty Xanh An Phú")):
            create_enterprise(None, {"tax_code": tax_code, "name_vi": name, "province_code": "51"}, check_similar=False)
        db.session.scalar(db.select(Enterprise).where(Enterprise.tax_code == "0314409058")).status = Status.SUSPENDED
        db.session.commit()
        index = "SELECT rowid, names, state FROM enterprise_search ORDER BY rowid"
        after = db.session.execute(db.text(index)).all()
        db.session.remove()
        downgrade(directory, "0004_enterprise_location")
        assert db.session.execute(db.text("SELECT count(*) FROM enterprise_search WHERE enterprise_search MATCH 'xanh'")).scalar() == 2
        db.session.remove()
        upgrade(directory)
        assert db.session.execute(db.text(index)).all() == after
        assert [row.state for row in after] == ["", "hidden suspended"]
