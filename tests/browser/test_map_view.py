"""A visitor reads what the map cannot draw, opens a zone on its extent, folds the legend, draws an area at
1366 × 900, and zooms into dense enterprises counted per grid cell: in Chromium, offline."""
from __future__ import annotations

import pytest

from registry import create_app

from ..conftest import test_config
from .conftest import serving, settled

pytestmark = pytest.mark.browser
TILE_HOST = "tile.openstreetmap.org"


def watch_errors(page) -> list[str]:
    """Record console errors other than the refused map tiles."""
    errors = []

    def record(message):
        refused_tile = message.text.startswith("Failed to load resource") and TILE_HOST in message.location.get("url", "")
        if message.type == "error" and not refused_tile:
            errors.append(message.text)

    page.on("console", record)
    return errors


def map_view(page) -> dict:
    return page.evaluate("""() => {
        const map = window.RegistryMap.instances[0].map, b = map.getBounds();
        return {zoom: map.getZoom(), south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast()};
    }""")


def test_the_zones_without_a_position_are_listed_beside_the_map_and_follow_its_filters(page):
    errors = watch_errors(page)
    page.goto("/language/en?next=/map")
    settled(page)
    heading = page.locator("[data-map-unplaced] h2")
    assert heading.inner_text().endswith("zones have no position yet")
    assert page.locator("[data-map-unplaced] li").count() >= 9
    page.locator("#map-kind").select_option("border_gate_economic_zone")
    page.locator("form[data-map-filters] button[type=submit]").click()
    page.wait_for_function("() => document.querySelector('[data-map-unplaced] h2').textContent.startsWith('1 zone has')")
    settled(page)
    link = page.locator("[data-map-unplaced] li a").first
    assert "Bo Y" in link.inner_text()
    link.click()
    page.wait_for_url("**/zones/*")
    assert "Bo Y" in page.locator("h1").inner_text()
    assert errors == []


def zone_position(page, words: str) -> dict:
    items = page.request.get(f"/api/v1/zones?q={words}").json()["items"]
    return items[0]


def test_an_economic_zone_map_opens_on_its_extent_and_draws_its_parks(page):
    errors = watch_errors(page)
    economic = zone_position(page, "khu kinh te dung quat")
    page.goto(f"/zones/{economic['id']}")
    settled(page)
    view = map_view(page)
    assert (view["north"] - view["south"]) * 111 > 20  # not a street-level view of one dot
    for latitude in (15.4, 15.18):  # Dung Quất's recorded point, and VSIP Quảng Ngãi's inside it
        assert view["south"] < latitude < view["north"]
    drawn = page.evaluate("""() => window.RegistryMap.instances[0].layers
        .filter(layer => layer.spec.style === 'zone')
        .reduce((ids, layer) => ids.concat(layer.group.getLayers().map(shape => shape.feature.id)), [])""")
    assert economic["id"] in drawn and len(drawn) >= 2
    assert errors == []


def test_the_legend_folds_away_from_the_keyboard(page):
    page.goto("/map")
    settled(page)
    toggle = page.locator(".map-legend-toggle")
    items = page.locator(".map-legend ul")
    assert toggle.get_attribute("aria-expanded") == "true" and items.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.map-legend-toggle').getAttribute('aria-expanded') === 'false'")
    assert not items.is_visible()
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.map-legend-toggle').getAttribute('aria-expanded') === 'true'")
    assert items.is_visible()
    assert toggle.get_attribute("aria-controls") == items.get_attribute("id")


def test_a_zone_pages_legend_starts_folded(page):
    zone = zone_position(page, "nhon hoi")
    page.goto(f"/zones/{zone['id']}")
    settled(page)
    assert page.locator(".map-legend-toggle").get_attribute("aria-expanded") == "false"
    assert not page.locator(".map-legend ul").is_visible()


def test_the_drawing_tools_are_in_view_beside_the_map_at_1366_by_900(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/map")
    settled(page)
    for selector in ("button[data-area=rectangle]", "button[data-area=view]", "#map-radius", "button[data-area=radius]"):
        box = page.locator(selector).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 900, selector
    frame = page.locator(".folium-map").bounding_box()
    assert frame["y"] < 900 / 2  # the map is in view beside them


@pytest.fixture(scope="module")
def dense_server(tmp_path_factory):
    """A registry whose map shows at most 20 enterprises as points: the 200 demo ones come as grid cells at first."""
    database = tmp_path_factory.mktemp("dense") / "registry.sqlite"
    app = create_app(test_config(f"sqlite:///{database}", AUTO_INIT=True, DEMO_DATA=True, MAP_POINTS_IN_VIEW=20))
    with serving(app) as url:
        yield url


def test_dense_enterprises_are_drawn_as_counted_cells_that_zoom_in_on_click(browser, dense_server):
    context = browser.new_context(base_url=dense_server, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(dense_server) else route.abort())
    errors = watch_errors(page)
    page.goto("/language/en?next=/map")
    settled(page)
    status = page.locator(".registry-map-status")
    assert "enterprises in view, counted by area" in status.inner_text()
    counts = [int(text.replace(",", "")) for text in page.locator(".marker-cluster span").all_inner_texts()]
    assert sum(counts) >= 200 - 20 and max(counts) > 1
    before = map_view(page)["zoom"]
    page.locator(".marker-cluster").first.click()
    page.wait_for_function(f"() => window.RegistryMap.instances[0].map.getZoom() > {before}")
    settled(page)
    assert errors == []
    context.close()
