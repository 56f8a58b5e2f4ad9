"""Time the registry's search against a naive LIKE scan on one database: in the database, and as pages call it."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import and_, event, func, or_

from registry.enterprises.models import Enterprise, Status
from registry.enterprises.queries import Filters, page_of
from registry.extensions import db
from registry.text import fold

from .build import make_app

PAGE = 20
# Realistic queries from the generator's vocabulary, from common to rare: "môi trường" is in
# about half the names, "dung quat" in one in two hundred.
QUERIES: dict[str, list[str]] = {
    "one word": ["xanh", "recycling", "compost"],
    "two words": ["tái chế", "quan trắc", "nước sạch"],
    "accentless": ["moi truong xanh", "dung quat", "xu ly nuoc thai"],
    "prefix": ["xu l", "tai ch", "quan tr"],
}


def percentile(samples: list[float], share: float) -> float:
    """Return the nearest-rank percentile of `samples` (share 0.95 for p95)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _timed(action: Callable[[], object], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
        db.session.expunge_all()  # each request starts with an empty session
    return samples


def naive_statement(query: str):
    """The scan a registry without an index would run: every folded word in the name, or the tax code."""
    words = fold(query).split()
    escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    matches = or_(
        and_(*[Enterprise.name_folded.like(f"%{w}%", escape="\\") for w in escaped]),
        Enterprise.tax_code.like(f"%{''.join(escaped)}%", escape="\\"),
    )
    return db.select(Enterprise).where(Enterprise.status == Status.PUBLISHED, matches).order_by(Enterprise.name_core, Enterprise.id)


def naive_page(query: str) -> Callable[[], object]:
    """Count the scan's matches and fetch its first page of 20, as `db.paginate` would."""
    statement = naive_statement(query)

    def run():
        total = db.session.scalar(db.select(func.count()).select_from(statement.order_by(None).subquery()))
        return total, db.session.scalars(statement.limit(PAGE)).all()
    return run


def registry_page(query: str) -> Callable[[], object]:
    """What the list page and `GET /api/v1/enterprises?q=` run: one page of 20 and the total."""
    def run():
        results = page_of(Filters(q=query), None, 1, PAGE)
        return results.total, results.items
    return run


def sent_statements(action: Callable[[], object]) -> list[tuple[str, object]]:
    """Run `action` once and return the SQL it sent to the database, with the parameters."""
    sent = []

    def record(_connection, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        db.session.expunge_all()
    return sent


def in_database(statements: list[tuple[str, object]], repeats: int) -> list[float]:
    """Time `statements` straight through the driver, each executed and every row fetched: no ORM, no Python models."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
        return samples
    finally:
        connection.close()


def run_search(database: Path, repeats: int = 20, naive_repeats: int = 5) -> dict:
    """Time each query kind, p50 and p95 in ms: the registry's search and the scan, both as page and total.

    "Database" replays the exact statements each side sent through the driver; "call" is the
    whole Python call, building the query and the models included.
    """
    app = make_app(database)
    results: dict = {"kinds": {}, "queries": {}}
    with app.app_context():
        for kind, queries in QUERIES.items():
            pooled: dict[str, list[float]] = {"db_fts": [], "db_scan": [], "call_fts": [], "call_scan": []}
            for query in queries:
                ours, scan = registry_page(query), naive_page(query)
                total, items = ours()  # warm the caches once
                scan_total, _ = scan()
                ours_sent, scan_sent = sent_statements(ours), sent_statements(scan)
                timings = {
                    "db_fts": in_database(ours_sent, repeats),
                    "db_scan": in_database(scan_sent, naive_repeats),
                    "call_fts": _timed(ours, repeats),
                    "call_scan": _timed(scan, naive_repeats),
                }
                for name, samples in timings.items():
                    pooled[name].extend(samples)
                results["queries"][query] = {
                    "kind": kind, "matches": total, "scan_matches": scan_total, "first": items[0].name_vi if items else None,
                    "statements": [statement for statement, _ in ours_sent],
                    **{f"{name}_p50": percentile(s, 0.5) for name, s in timings.items()},
                    **{f"{name}_p95": percentile(s, 0.95) for name, s in timings.items()},
                }
            summary = {f"{name}_{p}": percentile(s, share) for name, s in pooled.items() for p, share in (("p50", 0.5), ("p95", 0.95))}
            for side in ("db", "call"):
                for p in ("p50", "p95"):
                    summary[f"ratio_{side}_{p}"] = summary[f"{side}_scan_{p}"] / summary[f"{side}_fts_{p}"]
            results["kinds"][kind] = summary
        results["enterprises"] = db.session.scalar(db.select(func.count()).select_from(Enterprise))
        db.session.remove()
        db.engine.dispose()
    return results
