"""Import a generated CSV through the import wizard in a child process; measure wall time, CPU time and peak memory.

Run as `python -m benchmarks.importing DATABASE CSV` for the child's part: it stages the file as
the upload page does (reading it once), runs the commit as the job queue's worker does, and
prints the outcome as JSON on its last line.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_import(database: Path, csv_path: Path, root: Path = ROOT) -> dict:
    """Run the import in a fresh interpreter (with the code of the tree at `root`) and return its report, times and peak memory."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen([sys.executable, "-m", "benchmarks.importing", str(database), str(csv_path)], cwd=root,
                                 env={**os.environ, "PYTHONPATH": str(root)}, stdout=out, stderr=err, text=True)
        # wait4 gives this child's own CPU time and peak resident set (kilobytes on Linux), even beside other children.
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        return {"error": stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {child.returncode}", "wall_seconds": wall}
    return {**json.loads(stdout.strip().splitlines()[-1]), "wall_seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "csv_mb": csv_path.stat().st_size / 2**20}


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
