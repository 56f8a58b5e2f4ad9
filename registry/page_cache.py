"""Public pages rendered once and shared by anonymous visitors until the registry's data changes.

A page is kept (per process, through Flask-Caching) under its path, query and language plus
the registry's data version: the id of the newest audit entry, which moves with every write to a
record since every write is audited. So a published edit shows at once; `PAGE_CACHE_SECONDS`
only bounds memory and what no audit entry records (settings, which need a restart anyway).
Signed-in users, visitors with a message waiting and anything but GET always get a fresh page.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request, session
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy import func, select, text

from .audit.models import AuditEntry
from .extensions import db
from .i18n import locale_code

cache = Cache()
# On PostgreSQL a transaction that began earlier may commit an older audit id after a newer one;
# the oldest transaction still running (its snapshot's xmin) moves when it ends, so it joins the key.
_RUNNING_SINCE = {"postgresql": text("pg_snapshot_xmin(pg_current_snapshot())")}


def install(app: Flask) -> None:
    seconds = app.config["PAGE_CACHE_SECONDS"]
    cache.init_app(app, config={
        "CACHE_TYPE": "SimpleCache" if seconds > 0 else "NullCache",
        "CACHE_DEFAULT_TIMEOUT": seconds,
        "CACHE_THRESHOLD": app.config["PAGE_CACHE_PAGES"],
    })


def data_version() -> str:
    """Return a value that changes whenever a write to the registry commits."""
    running_since = _RUNNING_SINCE.get(db.session.get_bind().dialect.name)
    columns = [func.max(AuditEntry.id)] + ([running_since] if running_since is not None else [])
    return ":".join(str(value) for value in db.session.execute(select(*columns)).one())


def _key() -> str:
    return f"page:{locale_code()}:{data_version()}:{request.full_path}"


def _personal() -> bool:
    """Tell whether this answer must not be shared: a signed-in user, a message to show, or not a GET."""
    return (request.method != "GET" or not current_app.config["PAGE_CACHE_SECONDS"]
            or bool(session.get("_flashes")) or current_user.is_authenticated)


def shared_page(view: Callable) -> Callable:
    """Keep what `view` renders for anonymous visitors (rendered pages only: no redirects or errors)."""
    return cache.cached(key_prefix=_key, unless=_personal, response_filter=lambda rendered: isinstance(rendered, str))(view)
