"""A live server on loopback and Debian's Chromium driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from registry import create_app

from ..conftest import test_config

CHROMIUM = os.environ.get("REGISTRY_CHROMIUM", "/usr/bin/chromium")
# A map's frame is aria-busy while its layers load or its view moves (static/js/registry-map.js).
MAPS_DRAWN = "() => !document.querySelector('[aria-busy=true]')"
IMAGES_DONE = "() => [...document.images].every(image => image.complete)"
# One frame, then one task: the load and error events the images queued have been dispatched.
EVENTS_RUN = "() => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve)))"


def settled(page) -> None:
    """Wait until the page's maps show their layers, every image has loaded or failed, and its events have run.

    An injected `<img src=x onerror=…>` runs its handler when its image fails; the tests wait for
    that moment, not for a fixed time, before saying that no dialog opened.
    """
    page.wait_for_function(MAPS_DRAWN)
    page.wait_for_function(IMAGES_DONE)
    page.evaluate(EVENTS_RUN)


@contextlib.contextmanager
def serving(app):
    """Serve `app` on a free port of 127.0.0.1 in a thread; give its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve a freshly initialised registry (reference and demo data) on 127.0.0.1."""
    database = tmp_path_factory.mktemp("live") / "registry.sqlite"
    app = create_app(test_config(f"sqlite:///{database}", AUTO_INIT=True, DEMO_DATA=True))
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page that records console errors and refuses any request off this machine."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.console_errors = []
    page.offsite_requests = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))

    def guard(route):
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            page.offsite_requests.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    yield page
    context.close()
