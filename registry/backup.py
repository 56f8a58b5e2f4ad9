"""Back the registry's database up to one file and restore it, while the site keeps running.

SQLite is copied with its online backup API, which reads a consistent snapshot of a live WAL
database (copying the file itself could catch it half-written) and, in the other direction,
writes into the live file under SQLite's own locks, so other processes see the restored data.
PostgreSQL goes through `pg_dump --format=custom` and `pg_restore --clean` in one transaction.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_migrate import upgrade
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from .accounts.service import end_every_session
from .audit.service import advance_data_versions, data_versions
from .database import is_current
from .extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Tables every database of ours has had since the first migration.
OUR_TABLES = frozenset({"alembic_version", "province", "user"})


class BackupFailed(Exception):
    """A backup or restore that could not be done, with a message naming the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def back_up(path: Path, *, force: bool = False) -> Path:
    """Write a backup of the configured database to `path`; refuse to replace a file unless `force`."""
    path = Path(path)
    if path.exists() and not force:
        raise BackupFailed(_("%(path)s already exists; choose another name or pass --force to replace it.", path=path))
    if not path.parent.is_dir():
        raise BackupFailed(_("Cannot write %(path)s: the folder %(folder)s does not exist.", path=path, folder=path.parent))
    partial = path.with_name(f".{path.name}.partial")
    url = db.engine.url
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_file(url), partial)
        else:
            _run("pg_dump", ["--format=custom", "--no-password", f"--file={partial}"], url, path)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def check_backup(path: Path) -> Path:
    """Make sure `path` holds a backup of this registry for the configured kind of database."""
    path = Path(path)
    if not path.is_file():
        raise BackupFailed(_("There is no backup file at %(path)s.", path=path))
    if db.engine.url.get_backend_name() == "sqlite":
        _check_sqlite_backup(path)
    else:
        _check_pg_backup(path)
    return path


def restore(path: Path) -> None:
    """Replace the configured database's contents with the backup at `path`, signing everyone out."""
    path = check_backup(path)
    url = db.engine.url
    sqlite = url.get_backend_name() == "sqlite"
    try:
        before = data_versions()
    except SQLAlchemyError:  # an empty database, as on a new server before its first `init`
        db.session.rollback()
        before = {}
    # Nothing of this process may keep a connection (or a transaction) into the old contents.
    db.session.remove()
    db.engine.dispose()
    if sqlite:
        _sqlite_backup(path, _sqlite_file(url))
    else:
        _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password"], url, path)
    db.engine.dispose()
    if not is_current(current_app):  # a backup from an older release
        upgrade(directory=current_app.extensions["migrate"].directory)
    # The restored counters are older than pages other processes keep: move them past both.
    advance_data_versions(before)
    # Sessions ended after the backup was taken would live again: everyone signs in afresh.
    end_every_session()
    db.session.commit()
    current_app.extensions["page_cache"].clear()


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupFailed(_("The database is in memory; there is no file to back up or restore."))
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    """Copy one SQLite database into another page by page, the target left in its own journal mode."""
    fresh = not target.exists()
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as reader, closing(sqlite3.connect(target)) as writer:
            reader.backup(writer)
            if fresh:  # a backup file stands alone, without -wal and -shm files beside it
                writer.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        raise BackupFailed(_("Could not copy %(source)s to %(target)s: %(error)s", source=source, target=target, error=error)) from None


def _check_sqlite_backup(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupFailed(_("%(path)s is not a backup of a SQLite database.", path=path))
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            healthy = connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.Error:
        tables, healthy = set(), False
    if not OUR_TABLES <= tables:
        raise BackupFailed(_("%(path)s is a SQLite database, but not one of this registry.", path=path))
    if not healthy:
        raise BackupFailed(_("%(path)s is damaged; nothing was restored.", path=path))


def _check_pg_backup(path: Path) -> None:
    with open(path, "rb") as handle:
        if handle.read(len(PG_DUMP_MAGIC)) != PG_DUMP_MAGIC:
            raise BackupFailed(_("%(path)s is not a PostgreSQL backup made by pg_dump --format=custom.", path=path))
    listing = _run("pg_restore", ["--list"], None, path)
    tables = set()
    for line in listing.splitlines():
        words = line.split()
        if "TABLE" in words and "DATA" not in words:  # "215; 1259 16390 TABLE public province registry"
            at = words.index("TABLE")
            tables.update(words[at + 2:at + 3])
    if not OUR_TABLES <= tables:
        raise BackupFailed(_("%(path)s is a PostgreSQL backup, but not one of this registry.", path=path))


def _run(program: str, options: list[str], url: URL | None, path: Path) -> str:
    """Run pg_dump or pg_restore against the configured database, turning every failure into BackupFailed."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupFailed(_("%(program)s is not installed (Debian: apt-get install postgresql-client); %(path)s was not touched.",
                             program=program, path=path))
    environment = dict(os.environ)
    arguments = [executable, *options]
    if url is not None:
        # The password goes through the environment, not the command line other users can read.
        if url.password:
            environment["PGPASSWORD"] = str(url.password)
        libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        arguments.append(f"--dbname={libpq}")
    if program == "pg_restore":
        arguments.append(str(path))
    done = subprocess.run(arguments, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupFailed(_("%(program)s failed on %(path)s: %(error)s", program=program, path=path,
                             error=done.stderr.strip() or done.returncode))
    return done.stdout
