"""Public pages rendered once and shared by anonymous visitors until the data they show changes.

A page is kept (per process) under its language, path and query plus the data versions of the
kinds of record it shows (enterprises, zones, catalog …): counters that every committed write to
that kind moves (`registry.audit.models.DataVersion`). So a published edit shows at once on every
page that shows it, while a zone's edit leaves the catalog's pages in place. `PAGE_CACHE_SECONDS`
bounds what the database does not hold (settings, which need a restart anyway) and, with
`PAGE_CACHE_PAGES`, memory. Signed-in users, visitors with a message waiting, pages that gave
a visitor a form token, and anything but GET are never shared. API answers are kept the same
way (`shared_page(..., audience=...)`): a JSON body with its media type, under the audience the
view names, so that token holders who see only what visitors see share the visitors' answers.
"""
from __future__ import annotations

import functools
import secrets
import threading
from array import array
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from cachetools import TTLCache
from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from .audit.models import ALL, KINDS
from .audit.service import changed_in_transaction, data_versions
from .i18n import locale_code

# A JSON answer is kept up to this size (a page of 20 enterprises is about 15,000 characters), so
# that PAGE_CACHE_PAGES answers of 200 records each cannot hold hundreds of megabytes.
KEEP_JSON_CHARS = 32_768
# A kept array of ids (a search's matches) counts as one entry of LIST_CACHE_ENTRIES per this many bytes, so that
# the entries bound memory: a thousand broad searches of 30,000 ids each would otherwise hold 120 MB.
ENTRY_BYTES = 4096
# Kept pages carry this where each answer needs its own CSP nonce (registry.security_headers).
NONCE_STAND_IN = "nonce-" + secrets.token_hex(16)
V = TypeVar("V")


class KeptAnswer(NamedTuple):
    """An answer other than a rendered page (an API's JSON), kept with its media type."""

    body: str
    mimetype: str


class PageCache:
    """Rendered pages by key, least recently used dropped first; safe to share between threads.

    Beside the pages it keeps values (`kept_value`) under their own size and time limits, so
    that they outlive a page cache turned off; `clear` forgets both.
    """

    def __init__(self, pages: int, seconds: int, values: int = 1, value_seconds: int = 1) -> None:
        self._pages = TTLCache(maxsize=max(pages, 1), ttl=max(seconds, 1))
        self._values = TTLCache(maxsize=max(values, 1), ttl=max(value_seconds, 1), getsizeof=_entries)
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            return self._pages.get(key)

    def put(self, key: str, page) -> None:
        with self._lock:
            self._pages[key] = page

    def value(self, key: str):
        with self._lock:
            return self._values.get(key)

    def keep_value(self, key: str, value) -> None:
        if _entries(value) > self._values.maxsize:
            return  # larger than every value kept together: computed each time
        with self._lock:
            self._values[key] = value

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._values.clear()


def _entries(value) -> int:
    """How many of LIST_CACHE_ENTRIES a kept value takes: one, or for an array one per ENTRY_BYTES it holds."""
    return 1 + len(value) * value.itemsize // ENTRY_BYTES if isinstance(value, array) else 1


def install(app: Flask) -> None:
    config = app.config
    app.extensions["page_cache"] = PageCache(config["PAGE_CACHE_PAGES"], config["PAGE_CACHE_SECONDS"],
                                             config["LIST_CACHE_ENTRIES"], config["LIST_CACHE_SECONDS"])


def pages() -> PageCache:
    return current_app.extensions["page_cache"]


def kept_value(shows: tuple[str, ...], key: str, compute: Callable[[], V], worth_keeping: Callable[[V], bool] = bool) -> V:
    """Return `compute()`, kept per process under the data versions of the kinds it reads (`shows`) and `key`.

    For what a list costs most at 100,000 records, its total, a search's ranked matches and the
    marks its deep pages are sought from (`enterprises.queries`): the next page, another page
    size or an answer the page cache does not keep reuses them, and any committed write to
    those kinds computes them again. They are kept apart from the pages (`LIST_CACHE_SECONDS`,
    `LIST_CACHE_ENTRIES`), so a server without the page cache keeps them too. Only values
    `worth_keeping` are kept (a small total is counted as fast as it is looked up). Within a
    transaction that has written they are always computed.
    """
    if not current_app.config["LIST_CACHE_SECONDS"] or changed_in_transaction():
        return compute()
    versions = g.get("page_cache_versions")
    if versions is None or not set(shows) <= set(versions):
        versions = g.page_cache_versions = {**(versions or {}), **data_versions(shows, flush=False)}
    kept_key = f"{':'.join(str(versions[kind]) for kind in shows)}:{key}"
    value = pages().value(kept_key)
    if value is None:
        value = compute()
        if worth_keeping(value):
            pages().keep_value(kept_key, value)
    return value


def _personal() -> bool:
    """Tell whether this answer must not be shared: a signed-in user, a message to show, or not a GET."""
    return (request.method != "GET" or not current_app.config["PAGE_CACHE_SECONDS"]
            or bool(session.get("_flashes")) or current_user.is_authenticated)


def _visitors_own() -> bool:
    """Tell whether the page carries a CSRF token made for this visitor (Flask-WTF keeps it in `g`)."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


def shared_page(*shows: str | Callable, audience: Callable[[], str | None] | None = None,
                kept_when: Callable[[], bool] | None = None) -> Callable:
    """Keep what a view renders for anonymous visitors (rendered pages only: no redirects or errors).

    Name the kinds of record the page shows, `@shared_page("enterprises", "zones")`; a page kept
    under them is rendered again once any of them changes. Bare `@shared_page` follows every change.
    `audience`, when given, names who may share the answer (None: this request may not), and a
    view's JSON answer (200, no headers of its own) is kept too. `kept_when`, when given, tells
    whether this request's answer is worth looking up and keeping at all (the first pages of a
    list: a random deep page is seldom asked again, and keeping one cost its asking more than
    the cache saved).
    """
    if len(shows) == 1 and callable(shows[0]):
        return shared_page()(shows[0])
    kinds = tuple(shows) or (ALL,)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds of record {sorted(unknown)}; use {', '.join(KINDS)}")

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def serve(*args, **kwargs):
            if _personal() or (kept_when is not None and not kept_when()):
                return view(*args, **kwargs)
            group = audience() if audience is not None else ""
            if group is None:
                return view(*args, **kwargs)
            versions = g.page_cache_versions = data_versions(kinds, flush=False)
            key = f"{locale_code()}:{':'.join(str(versions[kind]) for kind in kinds)}:{group}:{request.host_url}{request.full_path}"
            page = pages().get(key)
            if page is None:
                answer = _render_without_nonce(view, *args, **kwargs)
                page = _keepable(answer)
                if page is None or _visitors_own():
                    return answer.replace(NONCE_STAND_IN, _nonce()) if isinstance(answer, str) else answer
                pages().put(key, page)
            if isinstance(page, KeptAnswer):
                return Response(page.body, mimetype=page.mimetype)
            return page.replace(NONCE_STAND_IN, _nonce())
        return serve
    return decorate


def _keepable(answer) -> str | KeptAnswer | None:
    """What of a view's answer can be kept: a rendered page, or a JSON answer with nothing of its own in the headers."""
    if isinstance(answer, str):
        return answer
    if (isinstance(answer, Response) and answer.status_code == 200 and answer.is_json and not answer.is_streamed
            and set(answer.headers.keys()) <= {"Content-Type", "Content-Length"}):
        body = answer.get_data(as_text=True)
        return KeptAnswer(body, answer.mimetype) if len(body) <= KEEP_JSON_CHARS else None
    return None


def _render_without_nonce(view: Callable, *args, **kwargs):
    """Render with a stand-in for this request's CSP nonce, which each visitor's copy then gets in its place."""
    nonce = _nonce()
    request.csp_nonce = NONCE_STAND_IN
    try:
        return view(*args, **kwargs)
    finally:
        request.csp_nonce = nonce


def _nonce() -> str:
    return getattr(request, "csp_nonce", "")
