"""Import a generated CSV through the import wizard in a child process; measure wall time, CPU time and peak memory.

Run as `python -m benchmarks.importing DATABASE CSV` for the child's part: it stages the file as
the upload page does (reading it once), runs the commit as the job queue's worker does, and
prints the outcome as JSON on its last line.
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
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.importing", str(database), str(csv_path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        return {"error": child.stderr.strip().splitlines()[-1] if child.stderr.strip() else f"exit code {child.returncode}",
                "wall_seconds": wall}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss is in kilobytes on Linux: the largest resident set of any waited-for child.
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {**json.loads(child.stdout.strip().splitlines()[-1]), "wall_seconds": wall, "cpu_seconds": cpu,
            "peak_rss_mb": after.ru_maxrss / 1024, "csv_mb": csv_path.stat().st_size / 2**20}


def _child(database: Path, csv_path: Path) -> None:
    from registry.accounts import service as accounts
    from registry.audit.service import acting_as
    from registry.extensions import db
    from registry.imports import jobs
    from registry.imports.models import StagedUpload
    from registry.imports.kinds import KINDS, stage_upload

    from .build import make_app

    app = make_app(database)
    with app.app_context(), acting_as("benchmark"):
        ministry = accounts.create_organization(None, "Bộ Công Thương", "ministry", None)
        owner = accounts.create_user(None, "benchmark@example.vn", "benchmark-password-1894", full_name="Benchmark", role="admin",
                                     organization=ministry)
        db.session.commit()
        started = time.perf_counter()
        staged = stage_upload(KINDS["enterprises"], owner.id, csv_path.name, csv_path.read_bytes())
        jobs.mark_queued(staged, staged.rows_total, "en")
        token = staged.token
        db.session.commit()
        staged_seconds = time.perf_counter() - started
        jobs.run_commit(token)
        seconds = time.perf_counter() - started
        staged = db.session.get(StagedUpload, token)
        errors = [p for p in staged.problems if not p["warning"]]
        print(json.dumps({
            "rows": staged.rows_total, "imported": staged.outcome.get("imported", 0), "errors": len(errors),
            "warnings": len(staged.problems) - len(errors), "flagged": staged.outcome.get("flagged", 0),
            "first_error": errors[0]["message"] if errors else None, "stage_seconds": staged_seconds, "import_seconds": seconds,
        }))


if __name__ == "__main__":
    _child(Path(sys.argv[1]), Path(sys.argv[2]))
