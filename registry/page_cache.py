"""Public pages rendered once and shared by anonymous visitors until the registry's data changes.

A page is kept (per process) under its language, path and query plus the registry's data
version: the id of the newest audit entry, which moves with every write to a record since every
write is audited. So a published edit shows at once; `PAGE_CACHE_SECONDS` only bounds what no
audit entry records (settings, which need a restart anyway) and, with `PAGE_CACHE_PAGES`, memory.
Signed-in users, visitors with a message waiting and anything but GET always get a fresh page.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable

from cachetools import TTLCache
from flask import Flask, current_app, request, session
from flask_login import current_user
from sqlalchemy import func, select, text

from .audit.models import AuditEntry
from .extensions import db
from .i18n import locale_code

# On PostgreSQL a transaction that began earlier may commit an older audit id after a newer one;
# the oldest transaction still running (its snapshot's xmin) moves when it ends, so it joins the key.
_RUNNING_SINCE = {"postgresql": text("pg_snapshot_xmin(pg_current_snapshot())")}


class PageCache:
    """Rendered pages by key, least recently used dropped first; safe to share between threads."""

    def __init__(self, pages: int, seconds: int) -> None:
        self._pages = TTLCache(maxsize=max(pages, 1), ttl=max(seconds, 1))
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._pages.get(key)

    def put(self, key: str, page: str) -> None:
        with self._lock:
            self._pages[key] = page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def install(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_PAGES"], app.config["PAGE_CACHE_SECONDS"])


def pages() -> PageCache:
    return current_app.extensions["page_cache"]


def data_version() -> str:
    """Return a value that changes whenever a write to the registry commits."""
    running_since = _RUNNING_SINCE.get(db.session.get_bind().dialect.name)
    columns = [func.max(AuditEntry.id)] + ([running_since] if running_since is not None else [])
    return ":".join(str(value) for value in db.session.execute(select(*columns)).one())


def _personal() -> bool:
    """Tell whether this answer must not be shared: a signed-in user, a message to show, or not a GET."""
    return (request.method != "GET" or not current_app.config["PAGE_CACHE_SECONDS"]
            or bool(session.get("_flashes")) or current_user.is_authenticated)


def shared_page(view: Callable) -> Callable:
    """Keep what `view` renders for anonymous visitors (rendered pages only: no redirects or errors)."""
    @functools.wraps(view)
    def serve(*args, **kwargs):
        if _personal():
            return view(*args, **kwargs)
        key = f"{locale_code()}:{data_version()}:{request.full_path}"
        page = pages().get(key)
        if page is None:
            page = view(*args, **kwargs)
            if isinstance(page, str) and not session.modified:  # a form's CSRF token would be this visitor's own
                pages().put(key, page)
        return page
    return serve
