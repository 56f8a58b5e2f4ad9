"""At and after an event: badges with QR codes and check-in per day, the exhibitor catalogue, meeting outcomes on the
enterprises' records and in the annual figures, eco-labels in the suggestions, and the sweep of expired requests."""
from __future__ import annotations

import io
import re
from datetime import date, datetime

import openpyxl
import pytest
import time_machine

from registry.accounts.service import find_user
from registry.audit.models import AuditEntry
from registry.domain_errors import Conflict, Invalid
from registry.enterprises.models import Status
from registry.events.attendance import service as attendance
from registry.events.attendance.models import CheckIn, MeetingOutcome
from registry.events.models import MeetingRequest, Participant, RequestState
from registry.events.suggestions import suggestions_for
from registry.extensions import db

from .conftest import csrf_token
from .factories import (make_certificate, make_event, accepted_request, make_organization, make_participant, make_token, make_user,
                        statements_of, tax_code)

ASSOCIATION = "Hiệp hội Doanh nghiệp Môi trường Quảng Ngãi"
FIRST_DAY = datetime(2026, 12, 10, 8, 30)


def _organizer(email: str = "organizer@example.vn"):
    return make_user(email, role="event_organizer", org=make_organization(ASSOCIATION, "association", "51"))


def _headers(app, email: str, language: str = "en") -> dict:
    with app.app_context():
        return {"Authorization": f"Bearer {make_token(email)}", "Accept-Language": language}


@pytest.fixture
def fair(app):
    """An event of 10–11 December 2026 with an exhibitor (booth A1, offers A.01), a buyer seeking A.01 and an accepted meeting
    between them; the buyer's account is buyer@example.vn, the organizer organizer@example.vn."""
    with app.app_context():
        _organizer()
        event = make_event()
        exhibitor = make_participant(event, offers=["A.01", "C2"], tax_code=tax_code(1), name_vi="Công ty TNHH Thiết bị Nước Sạch",
                                     website="https://nuocsach.example.vn")
        exhibitor.booth = "A1"
        buyer = make_participant(event, "buyer", needs=["A.01"], tax_code=tax_code(2), name_vi="Công ty CP Giấy Quảng Ngãi")
        buyer.user_id = make_user("buyer@example.vn", role=None).id
        make_user("stranger@example.vn", role=None)
        db.session.commit()
        meeting = accepted_request(buyer, exhibitor, "must")
        return {"event": event.id, "exhibitor": exhibitor.id, "buyer": buyer.id, "meeting": meeting.id,
                "exhibitor_enterprise": exhibitor.enterprise_id, "buyer_enterprise": buyer.enterprise_id}


def _badge_link(page: str, participant_id: int) -> str:
    article = page[page.index(f'id="badge-{participant_id}"'):]
    return article[article.index('<p class="badge-code">') + 22:article.index("</p>", article.index('<p class="badge-code">'))]


def test_an_organizer_prints_badges_and_checks_a_participant_in_once_per_day_by_its_qr_code(app, client, accounts, fair):
    accounts.sign_in(client, "organizer@example.vn")
    page = client.get(f"/events/{fair['event']}/badges").get_data(as_text=True)
    assert "Công ty TNHH Thiết bị Nước Sạch" in page and "A1" in page and 'src="data:image/svg+xml;base64,' in page
    code = _badge_link(page, fair["exhibitor"])
    landing = f"/events/{fair['event']}/badge/{code}"
    # A visitor scanning the badge opens the participant's page; nothing is recorded.
    visitor = app.test_client().get(landing)
    assert visitor.status_code == 302 and visitor.headers["Location"].endswith(f"/events/{fair['event']}/participants/{fair['exhibitor']}")
    with time_machine.travel(FIRST_DAY, tick=False):
        accounts.sign_in(client, "organizer@example.vn")  # on the morning of the first day (a session idle for a week has ended)
        scanned = client.get(landing + "?lang=en").get_data(as_text=True)  # the organizer's phone opens the badge
        assert "Công ty TNHH Thiết bị Nước Sạch" in scanned and 'id="check-in-today"' in scanned
        with app.app_context():  # opening the badge wrote nothing: the check-in is the button's POST
            assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 0
        tapped = client.post(landing, data={"csrf_token": csrf_token(client, landing)})
        assert tapped.status_code == 302 and tapped.headers["Location"].endswith(landing)
        after = client.get(landing + "?lang=en").get_data(as_text=True)
        assert "Checked in for today." in after and 'id="check-in-today"' not in after
        forged = client.post(landing, data={})  # without the page's CSRF token nothing is written
        assert forged.status_code in (302, 400)
        again = client.post(landing, data={"csrf_token": csrf_token(client, landing)}, follow_redirects=True)  # a page left open
        assert "đã điểm danh ngày 2026-12-10 rồi" in again.get_data(as_text=True)
        again = client.post(f"/events/{fair['event']}/check-in?lang=en",
                            data={"csrf_token": csrf_token(client, f"/events/{fair['event']}/check-in"), "code": code}, follow_redirects=True)
        assert "checked in already on 2026-12-10" in again.get_data(as_text=True)
    with time_machine.travel(datetime(2026, 12, 11, 9, 0), tick=False):
        accounts.sign_in(client, "organizer@example.vn")
        client.post(f"/events/{fair['event']}/check-in", data={"csrf_token": csrf_token(client, f"/events/{fair['event']}/check-in"),
                                                               "code": f"http://localhost{landing}?lang=en"})
    accounts.sign_in(client, "organizer@example.vn")
    outside = client.post(f"/events/{fair['event']}/check-in?lang=en", data={
        "csrf_token": csrf_token(client, f"/events/{fair['event']}/check-in"), "code": code, "day": "2026-12-12"})
    assert outside.status_code == 422 and "no check-in on 2026-12-12" in outside.get_data(as_text=True)
    with app.app_context():
        assert sorted(c.day for c in db.session.scalars(db.select(CheckIn))) == [date(2026, 12, 10), date(2026, 12, 11)]
    counts = client.get(f"/events/{fair['event']}/check-in").get_data(as_text=True)
    table = counts[counts.index('id="check-in-counts"'):]
    assert table.count("<td>1</td>") == 2


def test_a_badge_lets_no_stranger_check_anybody_in_and_a_made_up_code_is_refused(app, client, accounts, fair):
    with app.app_context():
        participant = db.session.get(Participant, fair["exhibitor"])
        with app.test_request_context():
            code = attendance.badge_token(participant)
    with time_machine.travel(FIRST_DAY, tick=False):
        accounts.sign_in(client, "stranger@example.vn")
        landing = client.get(f"/events/{fair['event']}/badge/{code}")
        assert landing.status_code == 302  # only the participant's page
        tapped = client.post(f"/events/{fair['event']}/badge/{code}", data={"csrf_token": csrf_token(client, "/")})
        assert tapped.status_code == 403
        refused = client.post(f"/events/{fair['event']}/check-in", data={"csrf_token": csrf_token(client, "/"), "code": code})
        assert refused.status_code == 403
        api = client.post(f"/api/v1/events/{fair['event']}/check-ins", json={"code": code}, headers=_headers(app, "stranger@example.vn"))
        assert api.status_code == 403
        organizer = _headers(app, "organizer@example.vn")
        forged = client.post(f"/api/v1/events/{fair['event']}/check-ins", json={"code": f"{fair['event']}.{fair['exhibitor']}"},
                             headers=organizer)
        assert forged.status_code == 422 and "not the code of a badge" in forged.get_json()["errors"]["code"][0]
        done = client.post(f"/api/v1/events/{fair['event']}/check-ins", json={"code": code}, headers=organizer)
        assert done.status_code == 201 and done.get_json()["day"] == "2026-12-10"
        twice = client.post(f"/api/v1/events/{fair['event']}/check-ins", json={"code": code}, headers=organizer)
        assert twice.status_code == 409
        counts = client.get(f"/api/v1/events/{fair['event']}/check-ins", headers=organizer).get_json()["days"]
        assert counts == [{"day": "2026-12-10", "checked_in": 1}, {"day": "2026-12-11", "checked_in": 0}]
    assert app.test_client().get(f"/events/{fair['event']}/badge/not-a-badge").status_code in (400, 404, 422, 302)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 1


def test_the_exhibitor_catalogue_groups_exhibitors_by_catalog_group_in_both_languages_and_exports_safe_xlsx(app, client, fair):
    with app.app_context():
        from registry.events.models import Event
        event = db.session.get(Event, fair["event"])
        make_participant(event, offers=["B.01"], tax_code=tax_code(3), name_vi="=HYPERLINK(\"http://evil.example\",\"Bấm\")")
    page = client.get(f"/events/{fair['event']}/catalogue").get_data(as_text=True)
    groups = re.findall(r'<h2 class="catalogue-group"><span class="code">([A-Z0-9.]+)</span>', page)
    assert groups == sorted(groups) and {"A", "B", "C"} <= set(groups)
    assert page.count("<h3>Công ty TNHH Thiết bị Nước Sạch") == 2  # offers in groups A and C: listed under both
    assert 'lang="en"' in page and 'lang="vi"' in page and "data:image/svg+xml;base64," in page
    english = client.get(f"/events/{fair['event']}/catalogue?lang=en").get_data(as_text=True)
    assert "Exhibitor catalogue" in english and "Booth A1" in english
    answer = client.get(f"/events/{fair['event']}/catalogue.xlsx")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.data)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    api = client.get(f"/api/v1/events/{fair['event']}/catalogue").get_json()
    assert {item["group"] for item in api["items"]} >= {"A", "B", "C"}
    assert any(item["booth"] == "A1" and item["website"] == "https://nuocsach.example.vn" for item in api["items"])


def test_either_side_records_a_meetings_outcome_after_the_event_and_the_enterprises_records_show_it(app, client, accounts, fair):
    accounts.sign_in(client, "buyer@example.vn")
    outcomes = f"/events/{fair['event']}/outcomes"
    before = client.post(f"/events/{fair['event']}/requests/{fair['meeting']}/outcome?lang=en",
                         data={"csrf_token": csrf_token(client, outcomes), "result": "follow_up"}, follow_redirects=True)
    assert "once the event has begun" in before.get_data(as_text=True)
    with time_machine.travel(datetime(2026, 12, 12, 10, 0), tick=False):
        accounts.sign_in(client, "buyer@example.vn")
        missing = client.post(f"/events/{fair['event']}/requests/{fair['meeting']}/outcome",
                              data={"csrf_token": csrf_token(client, outcomes), "result": "contract_signed"}, follow_redirects=True)
        assert "giá trị" in missing.get_data(as_text=True).lower()
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(MeetingOutcome)) == 0
        saved = client.post(f"/events/{fair['event']}/requests/{fair['meeting']}/outcome", follow_redirects=True, data={
            "csrf_token": csrf_token(client, outcomes), "result": "contract_signed", "contract_value": "2.500.000.000",
            "notes": "Hợp đồng cung cấp hệ thống xử lý nước thải"})
        assert saved.status_code == 200
        page = saved.get_data(as_text=True)
        assert "Hợp đồng cung cấp hệ thống xử lý nước thải" in page and "2.500.000.000" in page
    with app.app_context():
        outcome = db.session.scalar(db.select(MeetingOutcome))
        assert outcome.contract_value == 2_500_000_000 and outcome.recorded_by_id == find_user("buyer@example.vn").id
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(AuditEntry.entity_type == "meeting_outcome")) >= 1
    for enterprise in ("exhibitor_enterprise", "buyer_enterprise"):
        profile = app.test_client().get(f"/enterprises/{fair[enterprise]}?lang=en").get_data(as_text=True)
        assert 'id="event-outcomes"' in profile and "Contract signed" in profile
        assert "2,500,000,000" not in profile  # the value is the enterprises' business, not the public's
    accounts.user("so-congthuong@example.vn")  # Quảng Ngãi's Department of Industry and Trade reviews both enterprises
    accounts.sign_in(client, "so-congthuong@example.vn")
    reviewed = client.get(f"/enterprises/{fair['buyer_enterprise']}?lang=en").get_data(as_text=True)
    assert "2,500,000,000 ₫" in reviewed
    summary = app.test_client().get(f"/api/v1/events/{fair['event']}/outcomes").get_json()["summary"]
    assert summary == {"meetings": 1, "recorded": 1, "held": 1, "no_shows": 0, "follow_ups": 0, "mous": 0, "contracts": 1,
                       "contract_value": 2_500_000_000}
    provinces = app.test_client().get("/api/v1/events/outcomes?year=2026").get_json()["items"]
    assert provinces == [{"province": "51", "events": 1, **summary}]
    assert app.test_client().get("/api/v1/events/outcomes?year=2025").get_json()["items"] == []
    report = app.test_client().get("/events/outcomes?year=2026").get_data(as_text=True)
    assert "Quảng Ngãi" in report and "2.500.000.000" in report


def test_outcomes_through_the_api_follow_who_acts_for_each_side_and_bad_values_name_their_field(app, client, fair):
    path = f"/api/v1/events/{fair['event']}/requests/{fair['meeting']}/outcome"
    with time_machine.travel(datetime(2026, 12, 11, 17, 0), tick=False):
        assert client.post(path, json={"result": "held"}, headers=_headers(app, "stranger@example.vn")).status_code == 403
        organizer = _headers(app, "organizer@example.vn")
        no_show = client.post(path, json={"result": "no_show", "contract_value": 5}, headers=organizer)
        assert no_show.status_code == 422 and "MoU" in no_show.get_json()["errors"]["contract_value"][0]
        unknown = client.post(path, json={"result": "won"}, headers=_headers(app, "organizer@example.vn", "vi"))
        assert unknown.status_code == 422 and "result" in unknown.get_json()["errors"]
        mou = client.post(path, json={"result": "mou_signed", "notes": "<script>alert(1)</script>"}, headers=organizer)
        assert mou.status_code == 200 and mou.get_json()["result"] == "mou_signed"
        mine = client.get(f"/api/v1/events/{fair['event']}/outcomes", headers=_headers(app, "buyer@example.vn")).get_json()
        assert [item["request"] for item in mine["items"]] == [fair["meeting"]] and mine["summary"]["mous"] == 1
        assert client.get(f"/api/v1/events/{fair['event']}/outcomes", headers=_headers(app, "stranger@example.vn")).get_json()["items"] == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MeetingOutcome)) == 1


def test_a_declined_or_open_request_has_no_outcome(ctx):
    event = make_event()
    a, b, c = (make_participant(event, tax_code=tax_code(n)) for n in (1, 2, 3))
    from registry.events import service as events
    open_one = events.request_meeting(None, a, {"counterpart_id": b.id})
    with time_machine.travel(FIRST_DAY, tick=False), pytest.raises(Conflict):
        attendance.record_outcome(None, open_one, {"result": "held"})
    with pytest.raises(Invalid) as bad:
        attendance.clean_outcome({"result": "contract_signed", "contract_value": "-3"})
    assert "contract_value" in bad.value.errors


def test_a_counterpart_holding_an_eco_label_in_force_ranks_higher_and_says_so(app, client, accounts):
    with app.app_context():
        event = make_event()
        buyer = make_participant(event, "buyer", needs=["A.01"], tax_code=tax_code(1))
        plain = make_participant(event, offers=["A.01"], tax_code=tax_code(2), name_vi="Công ty An Bình")
        labelled = make_participant(event, offers=["A.01"], tax_code=tax_code(3), name_vi="Công ty Xanh Sạch")
        make_certificate(holder_tax_code=labelled.enterprise.tax_code, today=date(2025, 3, 10))
        found = suggestions_for(buyer)
        assert [s.participant.id for s in found] == [labelled.id, plain.id]
        assert "ecolabel" in {r.code for r in found[0].reasons} and "ecolabel" not in {r.code for r in found[1].reasons}
        buyer.user_id = make_user("buyer@example.vn", role=None).id
        db.session.commit()
        path = f"/events/{event.id}/participants/{buyer.id}?lang=en"
    accounts.sign_in(client, "buyer@example.vn")
    assert "Holds an eco-label in force" in client.get(path).get_data(as_text=True)


def test_a_pending_enterprises_eco_label_is_no_reason_in_anyones_suggestions_until_it_is_published(app):
    with app.app_context():
        event = make_event()
        buyer = make_participant(event, "buyer", needs=["A.01"], tax_code=tax_code(1))
        labelled = make_participant(event, offers=["A.01"], tax_code=tax_code(3), name_vi="Công ty Xanh Sạch")
        make_certificate(holder_tax_code=labelled.enterprise.tax_code, today=date(2025, 3, 10))
        labelled.enterprise.status = Status.PENDING  # awaiting review: its certificate is not public, nor its name
        db.session.commit()
        found = suggestions_for(buyer)
        assert [s.participant.id for s in found] == [labelled.id]
        assert "ecolabel" not in {r.code for r in found[0].reasons}
        labelled.enterprise.status = Status.PUBLISHED
        db.session.commit()
        assert "ecolabel" in {r.code for r in suggestions_for(buyer)[0].reasons}


def test_a_check_in_day_past_any_calendar_is_a_field_error(app, fair):
    with app.app_context(), app.test_request_context():
        participant = db.session.get(Participant, fair["exhibitor"])
        with pytest.raises(Invalid) as refused:
            attendance.check_in(None, participant, "1/1/99999999999999999999")
        assert "day" in refused.value.errors


def test_a_year_written_in_superscript_digits_is_no_year_and_no_crash(client):
    assert client.get("/events/outcomes?year=²").status_code == 200
    assert client.get("/api/v1/events/outcomes?year=²").status_code == 422


def test_a_website_stored_before_the_http_rule_is_no_link_in_the_catalogue(app, client, fair):
    with app.app_context():
        from registry.enterprises.models import Enterprise
        db.session.get(Enterprise, fair["exhibitor_enterprise"]).website = "javascript:alert(1)"
        db.session.commit()
    page = client.get(f"/events/{fair['event']}/catalogue").get_data(as_text=True)
    assert "javascript:alert(1)" in page and 'href="javascript:' not in page


def test_the_expire_requests_command_writes_down_expired_requests_and_is_safe_to_repeat(app, runner):
    with app.app_context():
        event = make_event(request_hours=1)
        a, b = make_participant(event, tax_code=tax_code(1)), make_participant(event, tax_code=tax_code(2))
        from registry.events import service as events
        with time_machine.travel(datetime(2026, 11, 1, 8, 0), tick=False):
            events.request_meeting(None, a, {"counterpart_id": b.id})
            db.session.commit()
    first = runner.invoke(args=["events", "expire-requests"])
    assert first.exit_code == 0 and "1" in first.output
    second = runner.invoke(args=["events", "expire-requests"])
    assert second.exit_code == 0 and "0" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(MeetingRequest.status)) == RequestState.EXPIRED


def test_the_event_page_and_api_read_offers_and_needs_in_the_same_statements_for_three_participants_or_twelve(app, client, accounts):
    with app.app_context(), app.test_request_context():
        small, large = make_event(name_vi="Hội chợ nhỏ"), make_event(name_vi="Hội chợ lớn")
        for n in range(3):
            make_participant(small, offers=["A.01"], needs=["B.01"], tax_code=tax_code(10 + n))
        for n in range(12):
            make_participant(large, offers=["A.01"], needs=["B.01"], tax_code=tax_code(20 + n))
        ids = small.id, large.id
    for path in ("/events/{}", "/api/v1/events/{}"):
        counts = [len(statements_of(app, app.test_client(), path.format(event_id))) for event_id in ids]
        assert counts[0] == counts[1], (path, counts)
