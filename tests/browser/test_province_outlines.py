"""A visitor offline (no map tiles) still sees where things are: every map draws the provinces' outlines."""
from __future__ import annotations

import pytest

from registry import create_app
from registry.audit.service import acting_as
from registry.extensions import db
from registry.places.boundaries import import_boundaries
from registry.places.models import ProvinceBoundary

from ..conftest import test_config
from ..factories import province_boundaries
from .conftest import settled

pytestmark = pytest.mark.browser
OUTLINES = ".leaflet-registryOutlines-pane path"


@pytest.fixture(scope="module")
def loaded_boundaries(live_server, tmp_path_factory):
    """Load made-up boundaries of the 34 provinces into the live server's database, as an operator would."""
    database = next(tmp_path_factory.getbasetemp().glob("live*/registry.sqlite"))
    app = create_app(test_config(f"sqlite:///{database}"))
    with app.app_context(), acting_as("tests"):
        import_boundaries(province_boundaries(), "provinces.geojson")
        db.session.commit()
        yield
        db.session.execute(db.delete(ProvinceBoundary))
        db.session.commit()
        db.engine.dispose()


def test_with_tiles_refused_the_map_still_draws_the_34_outlines_under_the_zones(page, loaded_boundaries):
    page.goto("/map")
    page.wait_for_function(f"() => document.querySelectorAll('{OUTLINES}').length === 34")
    settled(page)
    assert page.offsite_requests and all("tile.openstreetmap.org" in url for url in page.offsite_requests)
    assert page.locator(".leaflet-tile-loaded").count() == 0
    pane = page.locator(".leaflet-registryOutlines-pane")
    assert pane.evaluate("node => getComputedStyle(node).pointerEvents") == "none"
    assert int(pane.evaluate("node => getComputedStyle(node).zIndex")) < int(
        page.locator(".leaflet-overlay-pane").evaluate("node => getComputedStyle(node).zIndex"))
    assert page.locator(f"{OUTLINES}").first.get_attribute("fill") == "none"
    assert page.locator("path.leaflet-interactive").count() > 0  # the zones, drawn over the outlines


def test_the_province_page_draws_its_outline_with_the_others(page, loaded_boundaries):
    page.goto("/provinces/51")
    page.wait_for_function(f"() => document.querySelectorAll('{OUTLINES}').length === 34")
    settled(page)
    # The province's own outline, in the overlay pane, not clickable.
    assert page.locator(".leaflet-overlay-pane path[stroke='#333333']").count() == 1
    assert page.console_errors == [] or all("Failed to load resource" in error for error in page.console_errors)
