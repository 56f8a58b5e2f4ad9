"""Events: organizers record them, enterprises and investors register, offers meet needs, participants request meetings."""
from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from registry.accounts.service import find_organization, find_user
from registry.domain_errors import Conflict
from registry.enterprises.models import Enterprise, Status
from registry.events import service
from registry.events.models import Event, MeetingRequest, Participant, ParticipantStatus, RequestState
from registry.events.suggestions import suggestions_for
from registry.extensions import db

from .conftest import csrf_token
from .factories import event_values, make_event, make_organization, make_participant, make_token, make_user, tax_code

ASSOCIATION = "Hiệp hội Doanh nghiệp Môi trường Quảng Ngãi"


def _organizer(email: str = "organizer@example.vn"):
    return make_user(email, role="event_organizer", org=make_organization(ASSOCIATION, "association", "51"))


def _form(client, path: str, **values) -> dict:
    return {"csrf_token": csrf_token(client, path), **values}


def test_an_organizer_records_an_event_that_the_public_list_shows_among_coming_events(app, client, accounts):
    with app.app_context():
        _organizer()
        association = find_organization(ASSOCIATION).id
    accounts.sign_in(client, "organizer@example.vn")
    values = {k: str(v) for k, v in event_values(organization_id=association, starts_on="2099-05-04", ends_on="2099-05-06").items()}
    answer = client.post("/events/new", data=_form(client, "/events/new", **values))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Kết nối cung – cầu công nghệ môi trường Quảng Ngãi 2026" in page and "Trung tâm Hội nghị tỉnh Quảng Ngãi" in page
    listing = app.test_client().get("/events/?when=coming&kind=matchmaking&province=51").get_data(as_text=True)
    assert "Kết nối cung – cầu công nghệ môi trường Quảng Ngãi 2026" in listing
    assert "Kết nối cung – cầu" not in app.test_client().get("/events/?when=past").get_data(as_text=True)
    assert "Kết nối cung – cầu" not in app.test_client().get("/events/?kind=training").get_data(as_text=True)


def test_an_event_ending_before_it_starts_is_refused_in_the_users_language_and_nothing_is_kept(app, client, accounts):
    with app.app_context():
        _organizer()
        association = find_organization(ASSOCIATION).id
    accounts.sign_in(client, "organizer@example.vn")
    values = {k: str(v) for k, v in event_values(organization_id=association, starts_on="2026-12-10", ends_on="2026-12-01").items()}
    answer = client.post("/events/new", data=_form(client, "/events/new", **values))
    assert answer.status_code == 422
    assert "trước khi bắt đầu" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0
    english = client.post("/api/v1/events", json={**event_values(organization_id=association, ends_on="2026-12-01")},
                          headers={"Authorization": f"Bearer {_token(app, 'organizer@example.vn')}", "Accept-Language": "en"})
    assert english.status_code == 422
    assert "cannot end" in english.get_json()["errors"]["ends_on"][0]


def _token(app, email: str) -> str:
    with app.app_context():
        return make_token(email)


def test_drafts_are_seen_only_by_their_organizers(app, client, accounts):
    with app.app_context():
        organizer = _organizer()
        event_id = make_event(organizer, status="draft").id
        make_user("other@example.vn", role="event_organizer", org=make_organization("Hiệp hội Tái chế Gia Lai", "association", "52"))
    assert app.test_client().get(f"/events/{event_id}").status_code == 404
    assert app.test_client().get(f"/api/v1/events/{event_id}").status_code == 404
    accounts.sign_in(client, "organizer@example.vn")
    assert client.get(f"/events/{event_id}").status_code == 200
    other = app.test_client()
    accounts.sign_in(other, "other@example.vn")
    assert other.get(f"/events/{event_id}").status_code == 404


def test_a_representative_registers_a_new_enterprise_which_waits_pending_and_the_organizer_approves_it(app, client, accounts):
    with app.app_context():
        event_id = make_event().id
        _organizer()
        make_user("visitor@example.vn", role=None)
    accounts.sign_in(client, "visitor@example.vn")
    path = f"/events/{event_id}/register"
    code = tax_code(7)
    answer = client.post(path, data=_form(client, path, role="exhibitor", tax_code=code, enterprise_name="Công ty TNHH Màng Lọc Sông Trà",
                                          enterprise_province="51"))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    with app.app_context():
        enterprise = db.session.scalar(db.select(Enterprise).where(Enterprise.tax_code == code))
        assert enterprise.status == Status.PENDING
        participant = db.session.scalar(db.select(Participant).where(Participant.enterprise_id == enterprise.id))
        assert participant.status == ParticipantStatus.REQUESTED
        assert find_user("visitor@example.vn").memberships[0].organization_id == enterprise.organization_id  # its representative now
        participant_id = participant.id
    organizer = app.test_client()
    accounts.sign_in(organizer, "organizer@example.vn")
    page = f"/events/{event_id}"
    assert "new to the registry, pending review" in organizer.get(page + "?lang=en").get_data(as_text=True)
    organizer.post(f"/events/{event_id}/participants/{participant_id}/approve", data=_form(organizer, page))
    organizer.post(f"/events/{event_id}/participants/{participant_id}/booth", data=_form(organizer, page, booth="B-12"))
    with app.app_context():
        participant = db.session.get(Participant, participant_id)
        assert participant.status == ParticipantStatus.APPROVED and participant.booth == "B-12"
    # Until its province publishes it, the new enterprise is named only to those who act for it and its reviewers.
    stranger = app.test_client()
    public = stranger.get(f"/api/v1/events/{event_id}", headers={"Accept-Language": "en"}).get_json()
    assert [(p["name"], p["enterprise"], p["booth"]) for p in public["participants"]] == [("An enterprise awaiting review", None, "B-12")]
    for seen in (stranger.get(page + "?lang=en"), stranger.get(f"/events/{event_id}/participants/{participant_id}?lang=en")):
        assert "Màng Lọc Sông Trà" not in seen.get_data(as_text=True) and "An enterprise awaiting review" in seen.get_data(as_text=True)
    assert "Màng Lọc Sông Trà" in organizer.get(page).get_data(as_text=True)
    assert "Màng Lọc Sông Trà" in client.get(f"/events/{event_id}/participants/{participant_id}").get_data(as_text=True)
    with app.app_context():
        enterprise = db.session.scalar(db.select(Enterprise).where(Enterprise.tax_code == code))
        enterprise.status = Status.PUBLISHED
        db.session.commit()
    public = stranger.get(f"/api/v1/events/{event_id}").get_json()
    assert [(p["name"], p["enterprise"]["tax_code"]) for p in public["participants"]] == [("Công ty TNHH Màng Lọc Sông Trà", code)]


def test_an_unknown_tax_code_without_a_name_is_refused_naming_the_fields(app, client, accounts):
    with app.app_context():
        event_id = make_event().id
        make_user("visitor@example.vn", role=None)
    accounts.sign_in(client, "visitor@example.vn")
    path = f"/events/{event_id}/register"
    answer = client.post(path + "?lang=en", data=_form(client, path, role="buyer", tax_code=tax_code(8)))
    assert answer.status_code == 422
    assert "give its Vietnamese name and province" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Participant)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 0


def test_booth_numbers_are_unique_within_an_event(ctx):
    event = make_event()
    first, second = make_participant(event, tax_code=tax_code(1)), make_participant(event, tax_code=tax_code(2))
    service.set_booth(_organizer(), first, "A1")
    db.session.commit()
    with pytest.raises(service.EventError) as refused:
        service.set_booth(find_user("organizer@example.vn"), second, "A1")
    assert "A1" in str(refused.value.errors["booth"][0])


def test_approvals_past_the_limit_go_on_the_waiting_list_and_a_withdrawal_promotes_the_first_waiting(ctx):
    event = make_event(participant_limit=2)
    a, b = make_participant(event, tax_code=tax_code(1)), make_participant(event, tax_code=tax_code(2))
    c = make_participant(event, tax_code=tax_code(3))
    d = make_participant(event, tax_code=tax_code(4))
    assert [p.status for p in (a, b, c, d)] == [ParticipantStatus.APPROVED] * 2 + [ParticipantStatus.WAITING] * 2
    with pytest.raises(service.EventError) as lowered:
        service.update_event(_organizer(), event, {**event_values(organization_id=event.organization_id), "participant_limit": 1})
    assert "participant_limit" in lowered.value.errors
    promoted = service.withdraw(_organizer("second.organizer@example.vn"), a)
    assert promoted.id == c.id and c.status == ParticipantStatus.APPROVED and d.status == ParticipantStatus.WAITING
    assert service.approved_count(event) == 2
    organizer = find_user("organizer@example.vn")
    service.decline(organizer, b)  # an approved place freed by a decline goes to the next waiting too
    assert d.status == ParticipantStatus.APPROVED and service.approved_count(event) == 2
    with pytest.raises(Conflict):
        service.decline(organizer, a)  # withdrawn: nothing left to decline
    with pytest.raises(Conflict):
        service.decline(organizer, b)


def test_a_need_meets_an_offer_on_the_same_or_a_parent_node_and_each_suggestion_says_why(app, client, accounts):
    with app.app_context():
        event = make_event()
        buyer = make_participant(event, "buyer", needs=["A.01", "C2.02"], tax_code=tax_code(1), name_vi="Công ty CP Giấy Quảng Ngãi",
                                 size_class="large")
        same = make_participant(event, offers=["A.01"], tax_code=tax_code(2), name_vi="Công ty TNHH Thiết bị Nước Sạch", size_class="large")
        broader = make_participant(event, offers=["C2"], tax_code=tax_code(3), name_vi="Công ty TNHH Tái chế Miền Trung",
                                   province_code="48")
        make_participant(event, offers=["B.01"], tax_code=tax_code(4), name_vi="Công ty TNHH Lọc Bụi")
        found = suggestions_for(buyer)
        assert [s.participant.id for s in found] == [same.id, broader.id]
        assert {r.code for r in found[0].reasons} == {"they_offer_same", "same_province", "same_size"}
        assert {r.code for r in found[1].reasons} == {"they_offer_related"}
        buyer_id, event_id = buyer.id, event.id
        user = make_user("buyer@example.vn", role="enterprise_rep", org=make_organization("Giấy Quảng Ngãi", "enterprise", "51"))
        buyer.enterprise.organization_id = find_organization("Giấy Quảng Ngãi").id
        db.session.commit()
        assert service.may_act_for(user, buyer)
    accounts.sign_in(client, "buyer@example.vn")
    page = client.get(f"/events/{event_id}/participants/{buyer_id}?lang=en").get_data(as_text=True)
    assert "They offer A.01, which you seek." in page
    assert "They offer C2, close in the catalog to C2.02, which you seek." in page
    vietnamese = client.get(f"/events/{event_id}/participants/{buyer_id}?lang=vi").get_data(as_text=True)
    assert "Họ chào bán A.01, đúng mục bạn cần tìm." in vietnamese and "Cùng tỉnh với bạn: Quảng Ngãi." in vietnamese


def test_meeting_requests_refuse_oneself_a_second_one_and_one_that_was_declined(ctx):
    event = make_event(max_open_requests=5)
    a, b, c = (make_participant(event, tax_code=tax_code(n)) for n in (1, 2, 3))
    with pytest.raises(service.EventError) as itself:
        service.request_meeting(None, a, {"counterpart_id": a.id})
    assert "itself" in str(itself.value.errors["counterpart_id"][0]) or itself.value.errors["counterpart_id"]
    first = service.request_meeting(None, a, {"counterpart_id": b.id, "priority": "must"})
    with pytest.raises(service.EventError):
        service.request_meeting(None, a, {"counterpart_id": b.id})
    with pytest.raises(service.EventError):
        service.request_meeting(None, b, {"counterpart_id": a.id})
    service.answer_request(None, first, False)
    with pytest.raises(service.EventError) as declined:
        service.request_meeting(None, a, {"counterpart_id": b.id})
    assert "counterpart_id" in declined.value.errors
    assert db.session.scalar(db.select(db.func.count()).select_from(MeetingRequest)) == 1
    service.request_meeting(None, a, {"counterpart_id": c.id})


def test_a_participants_open_requests_are_capped(ctx):
    event = make_event(max_open_requests=2)
    a, *others = (make_participant(event, tax_code=tax_code(n)) for n in range(1, 5))
    for other in others[:2]:
        service.request_meeting(None, a, {"counterpart_id": other.id})
    with pytest.raises(service.EventError) as capped:
        service.request_meeting(None, a, {"counterpart_id": others[2].id})
    assert "2" in str(capped.value.errors["counterpart_id"][0])


def test_an_event_set_to_accept_automatically_accepts_requests(ctx):
    event = make_event(auto_accept=True)
    a, b = make_participant(event, tax_code=tax_code(1)), make_participant(event, tax_code=tax_code(2))
    assert service.request_meeting(None, a, {"counterpart_id": b.id}).status == RequestState.ACCEPTED


def test_unanswered_requests_expire_after_the_organizers_time_on_read_and_by_the_sweep(ctx):
    event = make_event(request_hours=24)
    a, b = make_participant(event, tax_code=tax_code(1)), make_participant(event, tax_code=tax_code(2))
    with time_machine.travel(datetime(2026, 12, 1, 8, 0), tick=False):
        sent = service.request_meeting(None, a, {"counterpart_id": b.id})
        db.session.commit()
    with time_machine.travel(datetime(2026, 12, 2, 7, 59), tick=False):
        assert sent.state(datetime(2026, 12, 2, 7, 59)) == RequestState.OPEN
        assert service.expire_requests() == 0
    with time_machine.travel(datetime(2026, 12, 2, 8, 1), tick=False):
        assert sent.state(datetime(2026, 12, 2, 8, 1)) == RequestState.EXPIRED
        with pytest.raises(Conflict):
            service.answer_request(None, sent, True)
        assert service.expire_requests() == 1
        assert service.expire_requests() == 0
        again = service.request_meeting(None, a, {"counterpart_id": b.id})  # an expired request may be sent again
        assert again.id == sent.id and again.state(datetime(2026, 12, 2, 8, 1)) == RequestState.OPEN


def test_requests_and_answers_through_the_api_follow_who_acts_for_each_participant(app, client):
    with app.app_context():
        event = make_event()
        a, b = make_participant(event, tax_code=tax_code(1)), make_participant(event, tax_code=tax_code(2))
        owner_a = make_user("a@example.vn", role=None)
        owner_b = make_user("b@example.vn", role=None)
        a.user_id, b.user_id = owner_a.id, owner_b.id
        db.session.commit()
        ids = event.id, a.id, b.id
    event_id, a_id, b_id = ids
    token_a, token_b = _token(app, "a@example.vn"), _token(app, "b@example.vn")
    refused = client.post(f"/api/v1/events/{event_id}/participants/{a_id}/requests", json={"counterpart_id": b_id},
                          headers={"Authorization": f"Bearer {token_b}"})
    assert refused.status_code == 403
    sent = client.post(f"/api/v1/events/{event_id}/participants/{a_id}/requests", json={"counterpart_id": b_id, "priority": "must"},
                       headers={"Authorization": f"Bearer {token_a}"})
    assert sent.status_code == 201 and sent.get_json()["state"] == "open"
    request_id = sent.get_json()["id"]
    assert client.post(f"/api/v1/events/{event_id}/requests/{request_id}/answer", json={"accept": True},
                       headers={"Authorization": f"Bearer {token_a}"}).status_code == 403
    answered = client.post(f"/api/v1/events/{event_id}/requests/{request_id}/answer", json={"accept": True},
                           headers={"Authorization": f"Bearer {token_b}"})
    assert answered.status_code == 200 and answered.get_json()["state"] == "accepted"
    twice = client.post(f"/api/v1/events/{event_id}/participants/{a_id}/requests", json={"counterpart_id": b_id},
                        headers={"Authorization": f"Bearer {token_a}", "Accept-Language": "en"})
    assert twice.status_code == 422 and "already" in twice.get_json()["errors"]["counterpart_id"][0]


def test_the_schedule_answers_the_event_and_no_meetings_until_one_is_published(app, client):
    with app.app_context():
        event_id = make_event().id
    answer = client.get(f"/api/v1/events/{event_id}/schedule").get_json()
    assert answer["event"]["id"] == event_id and answer["meetings"] == []


def test_the_site_search_finds_events(app, client):
    with app.app_context():
        make_event()
    page = client.get("/search/?q=ket+noi+cung").get_data(as_text=True)
    assert "Kết nối cung – cầu công nghệ môi trường Quảng Ngãi 2026" in page


def test_the_demo_event_shows_its_participants_offers_and_requests_marked_demo_and_goes_with_demo_remove(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.is_demo.is_(True)))
        approved = [p for p in event.participants if p.status == ParticipantStatus.APPROVED]
        assert len(approved) >= 6 and all(p.is_demo for p in approved)
        assert any(suggestions_for(p) for p in approved)
        assert db.session.scalar(db.select(db.func.count()).select_from(MeetingRequest).where(MeetingRequest.event_id == event.id)) >= 3
        event_id = event.id
    visitor = app.test_client()
    page = visitor.get(f"/events/{event_id}").get_data(as_text=True)
    assert "(demo)" in page and "demo" in visitor.get("/events/").get_data(as_text=True)
    assert visitor.get(f"/api/v1/events/{event_id}").get_json()["is_demo"] is True
    assert runner.invoke(args=["demo", "remove"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0
