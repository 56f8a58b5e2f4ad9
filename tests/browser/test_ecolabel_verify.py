"""A buyer checks an eco-label on a phone: the verification page, at 390 × 844, answers a real certificate's status."""
import pytest

from .conftest import settled

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


def test_a_buyer_verifies_a_demo_certificate_from_a_phone(phone):
    phone.goto("/ecolabels/verify")
    settled(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the form fits the phone's width"
    phone.get_by_label("Số giấy chứng nhận").fill("DEMO-001/2025/NSTVN")
    phone.get_by_role("button", name="Xác minh").click()
    verdict = phone.locator("#verdict")
    verdict.wait_for()
    assert verdict.get_by_role("heading").inner_text() == "Còn hiệu lực"
    assert "Còn hiệu lực hôm nay" in verdict.inner_text() and "Minh họa" in verdict.inner_text()  # the demo tag
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the answer fits the phone's width"
    phone.get_by_label("Số giấy chứng nhận").fill("DEMO-005/2024/NSTVN")
    phone.get_by_role("button", name="Xác minh").click()
    phone.wait_for_url("**number=DEMO-005**")
    assert phone.locator("#verdict").get_by_role("heading").inner_text() == "Bị thu hồi"
    phone.get_by_label("Số giấy chứng nhận").fill("KHONG-CO-SO-NAY")
    phone.get_by_role("button", name="Xác minh").click()
    phone.wait_for_url("**number=KHONG-CO-SO-NAY**")
    unknown = phone.locator("#verdict")
    assert unknown.get_by_role("heading").inner_text() == "Không rõ" and "không chứng minh điều gì" in unknown.inner_text()
    assert phone.console_errors == []
