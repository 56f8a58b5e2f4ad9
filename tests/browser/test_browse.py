"""A visitor opens the home page, switches language and browses the catalog in Chromium."""
import pytest

pytestmark = pytest.mark.browser


def test_home_page_opens_in_vietnamese_with_nothing_from_the_internet(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Đầu tư")
    assert page.offsite_requests == [] and page.console_errors == []


def test_the_language_switch_turns_the_site_english_and_stays(page):
    page.goto("/catalog/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/catalog/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("navigation", name="Main sections").get_by_role("link", name="Provinces").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Provinces and centrally-run cities"
    page.get_by_role("link", name="Tiếng Việt").click()
    assert page.locator("html").get_attribute("lang") == "vi"


def test_a_visitor_browses_the_catalog_tree_to_an_item(page):
    page.goto("/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Danh mục").first.click()
    tree = page.locator("ul.tree-root")
    group = tree.locator("details").filter(has_text="Chất thải rắn").first
    group.locator("summary").first.click()  # C starts open: this closes it
    group.locator("summary").first.click()  # and opens it again
    sub_group = group.locator("details").filter(has_text="Phân loại").first
    sub_group.locator("summary").first.click()
    sub_group.locator("a", has_text="Dây chuyền phân loại").first.click()
    assert "Dây chuyền phân loại" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text("Phân nhóm tạm thời").is_visible()
    page.get_by_role("navigation", name="Đường dẫn điều hướng").get_by_role("link").nth(1).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("C")


def test_the_catalog_works_with_the_keyboard_alone(page):
    page.goto("/catalog/")
    summary = page.locator("ul.tree-root > li > details > summary").nth(1)
    summary.focus()
    page.keyboard.press("Enter")
    assert summary.evaluate("s => s.parentElement.open") is False
    page.keyboard.press("Enter")
    assert summary.evaluate("s => s.parentElement.open") is True


def test_search_from_the_header_without_accents(page):
    page.goto("/")
    page.get_by_role("search").first.get_by_role("searchbox").fill("quang ngai")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Quảng Ngãi", exact=True).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Quảng Ngãi")
    assert page.get_by_text("Đặc khu Lý Sơn").count() == 1
