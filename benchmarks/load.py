"""Load run: mixed reads (anonymous and with a token) beside API writers, against gunicorn on loopback.

`python -m benchmarks.load [--scale 20000] [--seconds 60] [--readers 50] [--writers 10] [--postgres URL]`

For each database (SQLite in a temporary folder; PostgreSQL too when a URL is given) it builds a
registry with the shared generator, creates an administrator with a write token for the writers
and a reader's account with a read token for the readers (so token and anonymous reads ask for the
same published records, and the ratio measures what the token costs), serves it with
gunicorn's gthread workers on 127.0.0.1, and runs two rounds of `--seconds` each: the readers
alone, then the readers beside the writers. Readers keep one keep-alive connection each and ask,
at random, for the list, a profile and a search as pages and through the API, and for the map's
zone and enterprise layers in a random view; every other reader sends `Authorization: Bearer`.
Writers read an enterprise or a zone with the token, then PATCH one figure with the version read.
Figures go to benchmarks/results/load-<time>.json and .md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import platform
import random
import sqlite3
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from .build import create_empty, load_enterprises, make_app
from .run import write_results
from .web import THREADS, WORKERS, gunicorn

SEED = 1894
TIMEOUT = 30
QUERIES = ("tái chế", "xu ly nuoc thai", "quan trắc", "moi truong", "compost", "dung quat", "nước sạch", "xanh")
# Reads, each asked for as often as the others: (name, path with {id}, {page}, {q} or {bbox}).
READS = (
    ("list page", "/enterprises/?page={page}"),
    ("profile page", "/enterprises/{id}"),
    ("search page", "/enterprises/?q={q}"),
    ("API list", "/api/v1/enterprises?page={page}"),
    ("API profile", "/api/v1/enterprises/{id}"),
    ("API search", "/api/v1/enterprises?q={q}"),
    ("map: zones", "/api/v1/zones.geojson?bbox={bbox}&zoom=11"),
    ("map: enterprises", "/api/v1/enterprises.geojson?bbox={bbox}"),
)
LOCKED = "database is locked"


@dataclass
class Tally:
    """What one class of requests got: latencies in ms, statuses, failures to connect."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0

    def note(self, status: int, started: float) -> None:
        self.latencies.append((time.perf_counter() - started) * 1000)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self, seconds: float) -> dict:
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive") if len(self.latencies) > 1 else [None] * 99
        return {
            "requests": len(self.latencies), "per_second": len(self.latencies) / seconds,
            "p50_ms": cuts[49], "p95_ms": cuts[94], "p99_ms": cuts[98],
            "server_errors": sum(n for status, n in self.statuses.items() if status >= 500),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())}, "connection_failures": self.failures,
        }


class Client:
    """One keep-alive connection to the server, opened again after a failure."""

    def __init__(self, port: int, headers: dict) -> None:
        self.port, self.headers = port, headers
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def ask(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes] | None:
        """Send one request and return its status and body, or None when the connection failed."""
        payload = json.dumps(body).encode() if body is not None else None
        headers = {**self.headers, **({"Content-Type": "application/json"} if payload else {})}
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read()
        except OSError:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            return None


class Run:
    """One round: readers (and writers) on their own connections until the deadline."""

    def __init__(self, port: int, data: dict, tokens: dict[str, str], seconds: int, seed: int) -> None:
        self.port, self.data, self.tokens, self.seconds = port, data, tokens, seconds
        self.deadline = time.monotonic() + seconds
        self.seed = seed
        self.reads = {"anonymous": Tally(), "token": Tally()}
        self.by_kind = {name: {"anonymous": Tally(), "token": Tally()} for name, _ in READS}
        self.writes = {"enterprise": Tally(), "zone": Tally()}

    def _path(self, template: str, chooser: random.Random) -> str:
        south, west = chooser.uniform(8.6, 23.0), chooser.uniform(102.2, 109.2)
        return template.format(
            id=chooser.randint(1, self.data["enterprises"]), page=chooser.randint(1, 50), q=quote(chooser.choice(QUERIES)),
            bbox=f"{west:.4f},{south:.4f},{west + 0.44:.4f},{south + 0.28:.4f}",
        )

    def read(self, slot: int) -> None:
        chooser = random.Random(self.seed + slot)
        who = "token" if slot % 2 else "anonymous"
        client = Client(self.port, {"Authorization": f"Bearer {self.tokens['read']}"} if who == "token" else {})
        while time.monotonic() < self.deadline:
            name, template = chooser.choice(READS)
            started = time.perf_counter()
            answer = client.ask("GET", self._path(template, chooser))
            if answer is None:
                self.reads[who].failures += 1
                continue
            self.reads[who].note(answer[0], started)
            self.by_kind[name][who].note(answer[0], started)
        client.connection.close()

    def write(self, slot: int) -> None:
        chooser = random.Random(self.seed + 1000 + slot)
        client = Client(self.port, {"Authorization": f"Bearer {self.tokens['write']}"})
        while time.monotonic() < self.deadline:
            kind = "zone" if chooser.random() < 0.3 else "enterprise"
            if kind == "zone":
                path, change = f"/api/v1/zones/{chooser.choice(self.data['zones'])}", {"tenants": chooser.randint(0, 500)}
            else:
                path, change = f"/api/v1/enterprises/{chooser.randint(1, self.data['enterprises'])}", {"staff": chooser.randint(1, 5000)}
            started = time.perf_counter()
            answer = client.ask("GET", path)
            if answer is not None and answer[0] == 200:
                started = time.perf_counter()
                answer = client.ask("PATCH", path, {**change, "version": json.loads(answer[1])["version"]})
            if answer is None:
                self.writes[kind].failures += 1
            else:  # a read that failed counts as a failed write, with the read's status
                self.writes[kind].note(answer[0], started)
        client.connection.close()

    def go(self, readers: int, writers: int) -> dict:
        threads = [threading.Thread(target=self.read, args=(slot,)) for slot in range(readers)]
        threads += [threading.Thread(target=self.write, args=(slot,)) for slot in range(writers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.seconds + TIMEOUT + 5)
        elapsed = time.monotonic() - started
        merged_reads, merged_writes = Tally(), Tally()
        for tally in self.reads.values():
            _merge(merged_reads, tally)
        for tally in self.writes.values():
            _merge(merged_writes, tally)
        return {
            "seconds": elapsed, "readers": readers, "writers": writers,
            "reads": merged_reads.summary(elapsed), "writes": merged_writes.summary(elapsed) if writers else None,
            "reads_by_client": {who: tally.summary(elapsed) for who, tally in self.reads.items()},
            "writes_by_kind": {kind: tally.summary(elapsed) for kind, tally in self.writes.items()} if writers else None,
            "reads_by_kind": {name: {who: t.summary(elapsed) for who, t in classes.items()} for name, classes in self.by_kind.items()},
        }


def _merge(into: Tally, tally: Tally) -> None:
    into.latencies += tally.latencies
    into.failures += tally.failures
    for status, n in tally.statuses.items():
        into.statuses[status] = into.statuses.get(status, 0) + n


def _empty_postgres(url: str) -> str:
    """Drop everything in the given PostgreSQL database (the option's help says it will)."""
    from registry.config import database_url

    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return database_url(url)


def _prepare(database: Path | str) -> tuple[dict[str, str], dict]:
    """Create an administrator with a write token and a reader with a read token; return them and what to ask for."""
    from registry.accounts import service as accounts
    from registry.enterprises.models import Enterprise
    from registry.extensions import db
    from registry.zones.models import Zone

    app = make_app(database)
    with app.app_context():
        ministry = accounts.create_organization(None, "Bộ Công Thương (benchmark)", "ministry", None)
        user = accounts.create_user(None, "load@benchmark.example.vn", "load-benchmark-" + "x" * 20, full_name="Load benchmark",
                                    role="admin", organization=ministry)
        reader = accounts.create_user(None, "reader@benchmark.example.vn", "load-benchmark-" + "y" * 20, full_name="Reader")
        tokens = {"write": accounts.issue_token(user, "load benchmark writers"),
                  "read": accounts.issue_token(reader, "load benchmark readers", scope="read")}
        db.session.commit()
        data = {"enterprises": db.session.scalar(db.select(db.func.max(Enterprise.id))),
                "zones": list(db.session.scalars(db.select(Zone.id)))}
        db.session.remove()
        db.engine.dispose()
    return tokens, data


def run_backend(name: str, database: Path | str, options, log: Path) -> dict:
    """Build, serve and load one database; return both rounds' figures and what the server log says."""
    started = time.perf_counter()
    create_empty(database)
    load_enterprises(database, options.scale, SEED)
    tokens, data = _prepare(database)
    built = time.perf_counter() - started
    print(f"{name}: built {options.scale:,} enterprises and {len(data['zones'])} zones in {built:.0f} s")
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    with gunicorn(url, workers=options.workers, threads=options.threads, log=log) as (port, server_line):
        Run(port, data, tokens, min(options.seconds, 5), SEED).go(options.readers, 0)  # warm templates and caches
        alone = Run(port, data, tokens, options.seconds, SEED).go(options.readers, 0)
        print(f"{name}: reads alone {alone['reads']['per_second']:.0f}/s")
        beside = Run(port, data, tokens, options.seconds, SEED + 1).go(options.readers, options.writers)
        print(f"{name}: reads beside writers {beside['reads']['per_second']:.0f}/s, writes {beside['writes']['per_second']:.0f}/s")
    server_log = log.read_text(encoding="utf-8", errors="replace")
    return {
        "database": name, "server": server_line, "build_seconds": built, "zones": len(data["zones"]),
        "alone": alone, "beside_writers": beside,
        "database_is_locked": server_log.count(LOCKED), "tracebacks": server_log.count("Traceback"),
        "token_to_anonymous": _ratio(beside["reads_by_client"]["token"], beside["reads_by_client"]["anonymous"]),
        "token_to_anonymous_alone": _ratio(alone["reads_by_client"]["token"], alone["reads_by_client"]["anonymous"]),
        "beside_to_alone": _ratio(beside["reads"], alone["reads"]),
    }


def _ratio(part: dict, whole: dict) -> float | None:
    return part["per_second"] / whole["per_second"] if whole["per_second"] else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000, help="generated enterprises (default 20,000)")
    parser.add_argument("--seconds", type=int, default=60, help="length of each round (reads alone, reads beside writers)")
    parser.add_argument("--readers", type=int, default=50, help="reading connections, half of them with a token")
    parser.add_argument("--writers", type=int, default=10, help="connections writing through the API")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=THREADS, help="threads per gunicorn worker")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database, which is EMPTIED first")
    parser.add_argument("--skip-sqlite", action="store_true", help="run on PostgreSQL only")
    options = parser.parse_args()
    results: dict = {"started": datetime.now().isoformat(timespec="seconds"), "scale": options.scale,
                     "machine": f"{platform.machine()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
                     "readers": options.readers, "writers": options.writers, "seconds": options.seconds, "runs": []}
    with tempfile.TemporaryDirectory(prefix="registry-load-") as folder:
        if not options.skip_sqlite:
            results["runs"].append(run_backend("SQLite", Path(folder) / "registry.sqlite", options, Path(folder) / "sqlite.log"))
        if options.postgres:
            results["runs"].append(run_backend("PostgreSQL", _empty_postgres(options.postgres), options, Path(folder) / "postgresql.log"))
    write_results(results, summarize(results), prefix="load-")


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def summarize(results: dict) -> str:
    """Render the figures as Markdown tables, with the targets beside them."""
    lines = [f"# Load run {results['started']}", "",
             f"{results['machine']}; {results['scale']:,} enterprises; {results['readers']} reading connections (half with a token), "
             f"{results['writers']} writing; {results['seconds']} s per round", ""]
    for run in results["runs"]:
        lines += [f"## {run['database']} ({run['server'].split(' -b')[0]})", "",
                  "| round | class | requests/s | p50 ms | p95 ms | p99 ms | 5xx | failed connections |", "|---|---|---|---|---|---|---|---|"]
        for round_name, key in (("reads alone", "alone"), ("beside writers", "beside_writers")):
            measured = run[key]
            rows = [("reads", measured["reads"]), *((f"reads, {who}", s) for who, s in measured["reads_by_client"].items())]
            if measured["writes"]:
                rows += [("writes (PATCH)", measured["writes"]), *((f"writes, {kind}", s) for kind, s in measured["writes_by_kind"].items())]
            for label, s in rows:
                lines.append(f"| {round_name} | {label} | {s['per_second']:,.1f} | {_ms(s['p50_ms'])} | {_ms(s['p95_ms'])} | "
                             f"{_ms(s['p99_ms'])} | {s['server_errors']} | {s['connection_failures']} |")
        conflicts = run["beside_writers"]["writes"]["statuses"].get("409", 0)
        lines += ["",
                  f"- reads beside the writers ÷ reads alone: **{run['beside_to_alone']:.0%}** (target ≥ 50 %)",
                  f"- token reads ÷ anonymous reads: **{run['token_to_anonymous']:.0%}** beside the writers, "
                  f"{run['token_to_anonymous_alone']:.0%} alone (target ≥ 90 %)",
                  f"- “{LOCKED}” in the server log: {run['database_is_locked']} times; tracebacks: {run['tracebacks']} (target: none)",
                  f"- writes answered 409 (another writer saved first): {conflicts}", "",
                  "Each kind of read, beside the writers:", "",
                  "| read | anonymous requests | anonymous p50 ms | token requests | token p50 ms | 5xx |", "|---|---|---|---|---|---|"]
        for name, classes in run["beside_writers"]["reads_by_kind"].items():
            anonymous, token = classes["anonymous"], classes["token"]
            lines.append(f"| {name} | {anonymous['requests']:,} | {_ms(anonymous['p50_ms'])} | {token['requests']:,} | "
                         f"{_ms(token['p50_ms'])} | {anonymous['server_errors'] + token['server_errors']} |")
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
