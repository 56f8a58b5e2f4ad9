"""Benchmark the CSV import alone: `python -m benchmarks.import_run [--rows 100000] [--runs 2]`.

Builds an empty registry (places and catalog, no enterprises) and a generated CSV in a temporary
folder, then imports the CSV through the wizard's path (`importing.run_import`, a fresh child
process each time) into a fresh copy of the empty registry, `--runs` times. Each run's wall time,
CPU time of the import process, peak RSS and the machine's load average before and after go to
benchmarks/results/import-<time>.json and .md. No 100,000-record database is loaded first, so it
takes a few minutes instead of the whole benchmark's thirteen.

`--beside TREE` imports the same CSV at the same time with the code of another checkout (such as
`git worktree add /tmp/before b6c304f`), into its own copy, so that both share one load and the
ratio of their CPU times means something on a busy machine.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from .build import copy_database, create_empty
from .importing import ROOT, run_import
from .run import CSV_SEED, _machine, write_results

TARGET_SECONDS, TARGET_MB = 60, 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the generated CSV")
    parser.add_argument("--runs", type=int, default=2, help="imports, each into a fresh empty registry")
    parser.add_argument("--beside", type=Path, help="a checkout whose code imports the same CSV at the same time, for the ratio")
    options = parser.parse_args()
    results: dict = {"started": datetime.now().isoformat(timespec="seconds"), "machine": _machine(), "rows": options.rows, "runs": []}
    with tempfile.TemporaryDirectory(prefix="registry-import-bench-") as folder:
        from registry.enterprises.generator import write_csv

        empty, csv_path = Path(folder) / "empty.sqlite", Path(folder) / "enterprises.csv"
        create_empty(empty)
        write_csv(csv_path, options.rows, CSV_SEED)
        trees = {"this code": ROOT, **({f"beside ({options.beside})": options.beside.resolve()} if options.beside else {})}
        for number in range(1, options.runs + 1):
            databases = {code: Path(folder) / f"run-{number}-{index}.sqlite" for index, code in enumerate(trees)}
            for database in databases.values():
                copy_database(empty, database)
            load_before = os.getloadavg()
            with ThreadPoolExecutor(len(trees)) as pool:
                outcomes = {code: pool.submit(run_import, databases[code], csv_path, root) for code, root in trees.items()}
            for code, future in outcomes.items():
                outcome = {**future.result(), "code": code, "number": number, "load_before": load_before, "load_after": os.getloadavg()}
                results["runs"].append(outcome)
                print(_line(number, outcome), flush=True)
                databases[code].unlink()
    write_results(results, summarize(results), prefix="import-")


def _line(number: int, run: dict) -> str:
    if "error" in run:
        return f"| {run.get('code', '')} | {number} | failed: {run['error']} | | | | | | | | |"
    met = run["wall_seconds"] <= TARGET_SECONDS and run["peak_rss_mb"] <= TARGET_MB
    return (f"| {run.get('code', '')} | {number} | {run['imported']:,} | {run['errors']} | {run['flagged']:,} | {run['import_seconds']:.1f} s | "
            f"{run['wall_seconds']:.1f} s | {run['cpu_seconds']:.1f} s | {run['peak_rss_mb']:.0f} MB | "
            f"{run['load_before'][0]:.1f} → {run['load_after'][0]:.1f} | {'yes' if met else 'no'} |")


def summarize(results: dict) -> str:
    """One table row per run, with the target beside it."""
    lines = [f"# CSV import benchmark {results['started']}", "", f"{results['machine']}; {results['rows']:,} rows, "
             f"imported into an empty registry (target: ≤ {TARGET_SECONDS} s and ≤ 1 GB peak in every run)", "",
             "| code | run | imported | errors | duplicate flags | import | process wall | process CPU | peak RSS | load average (1 min) | target met |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    lines += [_line(run.get("number", number), run) for number, run in enumerate(results["runs"], start=1)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
