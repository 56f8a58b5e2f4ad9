"""Import a generated CSV through `import_enterprises` in a child process; measure wall time and peak memory.

Run as `python -m benchmarks.importing DATABASE CSV` for the child's part: it imports, commits
and prints the report as JSON on its last line.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_import(database: Path, csv_path: Path) -> dict:
    """Run the import in a fresh interpreter and return its report, wall time and peak resident memory."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.importing", str(database), str(csv_path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        return {"error": child.stderr.strip().splitlines()[-1] if child.stderr.strip() else f"exit code {child.returncode}",
                "wall_seconds": wall}
    # ru_maxrss is in kilobytes on Linux: the largest resident set of any waited-for child.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {**json.loads(child.stdout.strip().splitlines()[-1]), "wall_seconds": wall, "peak_rss_mb": peak_mb,
            "csv_mb": csv_path.stat().st_size / 2**20}


def _child(database: Path, csv_path: Path) -> None:
    from registry.audit.service import acting_as
    from registry.enterprises.importing import import_enterprises
    from registry.extensions import db

    from .build import make_app

    app = make_app(database)
    with app.app_context(), acting_as("benchmark"):
        started = time.perf_counter()
        report = import_enterprises(None, csv_path.read_bytes(), csv_path.name, dry_run=False)
        db.session.commit()
        seconds = time.perf_counter() - started
    print(json.dumps({
        "rows": report.rows, "imported": report.imported, "errors": len(report.errors), "warnings": len(report.warnings),
        "flagged": report.flagged, "first_error": report.errors[0].describe() if report.errors else None,
        "import_seconds": seconds,
    }))


if __name__ == "__main__":
    _child(Path(sys.argv[1]), Path(sys.argv[2]))
