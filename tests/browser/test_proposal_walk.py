"""In Chromium: an investor describes a project one question at a time, reads the zones that fit, expresses interest in
the first, and the zone's board finds the lead and moves it on."""
from __future__ import annotations

from datetime import date

import pytest

from registry import create_app
from registry.accounts import service as accounts
from registry.audit.service import acting_as
from registry.extensions import db
from registry.zones import figures
from registry.zones import service as zones

from ..conftest import PASSWORD, test_config
from .conftest import serving, settled

pytestmark = pytest.mark.browser
BOARD = "Ban Quản lý các khu công nghiệp tỉnh Quảng Ngãi"
EDITOR = "bien.tap@example.vn"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A registry of its own: one zone of a board with 80 ha free as of 06/2026, another with 5 ha, and the board's editor."""
    database = tmp_path_factory.mktemp("walk") / "registry.sqlite"
    app = create_app(test_config(f"sqlite:///{database}", AUTO_INIT=True))
    with app.app_context(), acting_as("tests"):
        board = accounts.create_organization(None, BOARD, "zone_board", "51")
        accounts.create_user(None, EDITOR, PASSWORD, full_name="Trần Thị Bình", role="zone_editor", organization=board)
        for name, free, lat in (("Khu công nghiệp Tịnh Phong", 80, 15.2), ("Khu công nghiệp Phổ Phong", 5, 14.9)):
            zone = zones.create_zone(None, {"name_vi": name, "kind": "industrial_park", "province_code": "51", "latitude": lat,
                                            "longitude": 108.8}, organization=board)
            figures.add_figure(zone, "available", free, figures.SourceKind.BOARD, as_of=date(2026, 6, 1),
                               as_of_precision=figures.DatePrecision.MONTH)
            figures.show_figures(zone)
        db.session.commit()
    with serving(app) as url:
        yield url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def go_on(page, heading: str) -> None:
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=heading).wait_for()


def test_from_the_form_to_the_results_to_interest_and_the_boards_lead(page):
    page.goto("/language/en")
    page.get_by_role("link", name="Find a site").click()
    page.get_by_role("heading", name="How can the zone boards reach you?").wait_for()
    page.get_by_label("E-mail address").fill("investor@example.com")
    page.get_by_label("The zone boards I express interest to may contact me at this address.").check()
    go_on(page, "What is the project called?")
    page.get_by_label("Project name").fill("Nhà máy tái chế nhựa Hòa Bình")
    go_on(page, "What will the project do?")
    page.get_by_label("Recycling plant").check()
    go_on(page, "Which Decision 980 items will it make or use?")
    go_on(page, "How much land does it need?")
    page.get_by_label("Smallest area (ha)").fill("0")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("alert").get_by_text("Enter an area above 0").wait_for()  # the step stays, saying what is wrong
    page.get_by_label("Smallest area (ha)").fill("40")
    page.get_by_label("Largest area (ha)").fill("60")
    go_on(page, "How much capital will it invest?")
    page.get_by_label("Capital", exact=True).fill("500000000000")
    go_on(page, "How many jobs will it create?")
    page.get_by_label("Jobs").fill("200")
    go_on(page, "When will it start?")
    page.get_by_label("Start year").fill("2027")
    for heading in ("Where would you invest?", "What infrastructure does it need?", "Must the zone be of a particular kind?",
                    "What will the project earn?", "Check your answers"):
        go_on(page, heading)
    page.get_by_role("button", name="Find matching zones").click()
    page.get_by_role("heading", name="Matching zones, best first").wait_for()
    settled(page)
    assert "Khu công nghiệp Tịnh Phong" in page.locator(".matches").inner_text()
    assert "Khu công nghiệp Phổ Phong: 5 ha free as of 06/2026, 40 ha needed" in page.locator(".exclusions").inner_text()
    page.get_by_role("button", name="Express interest in Khu công nghiệp Tịnh Phong").click()
    page.get_by_text(f"{BOARD} will answer you at investor@example.com").wait_for()

    page.context.clear_cookies()
    page.goto("/language/en")
    page.goto("/sign-in")
    page.fill("input[name=email]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.get_by_role("link", name="Investor leads").click()
    page.get_by_role("link", name="Nhà máy tái chế nhựa Hòa Bình").click()
    page.get_by_text("investor@example.com").first.wait_for()
    page.get_by_label("Stage").select_option("site_visit")
    page.get_by_label("Note").fill("Hẹn khảo sát ngày 10/12")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The lead is updated.").wait_for()
    assert "Hẹn khảo sát ngày 10/12" in page.locator(".notes").inner_text()
    assert "New → Site visit" in page.locator(".notes").inner_text()
    # Refused loads only: the step answered 422 on purpose, and map tiles from the internet are blocked.
    assert [error for error in page.console_errors if not error.startswith("Failed to load resource")] == []
