"""Hostile text in every stored field stays text: on every page, in map popups and layer names, and in exports.

A registry of its own is filled, through the services, with records whose every text and URL
field holds one payload of CORPUS; Chromium then opens each page that shows them, as a visitor,
an officer, a representative and an administrator would. Any dialog fails the test, so does an
element the payload managed to create (an <img>/<svg> with an event handler), and on the record
pages a link to a scheme other than http(s)/mailto; where a page shows the field, the payload must read back as
the very text that was stored.
"""
from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass, field

import openpyxl
import pytest
from playwright.sync_api import Error as PlaywrightError
from shapely.geometry import box

from registry import create_app
from registry.accounts import service as accounts
from registry.audit.service import acting_as
from registry.ecolabels import service as ecolabels
from registry.enterprises import review
from registry.enterprises import service as enterprises
from registry.enterprises.generator import check_digit
from registry.enterprises.models import DuplicateFlag
from registry.extensions import db
from registry.incentives import service as incentives
from registry.zones import service as zones
from registry.zones.boundaries import publish_boundary

from ..conftest import PASSWORD, test_config
from .conftest import serving, settled

pytestmark = pytest.mark.browser

CORPUS = [
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "${alert(1)}",
    "`-alert(1)-`",
    "</script><script>alert(1)</script>",
    "{{7*7}}",
    '=HYPERLINK("https://example.com","x")',  # a formula, for the exports
]
HOSTILE_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "   javascript:alert(1)", "\tjavascript:alert(1)"]
OFFICER, REPRESENTATIVE, ADMIN = "can.bo@example.vn", "dai.dien@example.vn", "quan.tri@example.vn"
# Elements a payload managed to create: any attribute handler that calls alert.
INJECTED = """() => [...document.querySelectorAll("*")].flatMap(el => [...el.attributes]
    .filter(attr => attr.name.startsWith("on") && attr.value.includes("alert(1)")).map(() => el.outerHTML.slice(0, 120)))"""
# Links that would run script when followed.
SCRIPT_LINKS = """() => [...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href")).filter(href => {
    try { return !["http:", "https:", "mailto:", "tel:"].includes(new URL(href, location.href).protocol); }
    catch (error) { return false; }  // not a URL at all: following it goes nowhere
})"""


@dataclass
class Corpus:
    url: str = ""
    enterprises: list[int] = field(default_factory=list)
    zones: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    change: int = 0
    duplicate: int = 0
    policies: list[int] = field(default_factory=list)
    certificates: list[int] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)  # results tokens
    leads: list[int] = field(default_factory=list)
    events: list[tuple[int, int]] = field(default_factory=list)  # (event, its enterprise participant)
    incubators: list[int] = field(default_factory=list)
    outcomes: list[int] = field(default_factory=list)  # events held, each with a meeting whose outcome's notes are a payload


def tax_codes():
    for number in range(200_300_000, 200_400_000):
        prefix = f"{number:09d}"
        if check_digit(prefix) is not None:
            yield prefix + check_digit(prefix)


def hostile_profile(payload: str, website: str, tax_code: str, n: int) -> dict:
    return {
        "tax_code": tax_code, "name_vi": payload, "name_en": payload, "short_name": payload, "province_code": "51",
        "address": payload, "description": payload, "contact_name": payload, "phone": "+84 255 3822 123", "website": website,
        "latitude": 15.0 + 0.05 * n, "longitude": 108.6 + 0.05 * n, "items": [{"code": "C2.01", "relation": "manufactures"}],
        "certificates": [{"name": payload, "number": payload[:100], "issuer": payload}],
    }


def hostile_zone_values(payload: str, website: str, n: int) -> dict:
    text = {name: payload for name in ("name_vi", "name_en", "location_text", "developer", "land_price_note", "power_note",
                                       "water_note", "sectors", "description", "contact")}
    return {**text, "decision_number": payload[:120], "website": website, "kind": "industrial_park", "province_code": "51",
            "total_ha": 100, "industrial_ha": 80, "leased_ha": 40}


def stored(create, values: dict, *args, **kwargs):
    """Store a record with its hostile URL; when the service refuses the URL (as it should), store it without one."""
    try:
        return create(values, *args, **kwargs)
    except (enterprises.EnterpriseError, zones.ZoneError) as refused:
        assert set(refused.errors) == {"website"}, refused.errors
        return create({**values, "website": ""}, *args, **kwargs)


def store_corpus(app) -> Corpus:
    """Write every payload into every stored text and URL field, through the services as the pages and the API do."""
    corpus = Corpus()
    codes = tax_codes()
    with app.app_context(), acting_as("xss corpus"):
        department = accounts.create_organization(None, "Sở Công Thương Quảng Ngãi", "department", "51")
        accounts.create_user(None, OFFICER, PASSWORD, full_name="Nguyễn Văn An", role="province_officer", organization=department)
        admin_org = accounts.create_organization(None, CORPUS[0] + " (hiệp hội)", "association", "51")
        admin = accounts.create_user(None, ADMIN, PASSWORD, full_name=CORPUS[1], role="admin", organization=admin_org)
        representative = accounts.create_user(None, REPRESENTATIVE, PASSWORD, full_name=CORPUS[3])
        for n, payload in enumerate(CORPUS):
            website = HOSTILE_URLS[n % len(HOSTILE_URLS)]
            board = accounts.create_organization(None, f"{payload} (ban quản lý {n})", "zone_board", "51")
            accounts.create_user(None, f"nguoi.{n}@example.vn", PASSWORD, full_name=payload, role="zone_editor", organization=board)
            accounts.issue_token(admin, payload)
            zone = stored(functools.partial(zones.create_zone, None), hostile_zone_values(payload, website, n), organization=board,
                          sources={"total_ha": {"source": payload, "confidence": "H"}})
            if corpus.zones:
                zone.parent_id = corpus.zones[0]
            around = (108.58 + 0.05 * n, 14.98 + 0.05 * n, 108.62 + 0.05 * n, 15.02 + 0.05 * n)
            publish_boundary(None, zone, box(*around), source=payload)
            corpus.zones.append(zone.id)
            record = stored(functools.partial(enterprises.create_enterprise, None), hostile_profile(payload, website, next(codes), n),
                            source=payload)
            corpus.enterprises.append(record.id)
            pending = stored(functools.partial(enterprises.register_enterprise, representative), hostile_profile(payload, website, next(codes), n))
            corpus.pending.append(pending.id)
            review.claim(representative, record.tax_code, payload)
            policy = incentives.create_policy(None, {**{name: payload for name in incentives.TEXT_FIELDS}, "source": website,
                                                     "instrument": "land_rent", "province_code": "51", "effective_from": "2026-01-01"})
            corpus.policies.append(policy.id)
            certificate = ecolabels.record_certificate(None, {**{name: payload for name in ecolabels.TEXT_FIELDS}, "scheme": "vn_ecolabel",
                                                              "holder_tax_code": record.tax_code, "issued_on": "2025-03-10"})
            ecolabels.suspend(None, certificate, {"reason": payload, "document": payload})
            corpus.certificates.append(certificate.id)
        # Each zone's editor, named like a payload, writes the next payload over its description: the history shows both sides.
        for n, zone_id in enumerate(corpus.zones):
            with acting_as("xss corpus", user=accounts.find_user(f"nguoi.{n}@example.vn")):
                zones.get_zone(zone_id).description = CORPUS[(n + 1) % len(CORPUS)]
                db.session.flush()
        published = enterprises.get_enterprise(corpus.enterprises[0])
        enterprises.give_representation(representative, published)
        change = enterprises.update_enterprise(representative, published, {"description": CORPUS[4], "name_en": CORPUS[2]}, partial=True)
        corpus.change = change.id
        officer = accounts.find_user(OFFICER)
        review.request_changes(officer, enterprises.get_enterprise(corpus.pending[1]), CORPUS[0])
        review.reject(officer, enterprises.get_enterprise(corpus.pending[2]), CORPUS[1])
        flag = db.session.scalar(db.select(DuplicateFlag))
        corpus.duplicate = flag.id if flag else 0
        store_proposals(corpus)
        store_events(corpus, admin_org.id)
        store_schedules(corpus)
        store_outcomes(corpus, admin_org.id)
        store_incubators(corpus)
        db.session.commit()
    return corpus


def store_schedules(corpus: Corpus) -> None:
    """Each event's meeting request accepted and published in a session named like its payload, at a table labelled like it."""
    from registry.events import service as events
    from registry.events.models import MeetingRequest
    from registry.events.schedule import service as schedule

    for payload, (event_id, _exhibitor) in zip(CORPUS, corpus.events):
        event = events.get_event(event_id)
        for request in db.session.scalars(db.select(MeetingRequest).where(MeetingRequest.event_id == event_id)):
            events.answer_request(None, request, True)
        schedule.save_session(None, event, {"name_vi": payload, "name_en": payload, "first_day": "2099-01-01", "starts_at": "08:00",
                                            "ends_at": "09:00", "tables": payload[:40]})
        schedule.build(None, event, time_limit=2.0)
        schedule.publish(None, event)


INCUBATOR_MARK = " (vườn ươm)"


def store_incubators(corpus: Corpus) -> None:
    """An incubator named like each payload (its host, services and description too), with a cohort named so holding an enterprise."""
    from registry.incubators import service as incubators

    for n, (payload, enterprise_id) in enumerate(zip(CORPUS, corpus.enterprises)):
        values = {"name_vi": payload + INCUBATOR_MARK, "name_en": payload + INCUBATOR_MARK, "host_kind": "university", "host_name": payload,
                  "services": payload, "description": payload, "address": payload, "province_code": "51",
                  "website": HOSTILE_URLS[n % len(HOSTILE_URLS)], "latitude": 15.3 + 0.05 * n, "longitude": 108.9 + 0.05 * n}
        try:
            incubator = incubators.create_incubator(None, values)
        except incubators.IncubatorError as refused:
            assert set(refused.errors) == {"website"}, refused.errors
            incubator = incubators.create_incubator(None, {**values, "website": ""})
        cohort = incubators.create_cohort(None, incubator, {"name": payload[:200], "starts_on": "2024-01-15"})
        incubators.add_incubatee(None, incubator, {"cohort_id": cohort.id, "tax_code": enterprises.get_enterprise(enterprise_id).tax_code,
                                                   "note": payload[:500]})
        corpus.incubators.append(incubator.id)


def store_proposals(corpus: Corpus) -> None:
    """A proposal named like each payload, interested in its zone with the payload as message, and the board's note."""
    from registry.matching import service as matching
    from registry.zones.models import ZoneStatus

    for n, (payload, zone_id) in enumerate(zip(CORPUS, corpus.zones)):
        zone = zones.get_zone(zone_id)
        zone.available_ha, zone.status = 60, ZoneStatus.OPERATING
        db.session.flush()
        proposal = matching.submit(None, {"email": "nha.dau.tu@example.com", "consent": True, "name": payload, "activity": "recycling_plant",
                                          "land_min_ha": 10, "capital_amount": 10**11, "jobs": 20, "start_year": 2027,
                                          "provinces": ["51"], "strict_provinces": True})
        lead = matching.express_interest(proposal, zone_id, payload)
        matching.follow_up(accounts.find_user(f"nguoi.{n}@example.vn"), lead, "contacted", payload)
        corpus.proposals.append(proposal.token)
        corpus.leads.append(lead.id)


def store_events(corpus: Corpus, organization_id: int) -> None:
    """An event named, placed and described like each payload; its enterprise and an investor named like it, offering and seeking it."""
    from registry.events import service as events

    for n, (payload, enterprise_id) in enumerate(zip(CORPUS, corpus.enterprises)):
        event = events.create_event(None, {"name_vi": payload, "name_en": payload, "venue": payload, "description": payload, "kind": "fair",
                                           "starts_on": "2099-01-01", "ends_on": "2099-01-02", "province_code": "51",
                                           "organization_id": organization_id, "status": "open", "latitude": 15.1, "longitude": 108.8})
        exhibitor = events.register(None, event, {"role": "exhibitor", "tax_code": enterprises.get_enterprise(enterprise_id).tax_code})
        investor = events.register(None, event, {"role": "investor", "name": payload})
        for participant in (exhibitor, investor):
            events.approve(None, participant)
        events.add_interest(None, exhibitor, {"direction": "offer", "node": "A.01", "text": payload})
        events.add_interest(None, investor, {"direction": "need", "node": "A", "text": payload})
        events.set_booth(accounts.find_user(ADMIN), exhibitor, f"{payload[:12]}{n}")
        events.request_meeting(None, investor, {"counterpart_id": exhibitor.id, "message": payload})
        corpus.events.append((event.id, exhibitor.id))


def store_outcomes(corpus: Corpus, organization_id: int) -> None:
    """An event held in 2020 for each payload, with an accepted meeting whose outcome's notes are the payload."""
    from registry.events import service as events
    from registry.events.attendance import service as attendance

    for payload, enterprise_id in zip(CORPUS, corpus.enterprises):
        event = events.create_event(None, {"name_vi": "Hội chợ đã diễn ra", "kind": "fair", "starts_on": "2020-01-01", "ends_on": "2020-01-02",
                                           "province_code": "51", "organization_id": organization_id, "status": "open"})
        exhibitor = events.register(None, event, {"role": "exhibitor", "tax_code": enterprises.get_enterprise(enterprise_id).tax_code})
        investor = events.register(None, event, {"role": "investor", "name": "Nhà đầu tư"})
        for participant in (exhibitor, investor):
            events.approve(None, participant)
        sent = events.request_meeting(None, investor, {"counterpart_id": exhibitor.id})
        events.answer_request(None, sent, True)
        attendance.record_outcome(None, sent, {"result": "follow_up", "notes": payload})
        corpus.outcomes.append(event.id)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A registry of its own, served on loopback, holding the corpus in every field."""
    database = tmp_path_factory.mktemp("xss") / "registry.sqlite"
    app = create_app(test_config(f"sqlite:///{database}", AUTO_INIT=True))
    stored = store_corpus(app)
    with serving(app) as url:
        stored.url = url
        yield stored
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(corpus):
    """The pages below are opened on the corpus's registry, not the shared demo one."""
    return corpus.url


@pytest.fixture
def visitor(page):
    """The browser page, recording every dialog (and dismissing it so the page goes on)."""
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    return page


def visit(page, path: str, *, shows: list[str] = (), wait_map: bool = False):
    """Open a page; fail on a dialog, an injected element or a script link, and check it shows `shows` as text."""
    page.goto(path)
    if wait_map:
        page.wait_for_function("() => window.RegistryMap && window.RegistryMap.instances.length > 0")
        page.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive, .leaflet-marker-icon').length > 0")
    settled(page)  # an <img onerror> has fired by now
    assert page.dialogs == [], page.dialogs
    assert page.evaluate(INJECTED) == [], path
    text = page.locator("body").inner_text()
    missing = [payload for payload in shows if payload not in text]
    assert not missing, f"{path} does not show {missing} as text"


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def open_every_popup(page) -> list[str]:
    """Click every drawn zone and marker of each map on the page, and return the text of each popup opened."""
    texts = []
    shapes = page.locator(".leaflet-overlay-pane path.leaflet-interactive, .leaflet-marker-icon:not(.marker-cluster)")
    page.evaluate("window.RegistryMap.instances.forEach(i => { i.firstView = [i.map.getCenter(), i.map.getZoom()]; })")
    for index in range(shapes.count()):
        # A popup near the frame's edge pans its map, which can carry the next shapes out of the frame: go back each time.
        page.evaluate("window.RegistryMap.instances.forEach(i => { i.map.closePopup(); i.map.setView(...i.firstView, {animate: false}); })")
        # A closed popup fades out before it leaves the page: wait for it to go, or the next wait finds the old one.
        page.wait_for_selector(".leaflet-popup-content", state="detached")
        settled(page)
        try:
            shapes.nth(index).click(force=True, timeout=400)
            page.wait_for_selector(".leaflet-popup-content", timeout=400)
        except PlaywrightError:  # a shape under another one, or reaching past the map's frame
            continue
        texts += page.evaluate("() => [...document.querySelectorAll('.leaflet-popup-content')].map(e => e.innerText)")
    assert page.dialogs == [], page.dialogs
    assert page.evaluate(INJECTED) == []
    return texts


def test_public_lists_and_records_show_the_payloads_as_text(visitor, corpus):
    visit(visitor, "/enterprises/", shows=CORPUS)
    visit(visitor, "/zones/", shows=CORPUS)
    visit(visitor, "/provinces/51")
    visit(visitor, "/catalog/items/C2.01", shows=CORPUS)
    for payload, enterprise_id in zip(CORPUS, corpus.enterprises):
        visit(visitor, f"/enterprises/{enterprise_id}", shows=[payload], wait_map=True)
        popups = open_every_popup(visitor)
        assert any(payload in text for text in popups), f"the marker of enterprise {enterprise_id} opened no popup with its name"
    for payload, zone_id in zip(CORPUS, corpus.zones):
        visit(visitor, f"/zones/{zone_id}", shows=[payload], wait_map=True)
        layers = visitor.locator(".leaflet-control-layers").inner_text()
        assert payload in layers, "the layer named after the zone shows its name as text"
        popups = open_every_popup(visitor)
        assert any(payload in text for text in popups), f"the polygon of zone {zone_id} opened no popup with its name"


def test_search_results_highlight_and_echo_payloads_as_text(visitor, corpus):
    visit(visitor, "/search/?q=alert", shows=CORPUS[:5])
    visit(visitor, "/enterprises/?q=alert", shows=CORPUS[:5])
    assert visitor.locator("#enterprise-results mark").count() > 0, "the matching word is highlighted"
    visit(visitor, "/zones/?q=alert")  # the zone list's name filter echoes the words and lists the zones named so
    assert visitor.input_value("#f-q") == "alert"
    for payload in CORPUS:
        visit(visitor, "/")
        visitor.fill("#site-search-q", payload)
        visitor.press("#site-search-q", "Enter")
        visitor.wait_for_url("**/search/**")
        visit(visitor, visitor.url)
        assert visitor.input_value("#site-search-q") == payload
    visit(visitor, "/enterprises/")
    visitor.fill("#enterprise-q", "alert")
    visitor.wait_for_function("() => location.search.includes('q=alert')")
    settled(visitor)
    assert visitor.dialogs == [] and visitor.evaluate(INJECTED) == []
    assert CORPUS[0] in visitor.locator("#enterprise-results").inner_text()


def test_the_map_page_popups_and_search_show_payloads_as_text(visitor, corpus):
    visit(visitor, "/map?province=51", wait_map=True)
    popups = open_every_popup(visitor)
    assert any(CORPUS[0] in text for text in popups)
    visitor.fill("#map-search-q", "alert")
    visitor.click("form[data-map-search] button[type=submit]")
    visitor.locator("[data-map-search-results] button").first.wait_for()
    listed = visitor.locator("[data-map-search-results]").inner_text()
    assert CORPUS[0] in listed
    settled(visitor)
    assert visitor.dialogs == [] and visitor.evaluate(INJECTED) == []


def test_officers_queues_forms_and_history_show_payloads_as_text(visitor, corpus):
    sign_in(visitor, OFFICER)
    visit(visitor, "/enterprises/review/", shows=CORPUS)
    visit(visitor, f"/enterprises/review/changes/{corpus.change}", shows=[CORPUS[4], CORPUS[2]])
    if corpus.duplicate:
        visit(visitor, f"/enterprises/review/duplicates/{corpus.duplicate}")
    visit(visitor, f"/enterprises/{corpus.pending[0]}", shows=[CORPUS[0]])
    visit(visitor, "/history/")
    visit(visitor, f"/history/enterprise/{corpus.enterprises[0]}", shows=[CORPUS[0]])
    visit(visitor, f"/history/zone/{corpus.zones[1]}", shows=[CORPUS[1]])
    for n, zone_id in enumerate(corpus.zones):  # the name as the title, the old and new values, the editor's board
        visit(visitor, f"/history/zone/{zone_id}", shows=[CORPUS[n], CORPUS[(n + 1) % len(CORPUS)]])
    visit(visitor, f"/history/?kind=zone&record={corpus.zones[3]}", shows=[CORPUS[3], CORPUS[4]])
    for payload, enterprise_id, zone_id in zip(CORPUS, corpus.enterprises, corpus.zones):
        visit(visitor, f"/enterprises/{enterprise_id}/edit")
        assert visitor.input_value("#name_vi") == payload, "the form keeps the stored name exactly"
        visit(visitor, f"/zones/{zone_id}/edit")
        assert visitor.input_value("#name_vi") == payload
    # A boundary file named like a payload: the preview shows the name and the comparison map's names as text.
    for payload in CORPUS[:2]:
        visit(visitor, f"/zones/{corpus.zones[0]}/boundary")
        square = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": payload}, "geometry": {
            "type": "Polygon", "coordinates": [[[108.58, 14.98], [108.63, 14.98], [108.63, 15.03], [108.58, 15.03], [108.58, 14.98]]]}}]}
        visitor.set_input_files("input[type=file]", {"name": f"{payload}.geojson", "mimeType": "application/geo+json",
                                                      "buffer": json.dumps(square).encode()})
        visitor.click("form[enctype] button[type=submit]")
        visitor.wait_for_url("**/boundary/**")
        visit(visitor, visitor.url, shows=[payload], wait_map=True)
        open_every_popup(visitor)


def test_representatives_and_administrators_pages_show_payloads_as_text(visitor, corpus):
    sign_in(visitor, REPRESENTATIVE)
    visit(visitor, "/enterprises/mine", shows=[CORPUS[0], CORPUS[1]])  # the officer's note and reason, as text
    visit(visitor, "/account")
    visitor.context.clear_cookies()
    sign_in(visitor, ADMIN)
    visit(visitor, "/admin/accounts", shows=CORPUS)
    visit(visitor, "/history/?kind=organization&per_page=100", shows=CORPUS)  # boards named like payloads
    visit(visitor, "/history/?kind=zone&per_page=100", shows=CORPUS)  # editors named like payloads, beside their e-mails
    visit(visitor, "/account", shows=CORPUS)


def test_exports_keep_payloads_as_inert_cells(visitor, corpus):
    csv_text = visitor.request.get(f"{corpus.url}/enterprises/export.csv").text()
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    cells = {cell for row in rows[1:] for cell in row}
    assert {p for p in CORPUS if not p.startswith("=")} <= cells, "the CSV holds the payloads verbatim"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), "no cell starts like a formula"
    assert "'" + CORPUS[6] in cells
    workbook = openpyxl.load_workbook(io.BytesIO(visitor.request.get(f"{corpus.url}/enterprises/export.xlsx").body()))
    values = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in values), "no cell of the workbook is a formula"
    assert "'" + CORPUS[6] in {cell.value for cell in values}
    api_csv = visitor.request.get(f"{corpus.url}/api/v1/enterprises.csv").text().lstrip("\ufeff")
    assert "'" + CORPUS[6] in {cell for row in csv.reader(io.StringIO(api_csv)) for cell in row}
    visitor.goto("/")
    assert visitor.dialogs == []


def test_stored_links_only_lead_to_web_pages(visitor, corpus):
    """A `javascript:` URL in any case or with leading blanks is never a link (zones: fixed by the URL-scheme branch)."""
    one_per_url = len(HOSTILE_URLS)  # record n holds HOSTILE_URLS[n % 4]
    for path in [f"/enterprises/{i}" for i in corpus.enterprises[:one_per_url]] + [f"/zones/{i}" for i in corpus.zones[:one_per_url]]:
        visit(visitor, path)
        assert visitor.evaluate(SCRIPT_LINKS) == [], f"{path} links to a script"


def test_incentive_policies_show_their_payloads_as_text(visitor, corpus):
    visit(visitor, "/incentives/", shows=CORPUS)
    visit(visitor, "/search/?q=alert", shows=CORPUS[:5])
    for payload, policy_id in zip(CORPUS, corpus.policies):
        visit(visitor, f"/incentives/{policy_id}", shows=[payload])
        assert visitor.evaluate(SCRIPT_LINKS) == [], "a stored source that is not a web address is no link"
    sign_in(visitor, OFFICER)
    for payload, policy_id in zip(CORPUS, corpus.policies):
        visit(visitor, f"/incentives/{policy_id}/edit")
        assert visitor.input_value("#title_vi") == payload and visitor.input_value("#note_en") == payload
        visit(visitor, f"/history/incentive_policy/{policy_id}", shows=[payload])


def test_eco_label_certificates_show_their_payloads_as_text(visitor, corpus):
    visit(visitor, "/ecolabels/", shows=CORPUS)
    visit(visitor, "/enterprises/?ecolabel=any")
    for payload, certificate_id in zip(CORPUS, corpus.certificates):
        visit(visitor, f"/ecolabels/{certificate_id}", shows=[payload])
        visit(visitor, f"/ecolabels/{certificate_id}/label", shows=[payload])
    visit(visitor, "/ecolabels/verify?number=" + CORPUS[0])
    assert visitor.input_value("#v-number") == CORPUS[0]
    sign_in(visitor, OFFICER)
    visit(visitor, "/ecolabels/expiring")
    for payload, certificate_id in zip(CORPUS, corpus.certificates):
        visit(visitor, f"/history/ecolabel_certificate/{certificate_id}", shows=[payload])


def test_proposals_and_leads_show_payloads_as_text(visitor, corpus):
    for payload, token in zip(CORPUS, corpus.proposals):
        visit(visitor, f"/proposals/{token}", shows=[payload], wait_map=True)
        visit(visitor, f"/proposals/{token}/print", shows=[payload])
    for n, (payload, lead_id) in enumerate(zip(CORPUS, corpus.leads)):
        visitor.context.clear_cookies()
        sign_in(visitor, f"nguoi.{n}@example.vn")
        visit(visitor, "/proposals/leads", shows=[payload])
        visit(visitor, f"/proposals/leads/{lead_id}", shows=[payload])


def test_events_their_participants_offers_needs_and_requests_show_the_payloads_as_text(visitor, corpus):
    visit(visitor, "/events/", shows=CORPUS)
    for payload, (event_id, exhibitor_id) in zip(CORPUS, corpus.events):
        visit(visitor, f"/events/{event_id}", shows=[payload])
        visit(visitor, f"/events/{event_id}/participants/{exhibitor_id}", shows=[payload])
    visit(visitor, "/search/?q=alert")
    sign_in(visitor, ADMIN)
    for payload, (event_id, exhibitor_id) in zip(CORPUS, corpus.events):
        visit(visitor, f"/events/{event_id}", shows=[payload])
        visit(visitor, f"/events/{event_id}/participants/{exhibitor_id}", shows=[payload])
        visit(visitor, f"/events/{event_id}/edit")


def test_schedules_agendas_and_table_sheets_show_session_names_and_table_labels_as_text(visitor, corpus):
    sign_in(visitor, ADMIN)  # table labels are the payloads cut to 40 characters
    for payload, (event_id, exhibitor_id) in zip(CORPUS, corpus.events):
        visit(visitor, f"/events/{event_id}/schedule", shows=[payload, payload[:40].strip()])
        visit(visitor, f"/events/{event_id}/participants/{exhibitor_id}/agenda", shows=[payload, payload[:40].strip()])
        visitor.goto(f"/events/{event_id}/schedule")
        sheet = visitor.locator(".data a").first.get_attribute("href")
        visit(visitor, sheet, shows=[payload, payload[:40].strip()])


def test_the_catalogue_badges_and_meeting_outcomes_show_the_payloads_as_text(visitor, corpus):
    for payload, (event_id, _exhibitor) in zip(CORPUS, corpus.events):
        visit(visitor, f"/events/{event_id}/catalogue", shows=[payload])
    for event_id in corpus.outcomes:
        visit(visitor, f"/events/{event_id}/outcomes")
    sign_in(visitor, ADMIN)
    for payload, (event_id, _exhibitor) in zip(CORPUS, corpus.events):
        visit(visitor, f"/events/{event_id}/badges", shows=[payload])
    for payload, event_id in zip(CORPUS, corpus.outcomes):
        visit(visitor, f"/events/{event_id}/outcomes", shows=[payload])


def test_incubators_their_cohorts_and_map_popups_show_payloads_as_text(visitor, corpus):
    visit(visitor, "/incubators/", shows=CORPUS)
    visit(visitor, "/incubators/statistics")
    visit(visitor, "/search/?q=alert", shows=[payload + INCUBATOR_MARK for payload in CORPUS[:3]])
    for payload, incubator_id, enterprise_id in zip(CORPUS, corpus.incubators, corpus.enterprises):
        visit(visitor, f"/incubators/{incubator_id}", shows=[payload + INCUBATOR_MARK, payload[:200]])
        assert visitor.evaluate(SCRIPT_LINKS) == [], "a stored website that is not a web address is no link"
        visit(visitor, f"/enterprises/{enterprise_id}", shows=[payload + INCUBATOR_MARK])
    visit(visitor, "/map?province=51", wait_map=True)
    layer = "window.RegistryMap.instances[0].layers.find(layer => layer.spec.role === 'incubators').group"
    visitor.wait_for_function(f"() => {layer}.getLayers().length === {len(CORPUS)}")
    popups = visitor.evaluate(f"""() => {layer}.getLayers().map(marker => {{
        marker.openPopup();
        const text = document.querySelector('.leaflet-popup-content').innerText;
        marker.closePopup();
        return text;
    }})""")
    settled(visitor)
    assert visitor.dialogs == [] and visitor.evaluate(INJECTED) == []
    assert len(popups) == len(CORPUS) and all(INCUBATOR_MARK in text for text in popups), popups
    assert any(CORPUS[0] + INCUBATOR_MARK in text for text in popups), "the popup shows the name as text"
    # The layer is toggled in the layer control like the zones and enterprises.
    toggle = visitor.locator(".leaflet-control-layers label", has_text="Vườn ươm").locator("input")
    toggle.uncheck()
    visitor.wait_for_function(f"() => !window.RegistryMap.instances[0].map.hasLayer({layer})")
    toggle.check()
    visitor.wait_for_function(f"() => window.RegistryMap.instances[0].map.hasLayer({layer})")
    sign_in(visitor, OFFICER)
    for payload, incubator_id in zip(CORPUS, corpus.incubators):
        visit(visitor, f"/incubators/{incubator_id}/edit")
        assert visitor.input_value("#services") == payload
        visit(visitor, f"/history/incubator/{incubator_id}", shows=[payload + INCUBATOR_MARK])
