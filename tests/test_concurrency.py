"""Many people at once: token and anonymous reads beside API and page writes, against the served registry.

The app is served on loopback over the test database (SQLite file, and PostgreSQL when configured),
by a server that reuses a few threads for every connection as gunicorn's gthread worker does, so
state a request leaves on its thread meets the next one. Every answer must be below 500, and the
log must never say "database is locked".
"""
from __future__ import annotations

import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import event
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

from registry.accounts import service as accounts_service
from registry.accounts.models import ApiToken
from registry.enterprises import service as enterprise_service
from registry.extensions import db
from registry.zones import service as zone_service

from .conftest import PASSWORD

DEADLINE_SECONDS = 12
OFFICER = "officer@example.vn"


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class PooledServer(BaseWSGIServer):
    """Serve each connection on one of `threads` long-lived threads, as gunicorn's gthread worker does."""

    def __init__(self, app, threads: int):
        super().__init__("127.0.0.1", 0, app, handler=QuietHandler)
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="served")

    def process_request(self, request, client_address):
        self.pool.submit(self._serve, request, client_address)

    def _serve(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


@pytest.fixture
def served(app):
    """Serve the test app on 127.0.0.1 with eight reused threads; yield its base URL."""
    server = PooledServer(app, threads=8)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.pool.shutdown(wait=True)
    thread.join(5)
    server.server_close()


@pytest.fixture
def registry_data(app, accounts):
    """An officer of Quảng Ngãi with an API token, four of the province's zones and four of its enterprises."""
    accounts.user(OFFICER)
    with app.app_context():
        zones = [
            zone_service.create_zone(None, {"name_vi": f"Cụm công nghiệp Tịnh Phong {n}", "kind": "industrial_cluster",
                                            "province_code": "51", "total_ha": 60, "industrial_ha": 50, "leased_ha": 20}).id
            for n in range(4)
        ]
        enterprises = [
            enterprise_service.create_enterprise(None, {
                "tax_code": f"0100233488-00{n + 1}", "name_vi": f"Công ty TNHH Tái chế Dung Quất {n}", "province_code": "51",
                "items": [{"code": "A.01", "relation": "manufactures"}],
            }, source="tests").id
            for n in range(4)
        ]
        token = accounts_service.issue_token(accounts_service.find_user(OFFICER), "load")
        db.session.commit()
    return {"zones": zones, "enterprises": enterprises, "token": token}


class Crowd:
    """Threads that each repeat one kind of request until their count or the deadline runs out."""

    def __init__(self, base: str):
        self.base = base
        self.deadline = time.monotonic() + DEADLINE_SECONDS
        self.answers: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def note(self, kind: str, response: requests.Response) -> None:
        with self.lock:
            self.answers.append((kind, response.status_code))

    def repeat(self, kind: str, times: int, action) -> None:
        with requests.Session() as session:
            for n in range(times):
                if time.monotonic() > self.deadline:
                    return
                self.note(kind, action(session, n))

    def run(self, jobs: list[tuple[str, int, object]]) -> None:
        with ThreadPoolExecutor(len(jobs)) as pool:
            for future in [pool.submit(self.repeat, *job) for job in jobs]:
                future.result()


def _sign_in(session: requests.Session, base: str) -> None:
    page = session.get(f"{base}/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = session.post(f"{base}/sign-in", data={"email": OFFICER, "password": PASSWORD, "csrf_token": token}, allow_redirects=False)
    assert answer.status_code == 302


def _zone_form(page: str, **changes) -> dict:
    """Collect what the zone edit form sends, as a browser would, with `changes` typed in."""
    fields = dict(re.findall(r'<input[^>]*?id="([a-z_]+)"[^>]*?value="([^"]*)"', page))
    fields.update(dict(re.findall(r'name="([a-z_]+)"[^>]*type="hidden" value="([^"]*)"', page)))
    fields.update({"kind": "industrial_cluster", "status": "operating", "parent_id": "", "wastewater_plant": "",
                   "solid_waste_service": ""})
    return {**fields, **changes}


def test_token_reads_anonymous_reads_and_writes_at_once_never_fail(app, served, registry_data, caplog):
    base, data = served, registry_data
    bearer = {"Authorization": f"Bearer {data['token']}"}

    def token_read(session, _n):
        return session.get(f"{base}/api/v1/enterprises?per_page=5", headers=bearer)

    def anonymous_read(session, n):
        return session.get(f"{base}/api/v1/enterprises?per_page=5" if n % 2 else f"{base}/zones/")

    def api_write(zone_index):
        def write(session, n):
            if n % 2:
                return session.patch(f"{base}/api/v1/zones/{data['zones'][zone_index]}", json={"leased_ha": 20 + n % 10}, headers=bearer)
            return session.patch(f"{base}/api/v1/enterprises/{data['enterprises'][zone_index]}", json={"staff": 10 + n}, headers=bearer)
        return write

    def page_write(zone_index):
        zone_id = data["zones"][zone_index]

        def write(session, n):
            if n == 0:
                _sign_in(session, base)
            form = session.get(f"{base}/zones/{zone_id}/edit")
            if form.status_code != 200:
                return form
            return session.post(f"{base}/zones/{zone_id}/edit", data=_zone_form(form.text, leased_ha=str(21 + n)), allow_redirects=False)
        return write

    with caplog.at_level(logging.WARNING):
        crowd = Crowd(base)
        crowd.run(
            [("token read", 40, token_read)] * 6
            + [("anonymous read", 40, anonymous_read)] * 2
            + [("api write", 15, api_write(0)), ("api write", 15, api_write(1))]
            + [("page write", 10, page_write(2)), ("page write", 10, page_write(3))]
        )

    failures = [(kind, status) for kind, status in crowd.answers if status >= 500]
    assert not failures, f"{len(failures)} of {len(crowd.answers)} answers failed: {failures[:10]}"
    kinds = {kind for kind, _status in crowd.answers}
    assert kinds == {"token read", "anonymous read", "api write", "page write"}
    saves = {kind: {status for k, status in crowd.answers if k == kind} for kind in ("api write", "page write")}
    assert saves == {"api write": {200}, "page write": {302}}, saves
    assert not [r for r in caplog.records if "database is locked" in r.getMessage() or "locked" in str(r.exc_info)]


def test_a_token_read_notes_the_tokens_use_beside_the_read_and_once_a_minute(app, client, accounts):
    accounts.user(OFFICER)
    with app.app_context():
        token = accounts_service.issue_token(accounts_service.find_user(OFFICER), "sync")
        db.session.commit()
        engine = db.engine
    statements: list[tuple[int, str]] = []

    def record(connection, _cursor, statement, *_args):
        statements.append((id(connection.connection.dbapi_connection), statement))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/api/v1/enterprises?per_page=5", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with app.app_context():
        first_use = db.session.scalar(db.select(ApiToken.last_used_at))
    assert first_use is not None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(ApiToken.last_used_at)) == first_use

    if engine.dialect.name == "sqlite":
        transactions = []
        for key in dict.fromkeys(k for k, _s in statements):
            for statement in (s for k, s in statements if k == key):
                if statement.startswith("BEGIN") or not transactions:
                    transactions.append([])
                transactions[-1].append(statement)
        reads = [t for t in transactions if any("FROM api_token" in s for s in t)]
        assert reads and all(t[0] == "BEGIN" and not any(s.startswith(("UPDATE", "INSERT", "DELETE")) for s in t) for t in reads)
        [noted] = [t for t in transactions if any(s.startswith("UPDATE api_token") for s in t)]
        assert noted[0] == "BEGIN IMMEDIATE" and len(noted) == 2


def test_a_token_used_only_to_write_has_its_use_noted_with_the_write(app, client, registry_data):
    bearer = {"Authorization": f"Bearer {registry_data['token']}"}
    assert client.patch(f"/api/v1/zones/{registry_data['zones'][0]}", json={"leased_ha": 25}, headers=bearer).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(ApiToken.last_used_at)) is not None


def test_proposals_sent_at_once_and_a_double_click_on_interest_keep_one_lead(app, served, caplog):
    from registry.matching.models import Lead, Proposal

    from .factories import make_free_zone, proposal_body

    with app.app_context():
        zone_id = make_free_zone("Khu công nghiệp Tịnh Phong", 200, province="51").id
    first = requests.post(f"{served}/api/v1/proposals", json=proposal_body(provinces=["51"], strict_provinces=True))
    token = first.json()["token"]

    def send(session, n):
        return session.post(f"{served}/api/v1/proposals", json=proposal_body(name=f"Nhà máy tái chế {n}"))

    def interest(session, n):
        if n == 0:
            page = session.get(f"{served}/proposals/{token}").text
            session.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return session.post(f"{served}/proposals/{token}/interest/{zone_id}", data={"csrf_token": session.csrf}, allow_redirects=False)

    with caplog.at_level(logging.WARNING):
        crowd = Crowd(served)
        crowd.run([("send", 4, send)] * 3 + [("interest", 3, interest)] * 4)
    assert {status for _kind, status in crowd.answers if _kind == "send"} == {201}
    assert {status for _kind, status in crowd.answers if _kind == "interest"} == {302}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Lead)) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Proposal)) == 13
    assert not [r for r in caplog.records if "database is locked" in r.getMessage()]


def test_approvals_racing_for_the_last_places_put_the_others_on_the_waiting_list(app, served, accounts):
    from registry.events.models import Participant, ParticipantStatus

    from .factories import make_event, make_participant, tax_code

    accounts.user(OFFICER)
    with app.app_context():
        event = make_event(participant_limit=3)
        make_participant(event, tax_code=tax_code(1))
        waiting = [make_participant(event, approved=False, tax_code=tax_code(n)).id for n in range(2, 10)]
        event_id = event.id

    def approve(session, n):
        if n == 0:
            _sign_in(session, served)
            page = session.get(f"{served}/events/{event_id}").text
            session.csrf = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
            session.queue = list(session.mine)
        return session.post(f"{served}/events/{event_id}/participants/{session.queue.pop()}/approve", data={"csrf_token": session.csrf},
                            allow_redirects=False)

    crowd = Crowd(served)
    shares = [waiting[k::4] for k in range(4)]

    def job(share):
        def run(session, n):
            session.mine = share
            return approve(session, n)
        return run

    crowd.run([("approve", len(share), job(share)) for share in shares])
    assert {status for _kind, status in crowd.answers} == {302}
    with app.app_context():
        statuses = [p.status for p in db.session.scalars(db.select(Participant).where(Participant.event_id == event_id))]
        assert statuses.count(ParticipantStatus.APPROVED) == 3
        assert statuses.count(ParticipantStatus.WAITING) == 6


def test_officers_suspending_one_certificate_at_once_record_one_suspension(app, served, registry_data, caplog):
    from registry.ecolabels.models import EcolabelEvent

    from .factories import make_certificate

    with app.app_context():
        holder = enterprise_service.get_enterprise(registry_data["enterprises"][0])
        certificate_id = make_certificate(holder_tax_code=holder.tax_code).id
    headers = {"Authorization": f"Bearer {registry_data['token']}"}

    def suspend(session, n):
        return session.post(f"{served}/api/v1/ecolabels/{certificate_id}/suspend", json={"reason": f"Giám sát không đạt {n}"}, headers=headers)

    with caplog.at_level(logging.WARNING):
        crowd = Crowd(served)
        crowd.run([("suspend", 2, suspend)] * 6)
    statuses = sorted(status for _kind, status in crowd.answers)
    assert statuses.count(200) == 1 and set(statuses) == {200, 409}, statuses
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(EcolabelEvent)) == 1


def test_an_enterprise_placed_in_two_cohorts_at_once_is_active_in_one(app, served, caplog):
    from registry.incubators.models import Incubatee

    from .factories import make_cohort, make_enterprise, make_incubator, make_token, make_user

    with app.app_context():
        make_user(OFFICER)
        token = make_token(OFFICER)
        incubator = make_incubator()
        cohorts = [make_cohort(incubator, "Khóa 2024", "2024-01-15").id, make_cohort(incubator, "Khóa 2025", "2025-01-15").id]
        tax_code, incubator_id = make_enterprise().tax_code, incubator.id

    def place(session, n):
        return session.post(f"{served}/api/v1/incubators/{incubator_id}/incubatees", json={"cohort_id": cohorts[n % 2], "tax_code": tax_code},
                            headers={"Authorization": f"Bearer {token}"})

    with caplog.at_level(logging.WARNING):
        crowd = Crowd(served)
        crowd.run([("place", 3, place)] * 6)
    statuses = [status for _kind, status in crowd.answers]
    assert statuses.count(201) == 1 and set(statuses) == {201, 422}, statuses
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Incubatee)) == 1
    assert not [r for r in caplog.records if "database is locked" in r.getMessage()]


def test_organizers_scanning_one_badge_at_once_check_it_in_once(app, served, caplog):
    from registry.events.attendance import service as attendance
    from registry.events.attendance.models import CheckIn

    from .factories import make_event, make_participant, make_token, make_user, tax_code

    with app.app_context():
        make_user(OFFICER)
        token = make_token(OFFICER)
        event = make_event()
        participant = make_participant(event, tax_code=tax_code(1))
        code, event_id = attendance.badge_token(participant), event.id

    def scan(session, n):
        return session.post(f"{served}/api/v1/events/{event_id}/check-ins", json={"code": code, "day": "2026-12-10"},
                            headers={"Authorization": f"Bearer {token}"})

    with caplog.at_level(logging.WARNING):
        crowd = Crowd(served)
        crowd.run([("scan", 2, scan)] * 6)
    statuses = sorted(status for _kind, status in crowd.answers)
    assert statuses.count(201) == 1 and set(statuses) == {201, 409}, statuses
    assert "database is locked" not in caplog.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 1
