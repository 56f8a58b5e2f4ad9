"""The organizer's schedule as organizers and participants meet it: sessions and tables, a draft built by the solver with
what it could not place and why, pins and moves by hand, publishing, re-runs that keep what was published, the agenda, the
iCalendar file, the table sheets and the public API."""
from __future__ import annotations

import icalendar
import pytest

from registry.accounts.permissions import PermissionDenied
from registry.enterprises.models import Status
from registry.events import service as events
from registry.events.models import Meeting
from registry.events.schedule import service as schedule
from registry.events.schedule.models import ParticipantSchedule, ScheduleSession, ScheduleTable
from registry.extensions import db

from ..conftest import csrf_token
from ..factories import accepted_request, day_text, make_event, make_organization, make_participant, make_session, make_user, session_values, slot_text, tax_code

ASSOCIATION = "Hiệp hội Doanh nghiệp Môi trường Quảng Ngãi"
NAMES = ["Công ty CP Giấy Quảng Ngãi", "Công ty TNHH Thiết bị Nước Sạch", "Công ty CP Tái chế Dung Quất", "Công ty TNHH Lọc bụi Sơn Tịnh"]


def _organizer(email: str = "organizer@example.vn"):
    return make_user(email, role="event_organizer", org=make_organization(ASSOCIATION, "association", "51"))


def _event_with(count: int = 4, **event):
    """An event (10–11 Dec 2026) by the association, its organizer, and `count` approved participants named as NAMES."""
    organizer = _organizer()
    found = make_event(organizer, **event)
    people = [make_participant(found, "exhibitor" if n % 2 == 0 else "buyer", tax_code=tax_code(n + 1), name_vi=NAMES[n])
              for n in range(count)]
    return organizer, found, people


def _form(client, path: str, **values) -> dict:
    return {"csrf_token": csrf_token(client, path), **values}


def _page(client, event_id: int) -> str:
    return client.get(f"/events/{event_id}/schedule").get_data(as_text=True)


def _build(client, event_id: int):
    return client.post(f"/events/{event_id}/schedule/build", data=_form(client, f"/events/{event_id}/schedule"))


def _publish(client, event_id: int):
    return client.post(f"/events/{event_id}/schedule/publish", data=_form(client, f"/events/{event_id}/schedule"))


def _placed(event) -> dict:
    return {m.request_id: (m.slot_key, m.table_id) for m in schedule.meetings_of(event) if m.slot_key}


def test_an_organizer_defines_a_session_builds_the_draft_and_sees_it_as_a_grid_without_double_booking(app, client, accounts):
    with app.app_context():
        _, event, (a, b, c, d) = _event_with()
        requests = [accepted_request(a, b, "must"), accepted_request(c, d), accepted_request(a, c), accepted_request(b, d)]
        event_id, request_ids = event.id, [r.id for r in requests]
    accounts.sign_in(client, "organizer@example.vn")
    answer = client.post(f"/events/{event_id}/schedule/sessions", data=_form(client, f"/events/{event_id}/schedule", **session_values()))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert _build(client, event_id).status_code == 302
    page = _page(client, event_id)
    assert "Phiên gặp gỡ B2B buổi sáng" in page and "Bàn 1" in page and slot_text("2026-12-10", "08:00", "08:20") in page
    assert f"{NAMES[0]} – {NAMES[1]}" in page
    with app.app_context():
        found = events.get_event(event_id)
        meetings = [m for m in schedule.meetings_of(found) if m.slot_key]
        assert sorted(m.request_id for m in meetings) == sorted(request_ids)
        seats = [(m.slot_key, m.table_id) for m in meetings]
        assert len(set(seats)) == len(seats)
        for slot in {m.slot_key for m in meetings}:
            people = [p for m in meetings if m.slot_key == slot for p in (m.request.requester_id, m.request.counterpart_id)]
            assert len(people) == len(set(people))
        assert not any(m.published for m in meetings)


def test_what_could_not_be_placed_is_said_in_words_in_vietnamese_and_english(app, client, accounts):
    with app.app_context():
        _, event, (a, b, c, d) = _event_with()
        make_session(event, ends_at="08:40", tables="Bàn 1")  # two slots, one table
        schedule.set_event_limit(None, event, 1)
        accepted_request(a, b, "must")
        accepted_request(a, c)  # a is full after its must-meet
        schedule.set_participant(None, d, {"availability": "2026-12-11 08:00-12:00"})  # d is free only on the second day
        accepted_request(b, d)
        db.session.commit()
        event_id = event.id
    accounts.sign_in(client, "organizer@example.vn")
    _build(client, event_id)
    page = _page(client, event_id)
    assert "Chưa xếp được" in page and f"{NAMES[0]} đã đủ số cuộc gặp tối đa (1)." in page
    assert "Không có khung giờ trống chung" in page
    client.get("/language/en")
    english = _page(client, event_id)
    assert f"{NAMES[0]} is full: it has the most meetings allowed (1)." in english
    assert "No common free slot: the two are never free at the same time." in english


def test_no_table_is_the_reason_when_every_table_is_taken(ctx):
    _, event, (a, b, c, d) = _event_with()
    make_session(event, ends_at="08:20", tables="Bàn 1")  # one slot, one table
    accepted_request(a, b, "must")
    second = accepted_request(c, d)
    schedule.build(None, event, time_limit=2.0)
    left = next(m for m in schedule.meetings_of(event) if m.request_id == second.id)
    assert left.slot_key is None and left.reason_code == "no_table"


def test_a_declined_request_is_never_scheduled(ctx):
    _, event, (a, b, c, _) = _event_with()
    make_session(event)
    declined = events.request_meeting(None, a, {"counterpart_id": b.id})
    events.answer_request(None, declined, False)
    kept = accepted_request(a, c)
    schedule.build(None, event, time_limit=2.0)
    assert set(_placed(event)) == {kept.id}


def test_publishing_gives_participants_their_agenda_and_a_calendar_file_they_can_import(app, client, accounts):
    with app.app_context():
        _, event, (a, b, c, _) = _event_with()
        make_session(event)
        accepted_request(a, b, "must")
        accepted_request(a, c)
        schedule.build(None, event, time_limit=2.0)
        schedule.publish(None, event)
        db.session.commit()
        a.user_id = make_user("rep@example.vn", role=None).id
        db.session.commit()
        ids = event.id, a.id
    event_id, participant_id = ids
    accounts.sign_in(client, "rep@example.vn")
    page = client.get(f"/events/{event_id}/participants/{participant_id}").get_data(as_text=True)
    assert NAMES[1] in page and "Bàn 1" in page and "agenda.ics" in page
    printable = client.get(f"/events/{event_id}/participants/{participant_id}/agenda")
    assert printable.status_code == 200 and NAMES[2] in printable.get_data(as_text=True)
    answer = client.get(f"/events/{event_id}/participants/{participant_id}/agenda.ics")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.data)
    meetings = calendar.walk("VEVENT")
    assert len(meetings) == 2
    by_counterpart = {str(m["SUMMARY"]): m for m in meetings}
    assert any(NAMES[1] in summary for summary in by_counterpart)
    first_meeting = next(m for s, m in by_counterpart.items() if NAMES[1] in s)
    assert "Trung tâm Hội nghị tỉnh Quảng Ngãi" in str(first_meeting["LOCATION"]) and "Bàn" in str(first_meeting["LOCATION"])
    assert first_meeting.decoded("DTSTART").utcoffset().total_seconds() == 7 * 3600
    again = icalendar.Calendar.from_ical(client.get(f"/events/{event_id}/participants/{participant_id}/agenda.ics").data)
    assert sorted(str(m["UID"]) for m in again.walk("VEVENT")) == sorted(str(m["UID"]) for m in meetings)
    assert len({str(m["UID"]) for m in meetings}) == 2
    stranger = app.test_client()
    accounts.sign_in(stranger, "organizer@example.vn")  # the organizers act for every participant
    assert stranger.get(f"/events/{event_id}/participants/{participant_id}/agenda.ics").status_code == 200
    assert app.test_client().get(f"/events/{event_id}/participants/{participant_id}/agenda.ics").status_code in (302, 401)


def test_a_participant_who_withdraws_after_publishing_leaves_every_agenda_and_the_api_at_once(app, client, accounts):
    with app.app_context():
        organizer, event, (a, b, c, _) = _event_with()
        make_session(event)
        accepted_request(a, b, "must")
        accepted_request(a, c)
        schedule.build(None, event, time_limit=2.0)
        schedule.publish(None, event)
        db.session.commit()
        assert len(schedule.published_of(event, a)) == 2
        events.withdraw(organizer, c)
        db.session.commit()
        assert [m.request.counterpart_id for m in schedule.published_of(event, a)] == [b.id]
        schedule.publish(None, event)  # publishing again without a new build does not bring it back
        db.session.commit()
        assert [m.request.counterpart_id for m in schedule.published_of(event, a)] == [b.id]
        event_id = event.id
    meetings = client.get(f"/api/v1/events/{event_id}/schedule").get_json()["meetings"]
    assert len(meetings) == 1


@pytest.mark.parametrize("changes", [{"starts_at": "08:00+07:00"}, {"ends_at": "09:00Z"}, {"breaks": "08:20Z-08:30"}])
def test_a_time_with_an_offset_is_a_field_error_not_a_crash(app, client, accounts, changes):
    with app.app_context():
        _, event, _ = _event_with(2)
        event_id = event.id
    accounts.sign_in(client, "organizer@example.vn")
    answer = client.post(f"/events/{event_id}/schedule/sessions", data=_form(client, f"/events/{event_id}/schedule", **session_values(**changes)))
    assert answer.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ScheduleSession)) == 0


def test_publishing_from_the_command_line_with_nothing_placed_says_so(app, runner):
    with app.app_context():
        _, event, _ = _event_with(2)
        make_session(event)  # a session, but no accepted request: nothing to place, nothing to publish
        event_id = event.id
    answer = runner.invoke(args=["schedule", "build", str(event_id), "--time-limit", "1", "--publish"])
    assert answer.exit_code == 1 and isinstance(answer.exception, SystemExit), answer.output


def test_the_api_gives_the_published_meetings_with_slot_table_and_participants_and_hides_pending_names(app, client):
    with app.app_context():
        _, event, (a, b, c, _) = _event_with()
        make_session(event)
        accepted_request(a, b, "must")
        accepted_request(a, c)
        c.enterprise.status = Status.PENDING
        db.session.commit()
        event_id = event.id
        assert client.get(f"/api/v1/events/{event_id}/schedule").get_json()["meetings"] == []
        schedule.build(None, event, time_limit=2.0)
        assert client.get(f"/api/v1/events/{event_id}/schedule").get_json()["meetings"] == []  # a draft is not public
        schedule.publish(None, event)
        db.session.commit()
    answer = client.get(f"/api/v1/events/{event_id}/schedule").get_json()
    assert len(answer["meetings"]) == 2
    first = answer["meetings"][0]
    assert first["slot_start"].startswith("2026-12-10T08:") and first["table"].startswith("Bàn ")
    assert first["slot"]["session"] == "Phiên gặp gỡ B2B buổi sáng" and first["slot"]["day"] == "2026-12-10"
    names = {side["name"] for m in answer["meetings"] for side in m["sides"]}
    assert NAMES[0] in names and NAMES[1] in names and NAMES[2] not in names
    assert all(len(m["participants"]) == 2 for m in answer["meetings"])


def test_a_rerun_after_late_changes_keeps_published_meetings_and_says_which_moved_and_why(app, client, accounts):
    with app.app_context():
        _, event, (a, b, c, d) = _event_with()
        make_session(event, ends_at="09:40")  # five slots, two tables
        requests = [accepted_request(a, b, "must"), accepted_request(c, d), accepted_request(a, c)]
        schedule.build(None, event, time_limit=2.0)
        schedule.publish(None, event)
        db.session.commit()
        before = _placed(event)
        # a late change: d is no longer free at its published meeting's time, and a new request is accepted
        hour = before[requests[1].id][0].split("T")[1]
        schedule.set_participant(None, d, {"availability": "2026-12-10 09:00-09:40" if hour < "0900" else "2026-12-10 08:00-09:00"})
        late = accepted_request(b, d)
        db.session.commit()
        event_id, ids, late_id = event.id, [r.id for r in requests], late.id
    accounts.sign_in(client, "organizer@example.vn")
    _build(client, event_id)
    page = _page(client, event_id)
    assert f"{NAMES[2]} – {NAMES[3]}" in page and f"Đã dời: {NAMES[3]} không còn rảnh vào khung giờ này." in page
    with app.app_context():
        found = events.get_event(event_id)
        after = _placed(found)
        assert after[ids[0]] == before[ids[0]] and after[ids[2]] == before[ids[2]]
        assert after[ids[1]] != before[ids[1]] and late_id in after
        moved = {m.request_id for m in schedule.meetings_of(found) if m.moved}
        assert moved == {ids[1]}
        still = {m.request_id: m.published_slot_key for m in schedule.meetings_of(found) if m.published}
        assert still[ids[1]] == before[ids[1]][0]  # participants see the published time until the organizer publishes again
    _publish(client, event_id)
    with app.app_context():
        assert {m.request_id: m.published_slot_key for m in schedule.meetings_of(events.get_event(event_id))}[ids[1]] == after[ids[1]][0]


def test_a_meeting_pinned_by_hand_stays_there_and_a_pin_clashing_with_another_is_a_field_error(app, client, accounts):
    with app.app_context():
        _, event, (a, b, c, d) = _event_with()
        session = make_session(event)
        first, second = accepted_request(a, b, "must"), accepted_request(c, d)
        schedule.build(None, event, time_limit=2.0)
        db.session.commit()
        meetings = {m.request_id: m.id for m in schedule.meetings_of(event)}
        table = session.tables[1].id
        event_id = event.id
    accounts.sign_in(client, "organizer@example.vn")
    path = f"/events/{event_id}/schedule/meetings/{meetings[first.id]}/place"
    answer = client.post(path, data=_form(client, f"/events/{event_id}/schedule", slot="20261210T0840", table=str(table)))
    assert answer.status_code == 302
    _build(client, event_id)
    with app.app_context():
        pinned = db.session.get(Meeting, meetings[first.id])
        assert (pinned.slot_key, pinned.table_id, pinned.pinned) == ("20261210T0840", table, True)
        other_before = (db.session.get(Meeting, meetings[second.id]).slot_key, db.session.get(Meeting, meetings[second.id]).table_id)
    clash = client.post(f"/events/{event_id}/schedule/meetings/{meetings[second.id]}/place",
                        data=_form(client, f"/events/{event_id}/schedule", slot="20261210T0840", table=str(table)))
    assert clash.status_code == 422
    assert "trùng với cuộc gặp đã ghim" in clash.get_data(as_text=True)
    with app.app_context():
        other = db.session.get(Meeting, meetings[second.id])
        assert (other.slot_key, other.table_id, other.pinned) == (*other_before, False)
    client.post(path.replace("/place", "/unpin"), data=_form(client, f"/events/{event_id}/schedule"))
    with app.app_context():
        assert not db.session.get(Meeting, meetings[first.id]).pinned


def test_a_pin_on_a_slot_a_participant_is_not_free_in_is_refused(ctx):
    _, event, (a, b, *_) = _event_with()
    session = make_session(event)
    request = accepted_request(a, b)
    schedule.set_participant(None, a, {"availability": "2026-12-10 08:00-08:20"})
    schedule.build(None, event, time_limit=2.0)
    meeting = schedule.meetings_of(event)[0]
    with pytest.raises(events.EventError) as refused:
        schedule.place(None, meeting, {"slot": "20261210T0840", "table": session.tables[0].id})
    assert "slot" in refused.value.errors and request.id


@pytest.mark.parametrize("changes, field, words", [
    ({"tables": ""}, "tables", "ít nhất một bàn"),
    ({"first_day": "2026-12-20"}, "first_day", "trong những ngày đó"),
    ({"ends_at": "07:00"}, "ends_at", "kết thúc sau khi bắt đầu"),
    ({"tables": "Bàn 1\nBàn 1"}, "tables", "hai lần"),
    ({"breaks": "12:00"}, "breaks", "HH:MM-HH:MM"),
    ({"meeting_minutes": "90"}, "meeting_minutes", "Không cuộc gặp"),
])
def test_a_bad_session_is_refused_with_the_fields_message_and_nothing_is_kept(app, client, accounts, changes, field, words):
    with app.app_context():
        _, event, _ = _event_with(0)
        event_id = event.id
    accounts.sign_in(client, "organizer@example.vn")
    answer = client.post(f"/events/{event_id}/schedule/sessions",
                         data=_form(client, f"/events/{event_id}/schedule", **session_values(**changes)))
    assert answer.status_code == 422
    assert words in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ScheduleSession)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(ScheduleTable)) == 0


def test_overlapping_sessions_are_refused(ctx):
    _, event, _ = _event_with(0)
    make_session(event)
    with pytest.raises(events.EventError) as refused:
        schedule.save_session(None, event, session_values(name_vi="Phiên chồng", starts_at="08:30", ends_at="10:00"))
    assert "starts_at" in refused.value.errors
    schedule.save_session(None, event, session_values(name_vi="Phiên sau", starts_at="09:00", ends_at="10:00"))


def test_availability_outside_the_event_is_refused_naming_the_line(app, client, accounts):
    with app.app_context():
        _, event, (a, *_) = _event_with(1)
        event_id, participant_id = event.id, a.id
    accounts.sign_in(client, "organizer@example.vn")
    path = f"/events/{event_id}/schedule/participants/{participant_id}"
    answer = client.post(path, data=_form(client, path, max_meetings="3", availability="2026-12-10 08:00-12:00\n2026-12-25 08:00-12:00"))
    assert answer.status_code == 422 and "Dòng 2" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ParticipantSchedule, participant_id) is None


def test_only_the_events_organizers_reach_its_schedule(app, client, accounts):
    with app.app_context():
        _, event, (a, b, *_) = _event_with(2)
        session = make_session(event)
        make_user("other@example.vn", role="event_organizer", org=make_organization("Hiệp hội Tái chế Gia Lai", "association", "52"))
        with pytest.raises(PermissionDenied):
            schedule.build(make_user("third@example.vn", role=None), event, time_limit=1.0)
        event_id, table_id = event.id, session.tables[0].id
    accounts.sign_in(client, "other@example.vn")
    for path in (f"/events/{event_id}/schedule", f"/events/{event_id}/schedule/tables/{table_id}"):
        assert client.get(path).status_code == 403


def test_each_table_has_a_printable_sheet_of_its_published_meetings(app, client, accounts):
    with app.app_context():
        _, event, (a, b, c, d) = _event_with()
        session = make_session(event, tables="Bàn 1")
        accepted_request(a, b)
        accepted_request(c, d)
        schedule.build(None, event, time_limit=2.0)
        schedule.publish(None, event)
        db.session.commit()
        event_id, table_id = event.id, session.tables[0].id
    accounts.sign_in(client, "organizer@example.vn")
    sheet = client.get(f"/events/{event_id}/schedule/tables/{table_id}").get_data(as_text=True)
    assert f"{NAMES[0]} – {NAMES[1]}" in sheet and f"{NAMES[2]} – {NAMES[3]}" in sheet and day_text("2026-12-10") in sheet


def test_a_large_event_is_built_from_the_command_line(app, runner):
    with app.app_context():
        _, event, (a, b, *_) = _event_with(2)
        make_session(event)
        accepted_request(a, b)
        event_id = event.id
    result = runner.invoke(args=["schedule", "build", str(event_id), "--time-limit", "2", "--publish"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [m.published for m in schedule.meetings_of(events.get_event(event_id))] == [True]
    assert runner.invoke(args=["schedule", "build", "999999"]).exit_code == 1


def test_the_demo_event_has_a_published_schedule_built_by_the_solver(app, runner):
    from registry.events.demo import NAME_VI
    from registry.events.models import Event

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.name_vi == NAME_VI))
        published = schedule.published_of(event)
        assert len(published) >= 2 and all(m.is_demo for m in published)
        assert all(s.is_demo for s in schedule.sessions_of(event))
    answer = app.test_client().get(f"/api/v1/events/{event.id}/schedule").get_json()
    assert len(answer["meetings"]) == len(published)
