"""One path through every request: read or write by its method, committed once, refused in one way.

Transactions and errors
-----------------------
A request is a read or a write by its method: GET, HEAD and OPTIONS read, every other method
writes. The rare view that differs says so with `@writes` (a GET that keeps something) or
`@reads` (a POST that only computes), placed right under its route decorator. The decision is
taken from the request itself each time a transaction begins, so neither the order of the
`before_request` hooks (loading the signed-in user opens a transaction) nor anything a previous
request left on the same thread can change it. On SQLite a write's transaction starts with
`BEGIN IMMEDIATE` (`registry.database`), so writers queue for the lock instead of failing when
another connection committed in between.

The request handler commits once, here (`install` wraps every view): a write whose view answers
below 400 is committed; any other answer keeps nothing. No view, API handler or service calls
`commit()` or `rollback()`. Services flush, check permissions and raise the refusals of
`registry.domain_errors` (NotFound, Forbidden, Conflict, Invalid with field errors, TooLarge);
`registry.errors` rolls back and answers them in one place for pages (the error page, or for a
refused form post a message on the page the user came from) and in one for the API (its JSON
error document, `registry.api.errors`). A view that shows a refusal itself, re-rendering its
form with the field errors, answers with the refusal's status, so nothing is kept. Commands
commit once each (`registry.cli`).

A read never writes. A fact worth noting during a read (an API token's last use) is written
beside it, in a short transaction of its own that gives up when the database is busy
(`write_aside`).
"""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

from flask import Flask, current_app, g, has_request_context, request, session
from sqlalchemy import Executable
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How long a write beside a read (`write_aside`) may wait for the database before giving up.
ASIDE_WAIT_MS = 200


def writes(view: Callable) -> Callable:
    """Mark a view whose method reads (a GET) as a write: its changes are kept."""
    view.transaction = "write"
    return view


def reads(view: Callable) -> Callable:
    """Mark a view whose method writes (a POST) as a read: it changes nothing."""
    view.transaction = "read"
    return view


def request_writes() -> bool:
    """Tell whether the work going on now may write: a write request, or no request at all (commands, tests)."""
    if not has_request_context():
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    marked = getattr(view, "transaction", None)
    if marked is not None:
        return marked == "write"
    return request.method not in READ_METHODS


def discard() -> None:
    """Keep nothing of this request so far, for a view that answers a refusal with a redirect (below 400, so committed).

    Call it right before such a redirect: the flashed message stays, whatever was flushed is rolled back.
    """
    db.session.rollback()


def end_transaction(*, keep: bool) -> None:
    """End the transaction of work outside any request, such as a queued import job: commit it, or keep nothing.

    A job commits once, when its rows are all written; it also ends its read-only transactions
    this way, so that its progress can be written beside it (registry.imports.jobs).
    """
    if keep:
        db.session.commit()
    else:
        db.session.rollback()


def keep_despite_refusal() -> None:
    """Keep this write request's changes although it answers a refusal (4xx): an upload kept for the user's next try.

    Call it right after the one write to keep, such as staging a file whose coordinate system
    the user must still choose; nothing else should have been written by then.
    """
    g.keep_despite_refusal = True


def install(app: Flask) -> None:
    """Commit each write request once, after its view answered without an error (call after registering the views)."""
    for endpoint, view in app.view_functions.items():
        app.view_functions[endpoint] = _committed(view)


def _committed(view: Callable) -> Callable:
    @functools.wraps(view)
    def handle(**kwargs):
        answer = current_app.make_response(view(**kwargs))
        if request_writes():
            if answer.status_code < 400 or g.pop("keep_despite_refusal", False):
                try:
                    db.session.commit()
                except Exception:
                    session.pop("_flashes", None)  # "saved" was not
                    raise
            else:
                db.session.rollback()
        return answer

    handle.commits_once = True
    return handle


@contextlib.contextmanager
def conflict_if_stale(conflict: Callable[[], Exception]) -> Iterator[None]:
    """Raise `conflict()` when a versioned row changed underneath the flush inside the block.

    The write is lost then, so its transaction is ended first: what is saved now can be read
    for the conflict page.
    """
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise conflict() from None


def write_aside(statement: Executable) -> bool:
    """Run one small write now in a transaction of its own, beside the request's; give up (False) when the database is busy.

    For facts a read may note, such as an API token's last use: they must never turn the read's
    own transaction into a write, nor make the reader wait behind the writers.
    """
    try:
        with db.engine.connect().execution_options(writes=True) as connection:
            if connection.dialect.name != "sqlite":
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{ASIDE_WAIT_MS}ms'")
                connection.execute(statement)
                connection.commit()
                return True
            # The wait is set on the driver's connection before BEGIN IMMEDIATE, and put back after.
            raw = connection.connection.dbapi_connection
            raw.execute(f"PRAGMA busy_timeout = {ASIDE_WAIT_MS}")
            try:
                connection.execute(statement)
                connection.commit()
            finally:
                raw.execute(f"PRAGMA busy_timeout = {int(current_app.config['SQLITE_BUSY_TIMEOUT_MS'])}")
            return True
    except OperationalError:
        return False
