"""An officer confirms a long list and watches its progress bar move, then sees the outcome, without reloading the page."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from registry import create_app
from registry.accounts import service as accounts
from registry.audit.service import acting_as
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.imports import jobs
from registry.imports.models import JobState, StagedUpload

from ..conftest import PASSWORD, test_config
from .conftest import serving

OFFICER = "can.bo.qng@example.vn"
LIST = (
    "Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố\n"
    "0100109106,Công ty TNHH Xử lý Nước Dung Quất,Quảng Ngãi\n"
    "0300588569,Công ty Cổ phần Quan trắc Sông Trà,51\n"
)


@pytest.fixture(scope="module")
def registry_app(tmp_path_factory):
    """A registry of its own whose queue has no consumer yet: the test plays the consumer's part when it chooses."""
    folder = tmp_path_factory.mktemp("jobs")
    app = create_app(test_config(f"sqlite:///{folder / 'registry.sqlite'}", AUTO_INIT=True, IMPORT_JOB_ROWS=1,
                                 JOB_QUEUE_IMMEDIATE=False, JOB_QUEUE_URL=f"sqlite:///{folder / 'jobs.sqlite'}"))
    with app.app_context(), acting_as("tests"):
        department = accounts.create_organization(None, "Sở Công Thương Quảng Ngãi", "department", "51")
        accounts.create_user(None, OFFICER, PASSWORD, full_name="Nguyễn Văn An", role="province_officer", organization=department)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(registry_app):
    with serving(registry_app) as url:
        yield url


def test_the_progress_bar_follows_the_job_and_the_outcome_replaces_it(page, registry_app):
    page.goto("/sign-in")
    page.fill("input[name=email]", OFFICER)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto("/enterprises/import")
    page.set_input_files("input[name=file]", files=[{"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": LIST.encode()}])
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/columns$"))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/preview$"))
    page.click("form.import-confirm button[type=submit]")
    page.wait_for_url(re.compile(r"/progress$"))
    token = re.search(r"/import/([^/]+)/progress$", page.url).group(1)
    bar = page.locator(".import-progress progress")
    assert bar.get_attribute("max") == "2" and bar.get_attribute("value") == "0"

    with registry_app.app_context():  # the job has checked one row and found a problem in it
        problem = {"row": 2, "column": "Mã số thuế", "message": "Mã số thuế đã có", "warning": False,
                   "existing_id": None, "existing_name": "", "other_row": None}
        db.session.execute(update(StagedUpload).where(StagedUpload.token == token).values(
            job_state=JobState.RUNNING, rows_done=1, problems=[problem]))
        db.session.commit()
    page.locator("[data-progress=rows_left]").filter(has_text=re.compile(r"^1$")).wait_for()
    assert page.locator("[data-progress=rows_done]").inner_text() == "1"
    assert page.locator("[data-progress=problem_count]").inner_text() == "1"
    assert "Mã số thuế đã có" in page.locator(".import-progress-problems").inner_text()
    assert page.evaluate("document.querySelector('.import-progress progress').value") == 1

    with registry_app.app_context():  # the consumer takes the job from the start
        db.session.execute(update(StagedUpload).where(StagedUpload.token == token).values(job_state=JobState.QUEUED, rows_done=0, problems=[]))
        db.session.commit()
        jobs.run_commit(token)
    page.locator(".notice-success").filter(has_text="danh-sach.csv").wait_for()
    assert page.locator(".import-progress").count() == 0
    with registry_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 2
    assert page.console_errors == [] and page.offsite_requests == []
