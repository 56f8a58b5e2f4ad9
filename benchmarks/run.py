"""Run every benchmark in one go: `python -m benchmarks.run [--scale 100000] [--seconds 10]`.

Builds a fresh SQLite registry in a temporary folder with the shared generator, then measures
search, pages under gunicorn and a CSV import; writes JSON and a summary to benchmarks/results/.
"""
from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from .build import copy_database, create_empty, load_enterprises
from .importing import run_import
from .search import run_search
from .web import run_web

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE_SEED, CSV_SEED = 1894, 7
SEARCH_QUERY = "tái chế"


def _machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="enterprises in the database and rows in the CSV")
    parser.add_argument("--seconds", type=int, default=10, help="load duration per page under gunicorn")
    parser.add_argument("--skip", action="append", default=[], choices=["search", "web", "import"], help="leave a part out")
    options = parser.parse_args()
    results: dict = {"started": datetime.now().isoformat(timespec="seconds"), "machine": _machine(), "scale": options.scale}
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as folder:
        database, empty = Path(folder) / "registry.sqlite", Path(folder) / "empty.sqlite"
        create_empty(empty)
        copy_database(empty, database)
        results["load_seconds"] = load_enterprises(database, options.scale, DATABASE_SEED)
        print(f"loaded {options.scale} enterprises in {results['load_seconds']:.1f} s")
        if "search" not in options.skip:
            results["search"] = run_search(database)
        if "web" not in options.skip:
            results["web"] = run_web(database, _pages(), options.seconds, ids=options.scale)
        if "import" not in options.skip:
            from registry.enterprises.generator import write_csv

            csv_path = Path(folder) / "enterprises.csv"
            write_csv(csv_path, options.scale, CSV_SEED)
            results["import"] = run_import(empty, csv_path)
    write_results(results, summarize(results))


def write_results(results: dict, summary: str, prefix: str = "") -> None:
    """Keep every figure as JSON and the summary as Markdown in benchmarks/results/, and print the summary."""
    RESULTS.mkdir(exist_ok=True)
    stamp = prefix + time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    (RESULTS / f"{stamp}.md").write_text(summary, encoding="utf-8")
    print(summary)
    print(f"written to {RESULTS / stamp}.json and .md")


def _pages() -> dict[str, str]:
    q = quote(SEARCH_QUERY)
    return {
        "/healthz": "/healthz",
        "detail /enterprises/4321, again and again": "/enterprises/4321",
        "detail, a random one of all enterprises each time": "/enterprises/{id}",
        "API /api/v1/enterprises/{id}, a random one each time": "/api/v1/enterprises/{id}",
        "list /enterprises/": "/enterprises/",
        f"search page /enterprises/?q={SEARCH_QUERY}": f"/enterprises/?q={q}",
        f"API /api/v1/enterprises?q={SEARCH_QUERY}": f"/api/v1/enterprises?q={q}",
        "API /api/v1/enterprises (list)": "/api/v1/enterprises",
        "API /api/v1/enterprises?per_page=100": "/api/v1/enterprises?per_page=100",
    }


def summarize(results: dict) -> str:
    """Render the figures as Markdown tables, with the targets beside them."""
    lines = [f"# Benchmark {results['started']}", "", f"{results['machine']}; {results['scale']:,} enterprises "
             f"(loaded in {results['load_seconds']:.0f} s)", ""]
    if "search" in results:
        search = results["search"]
        header = ["| queries | ours p50 | ours p95 | scan p50 | scan p95 | scan ÷ ours p50 | scan ÷ ours p95 |", "|---|---|---|---|---|---|---|"]
        for side, title in (("db", "in the database (ms; target: ours p95 ≤ 20 and ≥ 20× faster than the scan)"),
                            ("call", "the whole call, query building and models included (ms)")):
            lines += [f"## Search, page of 20 and total: {title}", "", *header]
            for kind, s in search["kinds"].items():
                lines.append(f"| {kind} | {s[f'{side}_fts_p50']:.1f} | {s[f'{side}_fts_p95']:.1f} | {s[f'{side}_scan_p50']:.1f} | "
                             f"{s[f'{side}_scan_p95']:.1f} | {s[f'ratio_{side}_p50']:.1f}× | {s[f'ratio_{side}_p95']:.1f}× |")
            lines.append("")
        lines += ["| query | matches | scan matches | ours in the database p50 | scan in the database p50 | statements |", "|---|---|---|---|---|---|"]
        for query, q in search["queries"].items():
            lines.append(f"| {query} | {q['matches']:,} | {q['scan_matches']:,} | {q['db_fts_p50']:.1f} | {q['db_scan_p50']:.1f} | "
                         f"{len(q['statements'])} |")
        lines.append("")
    if "web" in results:
        web = results["web"]
        lines += [f"## Pages under gunicorn ({web['server'].split(' -b')[0]}, {web['connections']} connections, "
                  f"{web['seconds']} s each; targets: a random profile ≥ 0.2×, API list and search ≥ 0.25× /healthz)", "",
                  "| page | requests/s (best round) | every round | mean latency ms | one request alone ms | errors | × /healthz |",
                  "|---|---|---|---|---|---|---|"]
        for name, page in web["pages"].items():
            latency = f"{page['mean_latency_ms']:.0f}" if page["mean_latency_ms"] is not None else "–"
            single = f"{page['single_request_ms']:.0f}" if page.get("single_request_ms") is not None else "> 60 000"
            rounds = ", ".join(f"{rate:,.0f}" for rate in page.get("rounds", []))
            lines.append(f"| {name} | {page['requests_per_second']:,.0f} | {rounds} | {latency} | {single} | {page['errors']} | "
                         f"{page['ratio_to_healthz']:.3f} |")
        lines.append(f"\nLoad generator: {next(iter(web['pages'].values()))['tool']}\n")
    if "import" in results:
        imp = results["import"]
        lines += ["## CSV import (target: ≤ 60 s and ≤ 1 GB peak)", ""]
        if "error" in imp:
            lines.append(f"failed: {imp['error']}")
        else:
            lines.append(f"{imp['rows']:,} rows ({imp['csv_mb']:.1f} MB): {imp['imported']:,} imported, {imp['errors']} errors, "
                         f"{imp['flagged']} duplicate flags; import {imp['import_seconds']:.1f} s, process wall "
                         f"{imp['wall_seconds']:.1f} s, peak RSS {imp['peak_rss_mb']:.0f} MB")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
