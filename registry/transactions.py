"""One path through every request: read or write by its method.

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

A read never writes. A fact worth noting during a read (an API token's last use) is written
beside it, in a short transaction of its own that gives up when the database is busy
(`registry.database.write_aside`).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, has_request_context, request

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
