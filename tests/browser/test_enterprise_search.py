"""A visitor searches the enterprise registry and sees results change as they type."""
import re

import pytest

pytestmark = pytest.mark.browser


def test_results_follow_the_words_as_they_are_typed_without_accents(page):
    page.goto("/enterprises/")
    everything = page.locator("#result-count").inner_text()
    box = page.locator("#enterprise-q")
    box.press_sequentially("moi tr", delay=40)
    page.wait_for_function("() => document.querySelector('#result-count').innerText.includes('moi tr')")
    assert page.locator("#result-count").inner_text() != everything
    marks = page.locator("#enterprise-results mark").all_inner_texts()
    assert marks and all(m.lower().startswith(("mô", "moi", "tr")) for m in marks)
    assert "q=moi+tr" in page.url
    assert page.locator(".enterprise-item .tag-warning").count() > 0  # every demo record says so
    name = page.locator(".enterprise-item h2 a").first.inner_text()
    page.locator(".enterprise-item h2 a").first.click()
    page.wait_for_url(re.compile(r".*/enterprises/\d+$"), wait_until="domcontentloaded")
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    # The profile's map asks the tile server, which the page fixture cuts off; nothing else leaves.
    assert [u for u in page.offsite_requests if "tile.openstreetmap.org" not in u] == []
