"""A visitor searches the enterprise registry and sees results change as they type."""
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
    assert page.get_by_text("Demo").count() > 0  # every demo record says so
    page.locator(".enterprise-item h2 a").first.click()
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.offsite_requests == [] and page.console_errors == []
