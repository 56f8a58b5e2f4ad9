"""A visitor uses the map offline in Chromium: layers drawn, filters, search, area search, inert popups."""
from __future__ import annotations

import pytest
from shapely.geometry import box

from registry import create_app
from registry.extensions import db
from registry.zones import service as zones
from registry.zones.boundaries import set_geometry

from ..conftest import test_config
from .conftest import settled

pytestmark = pytest.mark.browser
XSS_NAME = "<img src=x onerror=alert(1)>${alert(1)}"
TILE_HOST = "tile.openstreetmap.org"


@pytest.fixture(scope="module")
def hostile_zone(live_server, tmp_path_factory):
    """Add a zone with a hostile name to the live server's database (the same SQLite file)."""
    database = next(tmp_path_factory.getbasetemp().glob("live*/registry.sqlite"))
    app = create_app(test_config(f"sqlite:///{database}"))
    with app.app_context():
        zone = zones.create_zone(None, {"name_vi": XSS_NAME, "kind": "industrial_cluster", "province_code": "01",
                                        "available_ha": 12.5, "total_ha": 40, "industrial_ha": 30, "leased_ha": 20})
        set_geometry(zone, box(105.70, 21.00, 105.74, 21.03), approximate=False)
        db.session.commit()
        yield zone.id
        db.session.delete(db.session.get(type(zone), zone.id))
        db.session.commit()
        db.engine.dispose()


def open_map(page, path="/map"):
    """Open a map page, recording alert dialogs and console errors other than refused tiles."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.map_errors = []

    def record(message):
        # The page fixture refuses tile requests, as an offline machine would; Chromium logs each one.
        refused_tile = message.text.startswith("Failed to load resource") and TILE_HOST in message.location.get("url", "")
        if message.type == "error" and not refused_tile:
            page.map_errors.append(message.text)

    page.on("console", record)
    page.goto(path)
    page.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length > 0")
    return dialogs


def test_the_map_draws_zones_and_enterprises_offline_without_errors(page):
    open_map(page)
    assert page.locator("path.leaflet-interactive").count() > 0
    page.wait_for_selector(".marker-cluster, .leaflet-marker-icon")
    assert page.locator(".map-legend li").count() >= 7
    assert page.map_errors == []
    assert all(TILE_HOST in url for url in page.offsite_requests)  # tiles were refused and nothing else left


def test_filters_reload_the_layers_without_reloading_the_page(page):
    open_map(page)
    page.evaluate("window.stillHere = true")
    before = page.locator("path.leaflet-interactive").count()
    page.locator("#map-kind").select_option("recycling_cluster")
    page.locator("form[data-map-filters] button[type=submit]").click()
    page.wait_for_url("**/map?kind=recycling_cluster")
    page.wait_for_function(f"() => document.querySelectorAll('path.leaflet-interactive').length < {before}")
    assert page.evaluate("window.stillHere") is True
    assert page.map_errors == []


def test_search_pans_to_a_zone_and_its_popup_shows_a_hostile_name_as_text(page, hostile_zone):
    dialogs = open_map(page)
    page.locator("#map-search-q").fill("onerror")
    page.locator("form[data-map-search] button[type=submit]").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS_NAME in popup.inner_text()
    assert popup.locator("img").count() == 0
    assert page.locator("[data-map-search-results] button").first.inner_text().endswith(XSS_NAME)
    settled(page)
    assert dialogs == [] and page.map_errors == []


def test_the_hostile_zone_popup_opened_by_clicking_its_polygon_stays_inert(page, hostile_zone):
    dialogs = open_map(page, "/map?province=01")
    page.wait_for_function("() => window.RegistryMap.instances[0].map.getZoom() > 6")
    shape = page.locator("path.leaflet-interactive").first
    shape.wait_for()
    page.evaluate("""() => {
        const instance = window.RegistryMap.instances[0];
        instance.layers[0].group.eachLayer(layer => { if (layer.feature.id === %d) { layer.openPopup(); } });
    }""" % hostile_zone)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS_NAME in popup.inner_text() and popup.locator("img").count() == 0
    settled(page)
    assert dialogs == [] and page.map_errors == []


def test_enterprises_in_the_visible_area_are_listed_as_links(page):
    open_map(page)
    page.locator("button[data-area=view]").click()
    results = page.locator("[data-area-results] li a")
    results.first.wait_for()
    assert results.count() > 0
    assert results.first.get_attribute("href").startswith(page.url.split("/map")[0] + "/enterprises/")


def test_the_radius_search_from_the_keyboard_uses_the_map_centre(page):
    open_map(page)
    page.locator("#map-radius").fill("200")
    page.locator("button[data-area=radius]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-area-status]').textContent.length > 0 && "
                           "!document.querySelector('[data-area-status]').textContent.includes('…')")
    assert page.locator("path.leaflet-interactive").count() > 0
    assert page.map_errors == []


def test_the_full_screen_button_is_labelled_and_toggles(page):
    open_map(page)
    button = page.locator(".map-fullscreen button")
    assert button.get_attribute("aria-label") and button.get_attribute("aria-pressed") == "false"
    button.click()
    page.wait_for_function("() => document.fullscreenElement !== null || document.querySelector('.registry-map.is-fullscreen')")
    assert page.map_errors == []
