"""Connect to SQLite or PostgreSQL, and create or upgrade the schema with reference data."""
from __future__ import annotations

import fcntl
from pathlib import Path

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import event, inspect

from .extensions import db
from .transactions import request_writes


# SQLite reads the file through memory mapping up to this size instead of a read() per page. A
# zone's row holds its boundary and display shapes inline, so reading the map's shape stored last
# in the row walks the row's chain of overflow pages: a third of the time for the 3,000 zones of
# the whole-country layer, and for the enterprises read by id.
MMAP_BYTES = 256 * 1024 * 1024


def install(app: Flask) -> None:
    """Tune SQLite connections: WAL, foreign keys, a busy timeout, memory-mapped reads, and BEGIN IMMEDIATE for writes."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    timeout_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # pysqlite's own transaction handling is switched off so SQLAlchemy's "begin" event below
        # decides how transactions start (the SQLAlchemy documentation's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A read followed by a write in one deferred transaction fails at once with SQLITE_BUSY
        # when another connection committed in between, whatever the timeout; taking the write
        # lock up front makes writers wait their turn instead.
        writing = connection.get_execution_options().get("writes")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if (request_writes() if writing is None else writing) else "BEGIN")


def is_current(app: Flask) -> bool:
    """Tell whether the database exists and is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        return set(MigrationContext.configure(connection).get_current_heads()) == set(script.get_heads())


def init_database(app: Flask, *, demo: bool | None = None) -> list[str]:
    """Upgrade the schema to the newest migration and load reference (and demo) data; safe to repeat.

    `demo` None follows the DEMO_DATA setting, except in production, where demo records load
    only when asked for explicitly.
    """
    from flask_migrate import upgrade

    from .audit.service import acting_as
    from .catalog.service import load_shipped_catalog
    from .incentives.service import load_national_policies
    from .incubators.service import load_reference_incubators
    from .places.service import load_reference_places
    from .zones.display_levels import fill_display_levels
    from .zones.reference import load_reference_figures, load_reference_zones

    done = []
    upgrade(directory=app.extensions["migrate"].directory)
    with acting_as("init"):
        communes = load_reference_places()
        done.append(_("%(n)d communes in 34 provinces", n=communes))
        if load_shipped_catalog():
            done.append(_("the provisional Decision 980 catalog"))
        if zones := load_reference_zones():
            done.append(_("%(n)d reference zones", n=zones))
        if figures := load_reference_figures():
            done.append(_("%(n)d sourced zone figures", n=figures))
        if policies := load_national_policies():
            done.append(_("%(n)d national incentive rules", n=policies))
        if incubators := load_reference_incubators():
            done.append(_("%(n)d sourced reference incubators", n=incubators))
        if shaped := fill_display_levels():
            done.append(_("map shapes per zoom level for %(n)d existing zones", n=shaped))
        if demo is None:
            demo = app.config["DEMO_DATA"] and app.config["ENV"] != "production"
        if demo:
            from .demo import load_demo

            done.extend(load_demo())
        db.session.commit()
    return done


def ensure_ready(app: Flask) -> None:
    """On start, bring the database up to date once, even when several workers start together."""
    with app.app_context():
        if is_current(app):
            return
        lock_path = Path(app.instance_path) / "init.lock"
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not is_current(app):
                    for line in init_database(app):
                        app.logger.warning("First start: loaded %s", line)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        db.session.remove()
