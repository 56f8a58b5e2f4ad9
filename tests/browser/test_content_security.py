"""Under the Content-Security-Policy every page's own scripts and styles still run in Chromium."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Installed by Playwright before any page script, so it sees every refusal from the first byte on.
WATCH_REFUSALS = """
window.cspRefusals = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspRefusals.push(`${event.effectiveDirective} refused ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""
MAP_DRAWN = "() => document.querySelectorAll('path.leaflet-interactive').length > 0"


@pytest.fixture
def watched(page):
    page.add_init_script(WATCH_REFUSALS)
    page.csp_console = []
    page.on("console", lambda message: "Content Security Policy" in message.text and page.csp_console.append(message.text))
    return page


def refusals(page) -> list[str]:
    return page.evaluate("() => window.cspRefusals") + page.csp_console


def wait_for_map(page) -> None:
    """Wait for the map's layers; a refused inline script shows as the reason when they never come."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(MAP_DRAWN, timeout=15000)
    except PlaywrightTimeout:
        pytest.fail(f"the map was not drawn on {page.url}; refused: {refusals(page)}")


def test_the_map_page_draws_its_layers_with_nothing_refused(watched):
    watched.goto("/map")
    wait_for_map(watched)
    watched.wait_for_selector(".marker-cluster, .leaflet-marker-icon")
    assert refusals(watched) == []


def test_a_zone_page_map_and_a_profile_map_run_their_inline_scripts(watched):
    zone_id = watched.request.get("/api/v1/zones.geojson?province=51").json()["features"][0]["id"]
    for path in (f"/zones/{zone_id}", f"/zones/{zone_id}"):  # the second answer comes from the page cache
        watched.goto(path)
        wait_for_map(watched)
        assert refusals(watched) == [], path
    watched.goto("/enterprises/")
    watched.locator(".enterprise-item h2 a").first.click()
    watched.wait_for_selector(".leaflet-container")
    assert refusals(watched) == []


def test_live_search_and_the_plain_pages_run_with_nothing_refused(watched):
    watched.goto("/enterprises/")
    everything = watched.locator("#result-count").inner_text()
    watched.locator("#enterprise-q").press_sequentially("moi tr", delay=40)
    watched.wait_for_function("() => document.querySelector('#result-count').innerText.includes('moi tr')")
    assert watched.locator("#result-count").inner_text() != everything
    for path in ("/", "/catalog/", "/zones/", "/places/51", "/sign-in", "/enterprises/register"):
        watched.goto(path)
        assert refusals(watched) == [], path
