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


@pytest.mark.parametrize(("number", "heading", "says"), [
    ("DEMO-002/2024/NSTVN", "Sắp hết hiệu lực", "Còn hiệu lực hôm nay"),
    ("DEMO-003/2019/NXVN", "Hết hiệu lực", "có hiệu lực đến ngày"),
    ("DEMO-004/2025/NSTVN", "Tạm ngưng", "Không có hiệu lực trong thời gian bị đình chỉ"),
])
def test_a_buyer_on_a_phone_reads_every_status_with_the_day_it_is_valid_until(phone, number, heading, says):
    phone.goto("/ecolabels/verify")
    settled(phone)
    phone.get_by_label("Số giấy chứng nhận").fill(number)
    phone.get_by_role("button", name="Xác minh").click()
    phone.wait_for_url(f"**number={number.split('/')[0]}**")
    verdict = phone.locator("#verdict")
    assert verdict.get_by_role("heading").inner_text() == heading
    text = verdict.inner_text()
    valid_until = phone.request.get(f"/api/v1/ecolabels/verify?number={number}").json()["valid_until"]
    assert says in text and "đến ngày" in text and valid_until[:4] in text, "the day it is (or was) valid until"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_junk_and_a_ten_thousand_character_question_get_a_plain_message_on_a_phone(phone):
    phone.goto("/ecolabels/verify")
    settled(phone)
    phone.get_by_label("Số giấy chứng nhận").fill("<script>alert(1)</script>")
    phone.get_by_role("button", name="Xác minh").click()
    phone.wait_for_url("**number=**")
    message = phone.locator("#v-number-error")
    assert message.is_visible() and "chỉ gồm chữ, chữ số" in message.inner_text()
    assert phone.get_by_label("Số giấy chứng nhận").get_attribute("aria-invalid") == "true"
    assert phone.locator("#verdict").count() == 0
    # A link or a scanned code may carry what no one could type: 10,000 characters.
    phone.goto("/ecolabels/verify?number=" + "7" * 10_000)
    settled(phone)
    message = phone.locator("#v-number-error")
    assert message.is_visible() and "tối đa 100 ký tự" in message.inner_text() and "10000" in message.inner_text().replace(".", "")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the message fits the phone's width"
    assert [e for e in phone.console_errors if "422" not in e] == []  # the refusals' own status aside
