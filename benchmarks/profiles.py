"""Random profiles and API lists under gunicorn, against /healthz of the same run: `python -m benchmarks.profiles`.

Builds (or reuses, `--database`) a SQLite registry of `--scale` generated enterprises, then loads,
with wrk and web.py's gunicorn, in three server runs each with its own /healthz: a random enterprise each
request (the profile page and the API record), the API list and search as visitors ask for them
(first page, answered from the page cache after the first), and the same list and search at a
random page up to the last one (page-cache misses), each in a server run of its own. With
`--no-page-cache` the server runs with REGISTRY_PAGE_CACHE_SECONDS=0 (no pages kept; totals and
page marks are kept apart, under LIST_CACHE_SECONDS). Results: benchmarks/results/profiles-<time>.json and .md.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from .build import create_empty, load_enterprises, make_app
from .cpu import last_pages
from .run import DATABASE_SEED, SEARCH_QUERY, _machine, write_results
from .web import run_web

def _runs(scale: int, list_pages: int, search_pages: int) -> list[tuple[int, dict[str, str]]]:
    q = quote(SEARCH_QUERY)
    return [
        (scale, {
            "/healthz": "/healthz",
            "profile page /enterprises/{id}, random": "/enterprises/{id}",
            "API /api/v1/enterprises/{id}, random": "/api/v1/enterprises/{id}",
            "API /api/v1/enterprises (list)": "/api/v1/enterprises",
            f"API /api/v1/enterprises?q={SEARCH_QUERY}": f"/api/v1/enterprises?q={q}",
        }),
        (list_pages, {
            "/healthz": "/healthz",
            f"API list, a random page up to the last ({list_pages})": "/api/v1/enterprises?page={id}",
        }),
        (search_pages, {
            "/healthz": "/healthz",
            f"API search {SEARCH_QUERY}, a random page up to the last ({search_pages})": f"/api/v1/enterprises?q={q}&page={{id}}",
        }),
    ]


def summarize(results: dict) -> str:
    lines = [f"# Profiles and API lists {results['started']}", "", f"{results['machine']}; {results['scale']:,} enterprises; "
             f"page cache {'off' if results['no_page_cache'] else 'on'}; {results['seconds']} s rounds, best of {results['rounds']}", "",
             "Targets: a random profile ≥ 0.2×, the API list and search ≥ 0.25× /healthz of the same run.", "",
             "| run | page | requests/s (best round) | every round | mean latency ms | errors | × /healthz |",
             "|---|---|---|---|---|---|---|"]
    for number, web in enumerate(results["runs"], 1):
        for name, page in web["pages"].items():
            rounds = ", ".join(f"{rate:,.0f}" for rate in page.get("rounds", []))
            latency = f"{page['mean_latency_ms']:.1f}" if page["mean_latency_ms"] is not None else "–"
            lines.append(f"| {number} | {name} | {page['requests_per_second']:,.0f} | {rounds} | {latency} | {page['errors']} | "
                         f"{page['ratio_to_healthz']:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--database", type=Path, help="a database built before (by this command or build.py); built here when missing")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-page-cache", action="store_true")
    options = parser.parse_args()
    if options.no_page_cache:
        os.environ["REGISTRY_PAGE_CACHE_SECONDS"] = "0"  # gunicorn inherits it
    results: dict = {"started": datetime.now().isoformat(timespec="seconds"), "machine": _machine(), "scale": options.scale,
                     "seconds": options.seconds, "rounds": options.rounds, "no_page_cache": options.no_page_cache}
    with tempfile.TemporaryDirectory(prefix="registry-profiles-") as folder:
        database = options.database or Path(folder) / "registry.sqlite"
        if not database.exists():
            create_empty(database)
            results["load_seconds"] = load_enterprises(database, options.scale, DATABASE_SEED)
        _published, list_pages, search_pages = last_pages(make_app(database))
        runs = _runs(options.scale, list_pages, search_pages)
        results["runs"] = [run_web(database, paths, options.seconds, ids, options.rounds) for ids, paths in runs]
    write_results(results, summarize(results), prefix="profiles-")


if __name__ == "__main__":
    main()
