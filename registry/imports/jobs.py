"""The job queue (Huey) that imports long lists outside the request, and the progress each job writes to its staged upload.

JOB_QUEUE_URL names the queue's storage: empty for a SQLite file under instance/ (one host),
redis://… in production. JOB_QUEUE_IMMEDIATE runs each job at once in the process that queued it
(tests). The consumer is `flask --app registry jobs worker`. On the embedded default (no
JOB_QUEUE_URL) a site served without one still finishes its imports: the first job a process
queues starts a consumer thread in that process (JOB_WORKER_IN_PROCESS).

A job checks every row in a read transaction, writing its progress beside it (so any app host can
show the bar, SQLite included), then writes every row in one write transaction, or nothing.

SQLite rewrites a whole row, blobs included, on every UPDATE, and cannot checkpoint its WAL past
the job's open read: so a queued upload keeps only what the job and its report need (`parsed`,
not the file's bytes), and the job writes its progress at most every NOTE_SECONDS.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict
from pathlib import Path

from flask import Flask, after_this_request, current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from sqlalchemy import update

from registry.accounts.models import User
from registry.audit.service import acting_as
from registry.extensions import db
from registry.tabular import ImportProblem
from registry.transactions import end_transaction, write_aside

from . import progress
from .kinds import KINDS, cycles_uncollected, parsed_of
from .models import JobState, StagedUpload

log = logging.getLogger(__name__)
TASK_NAME = "registry.import_commit"
# Seconds between two progress notes of a job: each rewrites the staged upload's row.
NOTE_SECONDS = 2.0


def make_queue(app: Flask) -> Huey:
    """Build the queue the JOB_QUEUE_URL and JOB_QUEUE_IMMEDIATE settings describe."""
    url = str(app.config["JOB_QUEUE_URL"] or "")
    setting = app.config["JOB_QUEUE_IMMEDIATE"]
    immediate = app.testing if setting is None else bool(setting)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("registry", url=url, immediate=immediate)
    path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "jobs.sqlite")
    if not immediate:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("registry", filename=path, immediate=immediate)


def install(app: Flask) -> None:
    """Give the app its queue (app.extensions["job_queue"]) and the import task, run inside an app context of `app`."""
    queue = make_queue(app)

    @queue.task(name=TASK_NAME)
    def import_commit(token: str) -> None:
        with app.app_context():
            try:
                run_commit(token)
            finally:
                db.session.remove()

    app.extensions["job_queue"] = queue
    app.extensions["import_commit"] = import_commit


def works_in_process(app: Flask) -> bool:
    """Tell whether this process runs queued jobs itself (JOB_WORKER_IN_PROCESS; None: on the embedded default only)."""
    setting = app.config.get("JOB_WORKER_IN_PROCESS")
    queue = app.extensions["job_queue"]
    if queue.immediate:
        return False
    return not app.config["JOB_QUEUE_URL"] if setting is None else bool(setting)


_starting = threading.Lock()


class InProcessWorker(threading.Thread):
    """A daemon thread taking jobs from one queue until stopped."""

    def __init__(self, queue: Huey, poll_seconds: float) -> None:
        super().__init__(name="registry-jobs", daemon=True)
        self.queue, self.poll_seconds, self.stopped = queue, poll_seconds, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                task = self.queue.dequeue()
                if task is None:
                    self.stopped.wait(self.poll_seconds)
                else:
                    self.queue.execute(task)
            except Exception:  # a broken job is logged and kept on its page; keep serving the others
                log.exception("the in-process job worker could not run a job")
                self.stopped.wait(self.poll_seconds)

    def stop(self) -> None:
        self.stopped.set()
        self.join(30)


def start_in_process_worker(app: Flask, poll_seconds: float = 0.5) -> InProcessWorker:
    """Start this process's worker for the app's queue (app.extensions["job_worker"]) unless it runs already."""
    with _starting:
        worker = app.extensions.get("job_worker")
        if worker is None or worker.queue is not app.extensions["job_queue"] or not worker.is_alive():
            worker = app.extensions["job_worker"] = InProcessWorker(app.extensions["job_queue"], poll_seconds)
            worker.start()
        return worker


def mark_queued(staged: StagedUpload, rows: int, locale: str = "") -> None:
    """Mark the upload's commit as waiting for the queue, to be told in `locale`; the file's bytes are needed no more."""
    staged.data = b""  # only the columns step reads the file again, and a queued upload never goes back to it
    staged.job_state, staged.rows_total, staged.rows_done, staged.problems, staged.outcome = JobState.QUEUED, rows, 0, [], {}
    staged.choices = {**staged.choices, "_locale": locale}


def queue_commit(staged: StagedUpload, rows: int) -> None:
    """Mark the upload queued, in the user's language; the job is queued once the request has committed that."""
    mark_queued(staged, rows, str(get_locale() or ""))
    token, task = staged.token, current_app.extensions["import_commit"]

    app = current_app._get_current_object()

    @after_this_request
    def enqueue(response):
        if response.status_code < 400:
            task(token)
            if works_in_process(app):
                start_in_process_worker(app)
        return response


class JobReporter(progress.Reporter):
    """Write how far the check has got to the staged upload, beside the job's own transaction."""

    def __init__(self, token: str) -> None:
        self.token, self.noted = token, None

    def _note(self, **values) -> None:
        write_aside(update(StagedUpload).where(StagedUpload.token == self.token).values(**values))

    def checked(self, done, total, problems) -> None:
        now = time.monotonic()
        if done < total and self.noted is not None and now - self.noted < NOTE_SECONDS:
            return
        self.noted = now
        # Only the first problems, and how many there are: the whole list is kept once the job ends.
        self._note(rows_done=done, rows_total=total, problems=[asdict(p) for p in problems[:progress.PROBLEMS_WHILE_RUNNING]],
                   outcome={"problem_count": len(problems)})

    def writing(self, total: int) -> None:
        """Every row passed: end the read transaction and take the write lock for the rows."""
        self._note(rows_done=total, rows_total=total)
        end_transaction(keep=False)
        db.session.connection(execution_options={"writes": True})


def run_commit(token: str) -> None:
    """Import a queued upload: every row, or none with every problem kept for its page."""
    staged = db.session.get(StagedUpload, token)
    if staged is None or staged.job_state != JobState.QUEUED:
        return
    kind, owner = KINDS[staged.kind], db.session.get(User, staged.owner_id)
    with cycles_uncollected():
        parsed, filename = parsed_of(staged), staged.filename
    choices = {k: v for k, v in staged.choices.items() if k != "_locale"}
    locale, mapping = staged.choices.get("_locale") or current_app.config.get("BABEL_DEFAULT_LOCALE", "vi"), dict(staged.mapping)
    end_transaction(keep=False)
    write_aside(update(StagedUpload).where(StagedUpload.token == token).values(job_state=JobState.RUNNING))
    # Checking only reads: on SQLite a write transaction would keep the progress from being written beside it.
    db.session.connection(execution_options={"writes": False})
    with force_locale(locale), acting_as("import", owner), progress.reporting(JobReporter(token)), cycles_uncollected():
        try:
            report = kind.run(owner, parsed, filename, choices, mapping, dry_run=False)
            outcome = kind.outcome(report) if report.imported else None
            _finish(token, report, outcome)
        except Exception:  # a job that stops half-way must say so on its page, and keep nothing
            log.exception("import job %s failed", token)
            end_transaction(keep=False)
            _finish(token, None, None, ImportProblem(None, "", _(
                "The import stopped before it was done, so nothing was imported. Check the list again and confirm it once more.")))


def _finish(token: str, report, outcome: dict | None, stopped: ImportProblem | None = None) -> None:
    """Keep the rows and the outcome in one commit, or roll the rows back and keep every problem."""
    if outcome is None:
        end_transaction(keep=False)
    staged = db.session.get(StagedUpload, token)
    staged.job_state = JobState.DONE if outcome is not None else JobState.FAILED
    staged.outcome = outcome or {}
    if report is not None:
        staged.rows_done = staged.rows_total = report.rows
        staged.problems = [asdict(p) for p in report.problems]
    if stopped is not None:
        staged.problems = [asdict(stopped)]
    if outcome is not None:
        staged.data = staged.parsed = b""  # what is done needs the file no more
    end_transaction(keep=True)
