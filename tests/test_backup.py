"""Backups: an operator backs the live database up, and a restore brings back exactly what was saved."""
from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from registry.extensions import db

from .conftest import csrf_token
from .factories import enterprise_profile, officer_token, post_enterprise


@pytest.fixture
def tools(app):
    """Skip on PostgreSQL when pg_dump and pg_restore are missing here (never in CI, which installs them)."""
    with app.app_context():
        backend = db.engine.url.get_backend_name()
    if backend != "sqlite" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore must be installed in CI (apt-get install postgresql-client)")
        pytest.skip("pg_dump or pg_restore is not installed (apt-get install postgresql-client)")
    return backend


@pytest.fixture
def command_line_in_english(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")


# A restore moves the page counters on and signs everyone out (see the test on sessions below).
MOVED_BY_RESTORE = {"data_version": None, "user_session": {"revoked_at"}, "user": {"session_version"}}


def every_row(app) -> dict[str, list[tuple]]:
    """Read every row of every table in primary-key order, leaving out what a restore moves on."""
    with app.app_context():
        rows = {}
        for table in db.metadata.sorted_tables:
            if table.name in MOVED_BY_RESTORE and MOVED_BY_RESTORE[table.name] is None:
                continue
            columns = [c for c in table.columns if c.name not in (MOVED_BY_RESTORE.get(table.name) or ())]
            rows[table.name] = [tuple(r) for r in db.session.execute(db.select(*columns).order_by(*table.primary_key.columns))]
        db.session.remove()
    return rows


def test_a_restore_brings_back_the_data_of_the_backup(app, client, runner, accounts, tools, tmp_path):
    token = officer_token(runner, accounts)
    created = post_enterprise(client, token, enterprise_profile()).get_json()
    backup = tmp_path / "registry.backup"
    done = runner.invoke(args=["backup", str(backup)])
    assert done.exit_code == 0, done.output
    saved = every_row(app)
    assert saved["enterprise"] and saved["audit_entry"] and saved["user"]

    headers = {"Authorization": f"Bearer {token}"}
    changed = client.patch(f"/api/v1/enterprises/{created['id']}", headers=headers,
                           json={"name_vi": "Công ty TNHH Nước sạch Dung Quất", "version": created["version"]})
    assert changed.status_code == 200, changed.get_json()
    assert post_enterprise(client, token, enterprise_profile(tax_code="0100109106", name_vi="Công ty CP Tái chế Miền Trung")).status_code == 201
    page = f"/enterprises/{created['id']}"
    assert "Nước sạch Dung Quất" in client.get(page).get_data(as_text=True)  # now kept for visitors
    assert every_row(app) != saved

    done = runner.invoke(args=["restore", str(backup), "--yes"])
    assert done.exit_code == 0, done.output
    assert every_row(app) == saved
    shown = client.get(page).get_data(as_text=True)
    assert "Điện lực Dung Quất" in shown and "Nước sạch" not in shown  # no page kept from before the restore
    found = client.get("/api/v1/enterprises", query_string={"q": "tai che mien trung"}).get_json()
    assert found["total"] == 0
    assert client.get("/api/v1/enterprises", query_string={"q": "dien luc dung quat"}).get_json()["total"] == 1
    again = client.patch(f"/api/v1/enterprises/{created['id']}", headers=headers, json={"name_en": "Restored", "version": created["version"]})
    assert again.status_code == 200, again.get_json()  # the restored database takes writes


def test_a_restore_signs_everyone_out_and_ended_sessions_stay_ended(app, runner, accounts, tools, tmp_path):
    accounts.user("officer@example.vn")
    accounts.user("rep@example.vn", role=None)
    leaving, staying = app.test_client(), app.test_client()
    assert accounts.sign_in(leaving, "officer@example.vn").status_code == 302
    assert accounts.sign_in(staying, "rep@example.vn").status_code == 302
    copied = app.test_client()
    copied.set_cookie("session", leaving.get_cookie("session").value)
    backup = tmp_path / "registry.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    leaving.post("/sign-out", data={"csrf_token": csrf_token(leaving, "/account")})
    assert copied.get("/account").status_code == 302

    done = runner.invoke(args=["restore", str(backup), "--yes"])
    assert done.exit_code == 0, done.output
    assert copied.get("/account").status_code == 302  # the session ended after the backup stays ended
    assert staying.get("/account").status_code == 302  # and everyone else signs in again
    assert accounts.sign_in(app.test_client(), "rep@example.vn").status_code == 302


def test_a_new_server_restores_last_nights_backup_into_an_empty_database(app, client, runner, accounts, tools, tmp_path):
    from registry import create_app

    from .conftest import test_config

    if tools != "sqlite":
        pytest.skip("a second PostgreSQL database is not at hand")
    token = officer_token(runner, accounts)
    post_enterprise(client, token, enterprise_profile())
    backup = tmp_path / "registry.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    new_server = create_app(test_config("sqlite:///" + str(tmp_path / "new.sqlite")))
    try:
        done = new_server.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
        assert done.exit_code == 0, done.output
        assert every_row(new_server) == every_row(app)
        found = new_server.test_client().get("/api/v1/enterprises", query_string={"q": "dien luc"}).get_json()
        assert found["total"] == 1
    finally:
        with new_server.app_context():
            db.engine.dispose()


def test_a_backup_of_a_live_sqlite_database_is_one_file_that_opens_alone(app, runner, accounts, tools, tmp_path):
    if tools != "sqlite":
        pytest.skip("about SQLite files")
    accounts.user()
    backup = tmp_path / "registry.sqlite.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    assert not (tmp_path / "registry.sqlite.backup-wal").exists()
    connection = sqlite3.connect(backup)
    try:
        assert connection.execute("SELECT email FROM user").fetchall() == [("officer@example.vn",)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        connection.close()


def test_a_backup_never_replaces_a_file_unless_forced(runner, tools, tmp_path, command_line_in_english):
    backup = tmp_path / "registry.backup"
    backup.write_bytes(b"last week's backup")
    refused = runner.invoke(args=["backup", str(backup)])
    assert refused.exit_code != 0
    assert str(backup) in refused.output and "--force" in refused.output
    assert backup.read_bytes() == b"last week's backup"
    assert runner.invoke(args=["backup", str(backup), "--force"]).exit_code == 0
    assert backup.read_bytes() != b"last week's backup"
    assert [p.name for p in tmp_path.iterdir()] == ["registry.backup"]  # no partial file left beside it


def test_a_backup_into_a_missing_folder_names_it(runner, tools, tmp_path, command_line_in_english):
    done = runner.invoke(args=["backup", str(tmp_path / "nowhere" / "registry.backup")])
    assert done.exit_code != 0
    assert str(tmp_path / "nowhere") in done.output and "does not exist" in done.output


def test_a_restore_asks_first_and_keeps_the_data_when_refused(app, runner, accounts, tools, tmp_path, command_line_in_english):
    backup = tmp_path / "registry.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    accounts.user()
    before = every_row(app)
    refused = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert refused.exit_code != 0
    assert str(backup) in refused.output and "Nothing restored" in refused.output
    assert every_row(app) == before


def test_a_restore_from_a_file_that_is_not_our_backup_is_refused_naming_it(app, runner, accounts, tools, tmp_path,
                                                                           command_line_in_english):
    accounts.user()
    before = every_row(app)
    missing = runner.invoke(args=["restore", str(tmp_path / "missing.backup"), "--yes"])
    assert missing.exit_code != 0 and f"There is no backup file at {tmp_path / 'missing.backup'}" in missing.output
    notes = tmp_path / "notes.txt"
    notes.write_text("Không phải bản sao lưu", encoding="utf-8")
    refused = runner.invoke(args=["restore", str(notes), "--yes"])
    assert refused.exit_code != 0 and str(notes) in refused.output and "is not a" in refused.output
    stranger = tmp_path / "other.sqlite"
    with sqlite3.connect(stranger) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
    connection.close()
    if tools == "sqlite":
        refused = runner.invoke(args=["restore", str(stranger), "--yes"])
        assert refused.exit_code != 0 and "not one of this registry" in refused.output
    assert every_row(app) == before


def test_without_pg_dump_the_backup_says_what_to_install(app, runner, tools, tmp_path, monkeypatch, command_line_in_english):
    if tools == "sqlite":
        pytest.skip("SQLite needs no program")
    monkeypatch.setenv("PATH", str(tmp_path))
    done = runner.invoke(args=["backup", str(tmp_path / "registry.backup")])
    assert done.exit_code != 0
    assert "pg_dump is not installed" in done.output and str(tmp_path / "registry.backup") in done.output
