"""CPU time per request in one process, against /healthz of the same process: `python -m benchmarks.cpu --database DB`.

The requests go through Flask's test client to the real app on a benchmark database (built by
`build.py` or `profiles.py`). Each is timed as CPU time of the process (`time.process_time`),
which the other sessions' load on a shared machine moves far less than wall time: the database
(SQLite) works in this process too, so its time is counted. Each kind of request is asked
`--requests` times per round after `--warm` to warm up, the kinds in turn for `--rounds` rounds,
each kind's figure its best round: a random enterprise each time for profiles, a random
page up to the last one for the API list and search. Run once with the page cache as shipped
and once with it off (`REGISTRY_PAGE_CACHE_SECONDS=0`). Results: benchmarks/results/cpu-<time>.json and .md.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func

from registry.enterprises import index as search
from registry.enterprises.models import Enterprise, Status
from registry.extensions import db

from .build import make_app
from .run import SEARCH_QUERY, _machine, write_results

PER_PAGE = 20


def last_pages(app) -> tuple[int, int, int]:
    """The published records, and the last page of 20 of the list and of the search."""
    with app.app_context():
        published = db.session.scalar(db.select(func.count()).where(Enterprise.status == Status.PUBLISHED))
        matches = search.count_matches(SEARCH_QUERY, Status.PUBLISHED)
        db.session.remove()
    return published, math.ceil(published / PER_PAGE), math.ceil(matches / PER_PAGE)


def requests_to_time(published: int, list_pages: int, search_pages: int) -> dict[str, str]:
    q = quote(SEARCH_QUERY)
    return {
        "/healthz": "/healthz",
        "profile page /enterprises/{id}, random": f"/enterprises/{{{published}}}",
        "API /api/v1/enterprises/{id}, random": f"/api/v1/enterprises/{{{published}}}",
        "API list, first page": "/api/v1/enterprises",
        f"API search {SEARCH_QUERY}, first page": f"/api/v1/enterprises?q={q}",
        f"API list, a random page up to the last ({list_pages})": f"/api/v1/enterprises?page={{{list_pages}}}",
        f"API search {SEARCH_QUERY}, a random page up to the last ({search_pages})": f"/api/v1/enterprises?q={q}&page={{{search_pages}}}",
    }


def _paths(template: str, count: int, chooser: random.Random) -> list[str]:
    """`template` with "{N}" filled by random numbers from 1 to N, `count` times (or as is)."""
    if "{" not in template:
        return [template] * count
    head, rest = template.split("{", 1)
    high, tail = rest.split("}", 1)
    return [f"{head}{chooser.randint(1, int(high))}{tail}" for _ in range(count)]


def time_requests(database: Path, page_cache: bool, count: int, warm: int, rounds: int, seed: int = 1894) -> dict:
    """Time each request `count` times per round, the kinds in turn, `rounds` times; each kind's figure is its best round."""
    overrides = {"RATELIMIT_ENABLED": False, **({} if page_cache else {"PAGE_CACHE_SECONDS": 0})}
    app = make_app(database, overrides)
    published, list_pages, search_pages = last_pages(app)
    chooser = random.Random(seed)
    client = app.test_client()
    figures: dict = {}
    requests = requests_to_time(published, list_pages, search_pages)
    for name, template in requests.items():
        for path in _paths(template, warm, chooser):
            assert client.get(path).status_code == 200, path
    for _ in range(rounds):
        for name, template in requests.items():
            paths = _paths(template, count, chooser)
            load = os.getloadavg()[0]
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            cpu, wall = 1000 * (time.process_time() - started_cpu) / count, 1000 * (time.perf_counter() - started_wall) / count
            figure = figures.setdefault(name, {"path": template, "rounds_cpu_ms": [], "rounds_load_average": []})
            figure["rounds_cpu_ms"].append(cpu)
            figure["rounds_load_average"].append(load)
            if cpu <= min(figure["rounds_cpu_ms"]):
                figure.update(cpu_ms=cpu, wall_ms=wall, load_average=load)
    healthz = figures["/healthz"]["cpu_ms"]
    for figure in figures.values():
        figure["ratio_to_healthz"] = healthz / figure["cpu_ms"]
    return {"page_cache": page_cache, "published": published, "requests": figures}


def summarize(results: dict) -> str:
    lines = [f"# CPU per request in one process {results['started']}", "", f"{results['machine']}; {results['requests']} requests "
             f"of each kind per round after {results['warm']} to warm up, the kinds in turn, best of {results['rounds']} rounds", "",
             "Targets: a random profile ≥ 0.2×, the API list and search ≥ 0.25× /healthz (with the page cache off).", "",
             "| page cache | request | CPU ms | wall ms | × /healthz | load average (1 min) at the round's start |",
             "|---|---|---|---|---|---|"]
    for run in results["runs"]:
        for name, figure in run["requests"].items():
            lines.append(f"| {'on' if run['page_cache'] else 'off'} | {name} | {figure['cpu_ms']:.2f} | {figure['wall_ms']:.2f} | "
                         f"{figure['ratio_to_healthz']:.3f} | {figure['load_average']:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache", choices=["on", "off", "both"], default="both")
    parser.add_argument("--label", default="")
    options = parser.parse_args()
    results: dict = {"started": datetime.now().isoformat(timespec="seconds"), "machine": _machine(),
                     "requests": options.requests, "warm": options.warm, "rounds": options.rounds, "label": options.label}
    caches = {"on": [True], "off": [False], "both": [True, False]}[options.cache]
    results["runs"] = [time_requests(options.database, cache, options.requests, options.warm, options.rounds) for cache in caches]
    write_results(results, summarize(results), prefix=f"cpu-{options.label}-" if options.label else "cpu-")


if __name__ == "__main__":
    main()
