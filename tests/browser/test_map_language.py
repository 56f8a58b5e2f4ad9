"""The map's own controls speak the page's language, as the rest of the page does."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_zoom_buttons_are_named_in_the_pages_language(page):
    page.goto("/map")
    page.wait_for_function("document.querySelector('.leaflet-control-zoom-in')?.title === 'Phóng to'")
    assert page.locator(".leaflet-control-zoom-in").get_attribute("aria-label") == "Phóng to"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == "Thu nhỏ"
    page.goto("/language/en?next=/map")
    page.wait_for_function("document.querySelector('.leaflet-control-zoom-out')?.title === 'Zoom out'")
