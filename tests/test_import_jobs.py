"""Long lists are imported by the job queue: the page follows the job's progress, the command line prints it, a failed job keeps nothing."""
from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registry.audit.models import AuditEntry
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.imports import jobs
from registry.imports.models import StagedUpload

from .conftest import csrf_token

ROOT = Path(__file__).resolve().parents[1]
LIST = (
    "Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố,Địa chỉ\n"
    "0100109106,Công ty TNHH Xử lý Nước Dung Quất,Quảng Ngãi,Số 5 Lê Lợi\n"
    "0300588569,Công ty Cổ phần Quan trắc Sông Trà,51,Số 7 Trần Phú\n"
)


@pytest.fixture
def officer(client, accounts, app, monkeypatch):
    """A province officer of Quảng Ngãi, on a registry that sends every list of more than one row to the job queue."""
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 1)
    accounts.user("officer.qng@example.vn")
    accounts.sign_in(client, "officer.qng@example.vn")
    return client


def staged_list(client, data: str = LIST) -> str:
    """Upload the list and return its token, from the columns page the upload leads to."""
    form = {"csrf_token": csrf_token(client, "/enterprises/import"), "file": (io.BytesIO(data.encode()), "danh-sach.csv")}
    response = client.post("/enterprises/import", data=form, content_type="multipart/form-data")
    return re.search(r"/enterprises/import/([^/]+)/columns", response.headers["Location"]).group(1)


def confirm(client, token: str):
    return client.post(f"/enterprises/import/{token}/commit", data={"csrf_token": csrf_token(client, f"/enterprises/import/{token}/preview")})


def count_enterprises(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Enterprise))


def test_a_long_list_is_imported_by_a_job_whose_page_tells_the_outcome(app, officer, english):
    token = staged_list(officer)
    assert "Import 2 enterprises" in officer.get(f"/enterprises/import/{token}/preview").get_data(as_text=True)
    answer = confirm(officer, token)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/enterprises/import/{token}/progress")
    page = officer.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Imported 2 enterprises from danh-sach.csv." in page and "Continue" in page
    state = officer.get(f"/enterprises/import/{token}/progress.json").get_json()
    assert state["state"] == "done" and state["finished"]
    assert (state["rows_done"], state["rows_left"], state["problem_count"]) == (2, 0, 0)
    assert count_enterprises(app) == 2
    with app.app_context():
        actors = db.session.scalars(db.select(AuditEntry.actor_label).where(AuditEntry.entity_type == "enterprise")).all()
        assert actors == ["officer.qng@example.vn"] * 2  # the job acts as the officer who asked for it
    again = officer.post(f"/enterprises/import/{token}/commit", data={"csrf_token": csrf_token(officer, "/enterprises/import")})
    assert again.headers["Location"].endswith("/progress") and count_enterprises(app) == 2  # confirming again imports nothing more


def test_a_job_whose_list_went_wrong_after_the_preview_keeps_nothing_and_shows_every_bad_row(app, officer, runner, tmp_path, english):
    token = staged_list(officer)
    assert "Import 2 enterprises" in officer.get(f"/enterprises/import/{token}/preview").get_data(as_text=True)
    earlier = tmp_path / "earlier.csv"
    earlier.write_text(LIST.splitlines()[0] + "\n" + LIST.splitlines()[2] + "\n", encoding="utf-8")
    assert runner.invoke(args=["import", "enterprises", str(earlier)]).exit_code == 0  # someone imports one of the rows meanwhile
    page = officer.get(confirm(officer, token).headers["Location"]).get_data(as_text=True)
    assert "Nothing was imported: 1 problem(s) were found." in page
    assert re.search(r'<td class="num">3</td>\s*<td>Mã số thuế</td>', page)  # the bad row, by row and column
    assert "Imported" not in page
    assert count_enterprises(app) == 1
    state = officer.get(f"/enterprises/import/{token}/progress.json").get_json()
    assert state["state"] == "failed" and state["problem_count"] == 1 and "Row 3" in state["problems"][0]


def test_someone_else_cannot_follow_the_job(app, officer, accounts, english):
    token = staged_list(officer)
    confirm(officer, token)
    other = app.test_client()
    accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    accounts.sign_in(other, "admin@example.vn")
    assert other.get(f"/enterprises/import/{token}/progress.json").status_code == 404
    assert other.get(f"/enterprises/import/{token}/progress").status_code == 404


def test_the_command_line_prints_rows_checked_and_left_and_the_problems_found(app, runner, tmp_path, english, monkeypatch):
    from registry.imports import progress

    monkeypatch.setattr(progress, "EVERY_ROWS", 1)
    good = tmp_path / "good.csv"
    good.write_text(LIST, encoding="utf-8")
    result = runner.invoke(args=["import", "enterprises", str(good), "--dry-run"])
    assert "1 of 2 rows checked, 1 left; 0 problem(s) found so far." in result.output
    assert "2 of 2 rows checked, 0 left; 0 problem(s) found so far." in result.output
    assert result.exit_code == 0 and count_enterprises(app) == 0
    result = runner.invoke(args=["import", "enterprises", str(good)])
    assert "Every row is correct; writing 2 rows…" in result.output and result.exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(LIST + "0100109107,Sai,Quảng Ngãi,\n", encoding="utf-8")
    result = runner.invoke(args=["import", "enterprises", str(bad)])
    assert "3 of 3 rows checked, 0 left; 3 problem(s) found so far." in result.output  # two tax codes exist now, one is wrong
    assert result.exit_code == 1 and count_enterprises(app) == 2


def test_the_worker_command_runs_the_queued_job_from_a_sqlite_queue(app, officer, english, tmp_path, monkeypatch):
    queue_file = tmp_path / "jobs.sqlite"
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", f"sqlite:///{queue_file}")
    monkeypatch.setitem(app.config, "JOB_QUEUE_IMMEDIATE", False)
    monkeypatch.setattr(app, "extensions", dict(app.extensions))  # the queue below is this test's own
    jobs.install(app)
    token = staged_list(officer)
    page = officer.get(confirm(officer, token).headers["Location"]).get_data(as_text=True)
    assert "Waiting for the import to start…" in page and "<progress" in page
    assert count_enterprises(app) == 0
    environment = {
        **os.environ, "PYTHONPATH": str(ROOT), "REGISTRY_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "REGISTRY_JOB_QUEUE_URL": f"sqlite:///{queue_file}", "REGISTRY_SECRET_KEY": app.config["SECRET_KEY"],
        "REGISTRY_AUTO_INIT": "0", "REGISTRY_DEMO_DATA": "0", "REGISTRY_JOB_QUEUE_IMMEDIATE": "0",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as output, subprocess.Popen([sys.executable, "-m", "flask", "--app", "registry", "jobs", "worker"], cwd=ROOT,
                                                    env=environment, stdout=output, stderr=subprocess.STDOUT) as worker:
        try:
            deadline = time.monotonic() + 120
            while not officer.get(f"/enterprises/import/{token}/progress.json").get_json()["finished"] and time.monotonic() < deadline:
                assert worker.poll() is None, log.read_text(errors="replace")
                time.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(30)
    assert officer.get(f"/enterprises/import/{token}/progress.json").get_json()["state"] == "done"
    assert "Imported 2 enterprises from danh-sach.csv." in officer.get(f"/enterprises/import/{token}/progress").get_data(as_text=True)
    assert count_enterprises(app) == 2
    with app.app_context():
        assert db.session.get(StagedUpload, token).data == b""  # the file is not kept once imported


def test_a_job_that_stops_half_way_keeps_nothing_and_says_so(app, officer, english, monkeypatch):
    from registry.enterprises import import_writer

    def flag_then_fail(accepted, id_of_row):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(import_writer, "_write_flags", flag_then_fail)  # after every row was inserted
    token = staged_list(officer)
    page = officer.get(confirm(officer, token).headers["Location"]).get_data(as_text=True)
    assert "The import stopped before it was done, so nothing was imported." in page
    assert count_enterprises(app) == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(AuditEntry.entity_type == "enterprise")) == 0
    assert officer.get(f"/enterprises/import/{token}/progress.json").get_json()["state"] == "failed"


def test_an_upload_abandoned_for_a_day_is_cleared_by_the_next_one(app, officer, english):
    from datetime import timedelta

    from registry.audit.models import utcnow

    abandoned = staged_list(officer)
    with app.app_context():
        db.session.get(StagedUpload, abandoned).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert officer.get(f"/enterprises/import/{abandoned}/columns").status_code == 404
    kept = staged_list(officer)
    with app.app_context():
        assert db.session.get(StagedUpload, abandoned) is None
        assert db.session.get(StagedUpload, kept).filename == "danh-sach.csv"


def test_on_the_embedded_default_a_site_served_without_a_worker_still_finishes_the_import(app, officer, english, tmp_path, monkeypatch):
    """`flask run` on the quick start's SQLite has no `jobs worker`: the process that queued the job runs it in a thread."""
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "")
    monkeypatch.setitem(app.config, "JOB_QUEUE_IMMEDIATE", False)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))  # the queue's file is this test's own
    monkeypatch.setattr(app, "extensions", dict(app.extensions))
    jobs.install(app)
    assert jobs.works_in_process(app)
    token = staged_list(officer)
    assert confirm(officer, token).status_code == 302
    deadline = time.monotonic() + 60
    while not officer.get(f"/enterprises/import/{token}/progress.json").get_json()["finished"] and time.monotonic() < deadline:
        time.sleep(0.1)
    app.extensions["job_worker"].stop()
    assert officer.get(f"/enterprises/import/{token}/progress.json").get_json()["state"] == "done"
    assert count_enterprises(app) == 2


def test_with_a_queue_of_its_own_the_site_leaves_jobs_to_the_worker_command_unless_told(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", f"sqlite:///{tmp_path / 'jobs.sqlite'}")
    monkeypatch.setitem(app.config, "JOB_QUEUE_IMMEDIATE", False)
    monkeypatch.setattr(app, "extensions", dict(app.extensions))
    jobs.install(app)
    assert not jobs.works_in_process(app)
    monkeypatch.setitem(app.config, "JOB_WORKER_IN_PROCESS", True)
    assert jobs.works_in_process(app)
    monkeypatch.setitem(app.config, "JOB_QUEUE_IMMEDIATE", True)
    jobs.install(app)
    assert not jobs.works_in_process(app)  # immediate jobs need no worker at all
