"""Time the registry's search (FTS5 through `filtered`) against a naive LIKE scan, on one database."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import and_, func, or_
from sqlalchemy.exc import OperationalError

from registry.enterprises.models import Enterprise, Status
from registry.enterprises.queries import Filters, filtered
from registry.extensions import db
from registry.search import enterprises as search
from registry.search.text import fold

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


def _page_and_count(statement) -> Callable[[], object]:
    """Fetch one page of 20 and the total, as `db.paginate` does for the list page and the API."""
    def run():
        db.session.scalar(db.select(func.count()).select_from(statement.order_by(None).subquery()))
        return db.session.scalars(statement.limit(PAGE)).all()
    return run


def _count_in_subquery(query: str):
    """Count published matches with the FTS table driving (rowid IN its MATCH), the plan we propose."""
    matches = db.select(search.search_table.c.rowid).where(
        db.text(f"{search.FTS_TABLE} MATCH :fts_query").bindparams(fts_query=search._fts_expression(search.query_terms(query)))
    )
    return db.select(func.count()).select_from(Enterprise).where(Enterprise.status == Status.PUBLISHED, Enterprise.id.in_(matches))


def _capped_ms(action: Callable[[], object], cap_seconds: float) -> float | None:
    """Time one run, interrupting SQLite after `cap_seconds`; None when it was cut off."""
    raw = db.session.connection().connection.dbapi_connection
    timer = threading.Timer(cap_seconds, raw.interrupt)
    started = time.perf_counter()
    timer.start()
    try:
        action()
    except OperationalError:
        db.session.rollback()
        return None
    finally:
        timer.cancel()
    return (time.perf_counter() - started) * 1000


def run_search(database: Path, repeats: int = 20, naive_repeats: int = 5, cap_seconds: float = 10) -> dict:
    """Time each query kind: p50 and p95 in milliseconds for one page through FTS and through the scan.

    The total count the pages also run is timed once per query with a cap: through `filtered`
    it takes seconds to minutes (see README), so repeating it would not end.
    """
    app = make_app(database)
    results: dict = {"kinds": {}, "queries": {}, "plans": {}, "cap_seconds": cap_seconds}
    with app.app_context():
        for kind, queries in QUERIES.items():
            pooled: dict[str, list[float]] = {"fts_page": [], "naive_page": [], "naive_page_count": [], "fts_page_count": []}
            for query in queries:
                indexed = filtered(Filters(q=query))
                naive = naive_statement(query)
                fts_rows = db.session.scalars(indexed.limit(PAGE)).all()  # warm the caches once
                timings = {
                    "fts_page": _timed(lambda s=indexed: db.session.scalars(s.limit(PAGE)).all(), repeats),
                    "naive_page": _timed(lambda s=naive: db.session.scalars(s.limit(PAGE)).all(), naive_repeats),
                    "naive_page_count": _timed(_page_and_count(naive), naive_repeats),
                    # What the list page and the API run: build the query (which decides on ranking), count, fetch.
                    "fts_page_count": _timed(lambda q=query: _page_and_count(filtered(Filters(q=q)))(), repeats // 2),
                }
                for name, samples in timings.items():
                    pooled[name].extend(samples)
                results["queries"][query] = {
                    "kind": kind, "first": fts_rows[0].name_vi if fts_rows else None,
                    "matches": db.session.scalar(_count_in_subquery(query)),
                    "naive_matches": db.session.scalar(db.select(func.count()).select_from(naive.order_by(None).subquery())),
                    "fts_count_in_subquery_ms": percentile(_timed(lambda q=query: db.session.scalar(_count_in_subquery(q)), 5), 0.5),
                    "fts_page_count_ms": _capped_ms(_page_and_count(indexed), cap_seconds),
                    **{f"{name}_p50": percentile(s, 0.5) for name, s in timings.items()},
                    **{f"{name}_p95": percentile(s, 0.95) for name, s in timings.items()},
                }
                results["plans"][query] = {"page": _plan(indexed.limit(PAGE)),
                                           "count": _plan(db.select(func.count()).select_from(indexed.order_by(None).subquery()))}
            summary = {f"{name}_{p}": percentile(s, share) for name, s in pooled.items() for p, share in (("p50", 0.5), ("p95", 0.95))}
            summary["ratio_page_p50"] = summary["naive_page_p50"] / summary["fts_page_p50"]
            summary["ratio_page_p95"] = summary["naive_page_p95"] / summary["fts_page_p95"]
            summary["ratio_page_count_p50"] = summary["naive_page_count_p50"] / summary["fts_page_count_p50"]
            summary["ratio_page_count_p95"] = summary["naive_page_count_p95"] / summary["fts_page_count_p95"]
            results["kinds"][kind] = summary
        results["ranking_cost"] = _ranking_cost(repeats)
        results["enterprises"] = db.session.scalar(db.select(func.count()).select_from(Enterprise))
        db.session.remove()
        db.engine.dispose()
    return results


def _plan(statement) -> list[str]:
    """Return SQLite's EXPLAIN QUERY PLAN lines for a statement."""
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled)).all()
    return [row[-1] for row in rows]


def _ranking_cost(repeats: int) -> dict:
    """Split one common query's time into matching (count) and bm25 ranking (ORDER BY rank), on the FTS table alone."""
    expression = " AND ".join(f'"{term}"*' for term in search.query_terms("môi trường"))
    sql = {
        "match_count": f"SELECT count(*) FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH :q",
        "first_20_unranked": f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH :q LIMIT 20",
        "first_20_by_rank": f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH :q ORDER BY rank LIMIT 20",
    }
    return {
        "query": "môi trường",
        **{name: percentile(_timed(lambda s=statement: db.session.execute(db.text(s), {"q": expression}).all(), repeats), 0.5)
           for name, statement in sql.items()},
    }
