"""In Chromium: an organizer records a matchmaking event, defines its morning session and tables, builds the schedule, reads the
draft, publishes it; a participant's representative finds the meeting on its page and downloads the iCalendar file."""
from __future__ import annotations

import icalendar
import pytest

from registry import create_app
from registry.accounts import service as accounts
from registry.audit.service import acting_as
from registry.events import service as events
from registry.events.models import Event
from registry.extensions import db

from ..conftest import PASSWORD, test_config
from ..factories import make_enterprise, slot_text, tax_code
from .conftest import serving, settled

pytestmark = pytest.mark.browser
ASSOCIATION = "Hiệp hội Doanh nghiệp Môi trường Quảng Ngãi"
ORGANIZER, REPRESENTATIVE = "to.chuc@example.vn", "dai.dien@example.vn"
EVENT = "Kết nối cung – cầu thiết bị xử lý nước 2026"
SELLER, BUYER = "Công ty TNHH Thiết bị Nước Sạch", "Công ty CP Giấy Quảng Ngãi"


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """A registry of its own with the association's event organizer, two published enterprises and the seller's representative."""
    database = tmp_path_factory.mktemp("schedule") / "registry.sqlite"
    app = create_app(test_config(f"sqlite:///{database}", AUTO_INIT=True))
    with app.app_context(), acting_as("tests"):
        association = accounts.create_organization(None, ASSOCIATION, "association", "51")
        accounts.create_user(None, ORGANIZER, PASSWORD, full_name="Lê Văn Cường", role="event_organizer", organization=association)
        accounts.create_user(None, REPRESENTATIVE, PASSWORD, full_name="Trần Thị Bình")
        for n, name in enumerate((SELLER, BUYER), start=1):
            make_enterprise(tax_code=tax_code(n), name_vi=name, name_en="")
    with serving(app) as url:
        yield app, url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(registry):
    return registry[1]


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def register_the_pair(app) -> int:
    """The two enterprises register for the event and are approved; the buyer asks to meet the seller, who accepts."""
    with app.app_context(), acting_as("tests"):
        event = db.session.scalar(db.select(Event).where(Event.name_vi == EVENT))
        seller, buyer = (events.register(None, event, {"role": role, "tax_code": tax_code(n)}) for n, role in ((1, "exhibitor"), (2, "buyer")))
        for participant in (seller, buyer):
            events.approve(None, participant)
        seller.user_id = accounts.find_user(REPRESENTATIVE).id
        sent = events.request_meeting(None, buyer, {"counterpart_id": seller.id, "priority": "must"})
        events.answer_request(None, sent, True)
        db.session.commit()
        return event.id, seller.id


def test_an_organizer_publishes_a_schedule_and_a_participant_downloads_its_calendar(page, registry):
    app, _url = registry
    page.goto("/language/en")
    sign_in(page, ORGANIZER)
    page.goto("/events/new")
    page.fill("#name_vi", EVENT)
    page.select_option("#kind", "matchmaking")
    page.fill("#starts_on", "2026-12-10")
    page.fill("#ends_on", "2026-12-11")
    page.fill("#venue", "Trung tâm Hội nghị tỉnh Quảng Ngãi")
    page.select_option("#province_code", "51")
    page.select_option("#organization_id", label=ASSOCIATION)
    page.select_option("#status", "open")
    page.click("main form button[type=submit]")
    page.get_by_role("heading", name=EVENT).wait_for()
    event_id, seller_id = register_the_pair(app)

    page.reload()
    page.get_by_role("link", name="Schedule", exact=True).click()
    page.get_by_role("heading", name="Sessions and tables").wait_for()
    page.fill("#name_vi", "Phiên gặp gỡ buổi sáng")
    page.fill("#first_day", "2026-12-10")
    page.fill("#starts_at", "08:30")
    page.fill("#ends_at", "10:00")
    page.fill("#meeting_minutes", "25")
    page.fill("#breaks", "09:00-09:05")
    page.fill("#tables", "Bàn 1\nBàn 2")
    page.get_by_role("button", name="Save the session").click()
    page.get_by_text("The session has been saved.").wait_for()
    page.get_by_role("button", name="Build the schedule").click()
    page.get_by_text("The draft schedule has been built: 1 meetings placed").wait_for()
    grid = page.locator("table.schedule-grid")
    assert f"{BUYER} – {SELLER}" in grid.inner_text() and slot_text("2026-12-10", "08:30", "08:55", "en") in grid.inner_text()
    page.get_by_role("button", name="Publish the schedule").click()
    page.get_by_text("The schedule is published: 1 meetings.").wait_for()
    settled(page)
    assert page.console_errors == []

    page.context.clear_cookies()
    page.goto("/language/en")
    sign_in(page, REPRESENTATIVE)
    page.goto(f"/events/{event_id}/participants/{seller_id}")
    page.get_by_role("heading", name="My meetings").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to a calendar (iCalendar file)").click()
    calendar = icalendar.Calendar.from_ical(download.value.path().read_bytes())
    (meeting,) = calendar.walk("VEVENT")
    assert BUYER in str(meeting["SUMMARY"]) and "Bàn 1" in str(meeting["LOCATION"])
    assert meeting.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") == "2026-12-10 08:30"
