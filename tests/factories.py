"""Records for tests, made through the app's own services, with defaults a test overrides by name.

Each `make_*` writes inside the current application context (open one with the `ctx` fixture or
`with app.app_context():`) and commits, so the record is there for the test client's requests too.
The defaults describe one ordinary case: a province officer of Quảng Ngãi, a company there with one
catalog item, a zone in Đồng Tháp managed by its board. A test names only what its story changes.
"""
from __future__ import annotations

import re
import unicodedata

from registry.accounts import service as accounts_service
from registry.accounts.models import Organization, User
from registry.enterprises import service as enterprises_service
from registry.catalog import service as catalog_service
from registry.enterprises.generator import check_digit
from registry.enterprises.models import Enterprise, EnterpriseItem, Relation
from registry.enterprises.models import Status as EnterpriseStatus
from registry.extensions import db
from registry.zones import service as zones_service
from registry.zones.boundaries import set_geometry
from registry.zones.models import Zone

PASSWORD = "correct horse battery"
GOOD_TAX_CODE = "0100233488"
BRANCH_TAX_CODE = "0314409058-002"
BOARD_A = "Ban Quản lý các khu công nghiệp tỉnh Tiền Giang"  # no capital beyond ASCII: SQLite lower() is ASCII-only
BOARD_B = "Ban Quản lý Khu kinh tế tỉnh Gia Lai"
SA_DEC_FIGURES = {"total_ha": 132, "industrial_ha": 100, "leased_ha": 90}
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def make_organization(name: str = "Sở Công Thương Quảng Ngãi", kind: str = "department", province: str | None = "51") -> Organization:
    """Return the organization called `name`, registering it first when it is missing."""
    organization = accounts_service.find_organization(name) or accounts_service.create_organization(None, name, kind, province)
    db.session.commit()
    return organization


def make_user(email: str = "officer@example.vn", role: str | None = "province_officer", org: Organization | None = None,
              password: str = PASSWORD, full_name: str = "Nguyễn Văn An", **org_args) -> User:
    """Create an account with `role` in `org` (by default the organization `make_organization(**org_args)` returns)."""
    if org is None and role is not None:
        org = make_organization(**org_args)
    user = accounts_service.create_user(None, email, password, full_name=full_name, role=role, organization=org)
    db.session.commit()
    return user


def make_token(email: str = "officer@example.vn", name: str = "tests", **options) -> str:
    """Issue an API token for the account `email` (options: `scope`, `days`) and return it."""
    token = accounts_service.issue_token(accounts_service.find_user(email), name, **options)
    db.session.commit()
    return token


def token_for(app, email: str) -> str:
    """`make_token` for a test that holds no application context."""
    with app.app_context():
        return make_token(email)


def officer_token(runner, accounts, email: str = "officer@example.vn", **org) -> str:
    """Create a province officer (or another role, through `org`) and print a token for them as an operator would."""
    accounts.user(email, **org)
    return runner.invoke(args=["users", "token", email]).output.strip()


def enterprise_profile(**overrides) -> dict:
    """A valid enterprise profile, as the API and the services take it."""
    return {
        "tax_code": GOOD_TAX_CODE,
        "name_vi": "Công ty TNHH Điện lực Dung Quất",
        "name_en": "Dung Quat Power Co., Ltd",
        "province_code": "51",
        "items": [{"code": "A.01", "relation": "manufactures"}],
        **overrides,
    }


def make_enterprise(actor: User | None = None, **overrides) -> Enterprise:
    """Record `enterprise_profile(**overrides)` (published) as `actor`, or from the command line."""
    enterprise = enterprises_service.create_enterprise(actor, enterprise_profile(**overrides))
    db.session.commit()
    return enterprise


def post_enterprise(client, token: str, body: dict, language: str = "en"):
    """Record an enterprise through the API with `token`, reading errors in `language`."""
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
    return client.post("/api/v1/enterprises", json=body, headers=headers)


def make_zone(name: str = "Khu công nghiệp Sa Đéc", board: str | None = BOARD_A, province: str = "82", *,
              figures: dict = SA_DEC_FIGURES, boundary=None, **values) -> Zone:
    """Record an industrial park managed by `board` (registered when missing; None for no board).

    Its area figures are `figures` (give `{}` for none); `boundary`, a shapely geometry in WGS84,
    is stored as its surveyed boundary; `values` add or replace any field.
    """
    organization = None
    if board is not None:
        organization = accounts_service.find_organization(board) or accounts_service.create_organization(None, board, "zone_board", province)
    zone = zones_service.create_zone(None, {"name_vi": name, "kind": "industrial_park", "province_code": province, **figures, **values},
                                     organization=organization)
    if boundary is not None:
        set_geometry(zone, boundary, approximate=False)
    db.session.commit()
    return zone


def make_zone_around(latitude: float, longitude: float, name: str = "Khu công nghiệp Quanh Điểm", province: str = "82", *,
                     half_side: float = 0.05, parent: Zone | None = None) -> Zone:
    """Record a zone with no board whose published boundary is a square of `half_side` degrees around the point."""
    from shapely.geometry import MultiPolygon, box

    from registry.zones.boundaries import publish_boundary

    zone = make_zone(name, None, province, figures={}, **({"parent_id": parent.id} if parent else {}))
    publish_boundary(None, zone, MultiPolygon([box(longitude - half_side, latitude - half_side, longitude + half_side, latitude + half_side)]))
    db.session.commit()
    return zone


def make_listed_enterprises(names: list[str], province: str = "51", first_serial: int = 312_345_000) -> list[int]:
    """Record published enterprises with these names through the service (folded names and search index included),
    each with a valid tax code of its own counted from `first_serial`; return their ids."""
    ids, serial = [], first_serial
    for name in names:
        while check_digit(str(serial)) is None:
            serial += 1
        profile = enterprise_profile(tax_code=f"{serial}{check_digit(str(serial))}", name_vi=name, name_en="", province_code=province)
        ids.append(enterprises_service.create_enterprise(None, profile, check_similar=False).id)
        serial += 1
    db.session.commit()
    return ids


def make_published_enterprises(points: list[tuple[float, float]], province: str = "82", name: str = "Công ty Môi trường", *,
                               catalog: str | None = None, first: int = 0) -> list[int]:
    """Record published enterprises at these (lon, lat) points, numbered after `name` from `first`; return their ids.

    With `catalog`, each manufactures that item of the current Decision 980 catalog.
    """
    enterprises = [Enterprise(tax_code=f"09{number:08d}", name_vi=f"{name} {number}", province_code=province, longitude=lon,
                              latitude=lat, status=EnterpriseStatus.PUBLISHED) for number, (lon, lat) in enumerate(points, first)]
    db.session.add_all(enterprises)
    if catalog is not None:
        node = catalog_service.get_node(catalog_service.current_version(), catalog)
        db.session.flush()
        db.session.add_all(EnterpriseItem(enterprise_id=enterprise.id, node_id=node.id, relation=Relation.MANUFACTURES)
                           for enterprise in enterprises)
    db.session.commit()
    return [enterprise.id for enterprise in enterprises]


def zone_version(app, zone_id: int) -> int:
    with app.app_context():
        return db.session.get(Zone, zone_id).version


def zone_edit_form(client, zone_id: int, **changes) -> dict:
    """The zone's edit form as the page fills it in, with `changes` typed over it."""
    from .conftest import csrf_token

    page = client.get(f"/zones/{zone_id}/edit").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*?id="([a-z_]+)"[^>]*?value="([^"]*)"', page))
    fields.update({name: value for name, value in re.findall(r'name="([a-z_]+)"[^>]*type="hidden" value="([^"]*)"', page)})
    fields.update({"kind": "industrial_park", "status": "operating", "parent_id": "", "wastewater_plant": "", "solid_waste_service": "",
                   "csrf_token": csrf_token(client, f"/zones/{zone_id}/edit")})
    return {**fields, **changes}


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters precomposed where the code page has them, tone marks apart."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out.append((base + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258"))
    return b"".join(out)


# Two industrial parks near Quảng Ngãi city (108.80 E, 15.12 N), as WGS84 rectangles of about 1 km.
QUANG_NGAI_PARKS = {"KCN Tịnh Phong": (108.76, 15.20), "KCN Quảng Phú": (108.82, 15.11)}
QUANG_NGAI_TM3 = "EPSG:5898"  # VN-2000 / TM-3 zone 491: central meridian 108°00′, Quảng Ngãi's


def park_polygon(lon: float, lat: float, half: float = 0.005):
    """A WGS84 rectangle about 1 km wide centred on (lon, lat)."""
    from shapely.geometry import box

    return box(lon - half, lat - half, lon + half, lat + half)


def zone_layer_zip(parks: dict | None = None, crs: str = QUANG_NGAI_TM3, *, prj: bool = True, **columns) -> bytes:
    """A zipped Shapefile of one polygon per park, written by GeoPandas in `crs` (its .prj left out when `prj` is False).

    `parks` maps names (the `ten` attribute) to WGS84 centres or shapely geometries; `columns` add attributes.
    """
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    import geopandas

    parks = QUANG_NGAI_PARKS if parks is None else parks
    shapes = [centre if hasattr(centre, "geom_type") else park_polygon(*centre) for centre in parks.values()]
    frame = geopandas.GeoDataFrame({"ten": list(parks), **columns}, geometry=shapes, crs="EPSG:4326").to_crs(crs)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        frame.to_file(Path(folder) / "khu.shp", encoding="utf-8")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                if prj or path.suffix != ".prj":
                    archive.write(path, path.name)
    return buffer.getvalue()


def make_figure(zone: Zone, metric: str = "available", value: float = 10.0, source_kind: str = "press", **details) -> None:
    """Record one sourced figure of `zone` (a press page, undated unless `as_of` is given) and show the zone's chosen values."""
    from registry.zones import figures

    figures.add_figure(zone, metric, value, figures.SourceKind(source_kind), **{"source_url": "https://example.vn/tin", **details})
    figures.show_figures(zone)
    db.session.commit()


def province_boundaries(*, drop: tuple[str, ...] = (), extra: tuple[str, ...] = (), twice: tuple[str, ...] = (),
                        bow_tie: str | None = None) -> bytes:
    """A GeoJSON file of made-up boundaries for the 34 provinces, as an operator would load them.

    Each province is the Voronoi cell of its demo position (`enterprises.generator.PROVINCES`) inside
    Vietnam's box, so neighbours share borders as real ones do. `drop` leaves provinces out, `extra`
    adds features with other codes, `twice` repeats provinces, `bow_tie` gives one a ring that crosses itself.
    """
    import json

    import shapely
    from shapely.geometry import MultiPoint, mapping

    from registry.enterprises.generator import PROVINCES

    codes = sorted(PROVINCES)
    points = MultiPoint([(PROVINCES[code][1], PROVINCES[code][0]) for code in codes])
    frame = shapely.box(102.2, 6.2, 117.7, 23.3)
    cells = shapely.voronoi_polygons(points, extend_to=frame, ordered=True).geoms
    shapes = {code: cell.intersection(frame) for code, cell in zip(codes, cells)}
    features = [(code, shapes[code]) for code in codes if code not in drop]
    features += [(code, shapes["01"]) for code in twice] + [(code, shapely.box(104, 10, 104.1, 10.1)) for code in extra]
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": f"Tỉnh {code}"},
         "geometry": {"type": "Polygon", "coordinates": [[[104, 10], [104.1, 10.1], [104.1, 10], [104, 10.1], [104, 10]]]}
         if code == bow_tie else mapping(shape)}
        for code, shape in features
    ]}
    return json.dumps(collection).encode("utf-8")


def load_province_boundaries(tmp_path, runner, data: bytes | None = None, name: str = "provinces.geojson"):
    """Load province boundaries (made-up ones unless `data` is given) with the command an operator runs; return its result."""
    path = tmp_path / name
    path.write_bytes(province_boundaries() if data is None else data)
    return runner.invoke(args=["places", "import-boundaries", str(path)])


def mailed_link(message) -> str:
    """The path of the one link in an account e-mail (confirmation, password reset), as its recipient would open it."""
    [path] = re.findall(r"https?://[^/\s]+(/account/\S+)", message.body)
    return path


def post_and_confirm(client, path: str, data: dict):
    """Send a form that opens an account (a visitor's registration), then open the confirmation link it mails, as the newcomer would."""
    from registry.extensions import mail

    with mail.record_messages() as sent:
        answer = client.post(path, data=data)
    confirmations = [m for m in sent if "/account/confirm/" in m.body]
    if confirmations:
        assert client.get(mailed_link(confirmations[0])).status_code == 302
    return answer


def policy_values(**overrides) -> dict:
    """A provincial land-rent rule of Quảng Ngãi as a form or an API body would give it."""
    return {
        "title_vi": "Hỗ trợ tiền thuê đất cho dự án tái chế trong cụm công nghiệp", "title_en": "Land-rent support for recycling projects in clusters",
        "instrument": "land_rent", "sector_class": "incentive", "area_classes": ["industrial_cluster"], "province_code": "51",
        "benefit": {"reduction_pct": 50}, "legal_basis": "Nghị quyết 15/2026/NQ-HĐND tỉnh Quảng Ngãi", "article": "Điều 4",
        "effective_from": "2026-01-01", "effective_to": None, "level": 5, "confidence": "H", **overrides,
    }


def make_policy(actor: User | None = None, **overrides):
    """Record an incentive policy (by default `policy_values()`) through the service and commit."""
    from registry.incentives import service as incentives_service

    policy = incentives_service.create_policy(actor, policy_values(**overrides))
    db.session.commit()
    return policy


def proposal_body(**overrides) -> dict:
    """A valid proposal as the API takes it: a recycling plant needing 40–60 ha, anonymous with e-mail and consent."""
    return {
        "email": "investor@example.com", "consent": True, "name": "Nhà máy tái chế nhựa Hòa Bình",
        "activity": "recycling_plant", "catalog_codes": ["C"], "land_min_ha": 40, "land_max_ha": 60,
        "capital_amount": 500_000_000_000, "capital_currency": "VND", "jobs": 200, "start_year": 2027, **overrides,
    }


def make_free_zone(name: str = "Khu kinh tế Dung Quất", free_ha: float = 120.0, as_of: str = "2025-06-01", *, board: str | None = BOARD_A,
                   province: str = "82", **values) -> Zone:
    """Record an operating zone with `free_ha` hectares available by a dated board figure, managed by `board`."""
    from datetime import date

    zone = make_zone(name, board, province, figures={}, **values)
    make_figure(zone, "available", free_ha, "board", as_of=date.fromisoformat(as_of), as_of_precision="month")
    return zone


def post_proposal(client, language: str = "en", token: str | None = None, **overrides):
    """Send `proposal_body(**overrides)` to the API, reading its messages in `language`."""
    headers = {"Accept-Language": language, **({"Authorization": f"Bearer {token}"} if token else {})}
    return client.post("/api/v1/proposals", json=proposal_body(**overrides), headers=headers)


def event_values(**overrides) -> dict:
    """A B2B matchmaking session in Quảng Ngãi, open for registration, as a form or an API body gives it (`organization_id` to add)."""
    return {
        "name_vi": "Kết nối cung – cầu công nghệ môi trường Quảng Ngãi 2026", "name_en": "Quang Ngai environmental technology matchmaking 2026",
        "kind": "matchmaking", "starts_on": "2026-12-10", "ends_on": "2026-12-11", "venue": "Trung tâm Hội nghị tỉnh Quảng Ngãi",
        "latitude": 15.12, "longitude": 108.80, "province_code": "51", "status": "open", **overrides,
    }


def make_event(actor: User | None = None, organization: Organization | None = None, **overrides):
    """Record `event_values(**overrides)` for `organization` (by default the Quảng Ngãi association of organizers) and commit."""
    from registry.events import service as events_service

    organization = organization or make_organization("Hiệp hội Doanh nghiệp Môi trường Quảng Ngãi", "association", "51")
    event = events_service.create_event(actor, event_values(organization_id=organization.id, **overrides))
    db.session.commit()
    return event


def make_participant(event, role: str = "exhibitor", *, approved: bool = True, offers=(), needs=(), **enterprise):
    """Register a new published enterprise (`enterprise` overrides its profile) for `event` in `role`, approve it, list its offers and needs."""
    from registry.events import service as events_service

    company = make_enterprise(items=[], **enterprise)
    participant = events_service.register(None, event, {"role": role, "tax_code": company.tax_code})
    if approved:
        events_service.approve(None, participant)
    for direction, codes in (("offer", offers), ("need", needs)):
        for code in codes:
            events_service.add_interest(None, participant, {"direction": direction, "node": code})
    db.session.commit()
    return participant


def tax_code(serial: int) -> str:
    """A valid ten-digit tax code made from `serial` (different serials give different codes)."""
    for prefix in (f"{n:09d}" for n in range(200_000_000 + serial * 20, 200_000_000 + serial * 20 + 20)):
        digit = check_digit(prefix)
        if digit is not None:
            return prefix + digit
    raise AssertionError("no check digit found")


def certificate_values(**overrides) -> dict:
    """A Vietnam Ecolabel certificate for plastic packaging of the default enterprise (GOOD_TAX_CODE), issued on 2025-03-10."""
    return {"scheme": "vn_ecolabel", "number": "125/QĐ-BTNMT", "criteria_code": "NSTVN-01:2023",
            "product_group": "Bao bì nhựa thân thiện môi trường", "product_name": "Túi phân hủy sinh học", "product_model": "BIO-30",
            "holder_tax_code": GOOD_TAX_CODE, "issued_on": "2025-03-10", **overrides}


def make_certificate(actor: User | None = None, *, today=None, **overrides):
    """Record `certificate_values(**overrides)` as `actor` (None: the command line); the holder must exist (see make_enterprise)."""
    from registry.ecolabels import service as ecolabels_service

    certificate = ecolabels_service.record_certificate(actor, certificate_values(**overrides), today=today)
    db.session.commit()
    return certificate


def incubator_values(**overrides) -> dict:
    """A valid incubator: a university incubator in Quảng Ngãi working on wastewater and solid waste."""
    return {
        "name_vi": "Vườn ươm doanh nghiệp Trường Đại học Phạm Văn Đồng", "host_kind": "university",
        "host_name": "Trường Đại học Phạm Văn Đồng", "province_code": "51", "focus_groups": ["A", "C"],
        "services": "Mặt bằng làm việc, cố vấn", "capacity": 10, "opened_on": "2015-01-01",
        "email": "vuonuom@example.vn", "website": "https://vuonuom.example.vn", "latitude": 15.12, "longitude": 108.8, **overrides,
    }


def make_incubator(actor: User | None = None, **overrides):
    """Record `incubator_values(**overrides)` through the service and commit."""
    from registry.incubators import service as incubators_service

    incubator = incubators_service.create_incubator(actor, incubator_values(**overrides))
    db.session.commit()
    return incubator


def make_cohort(incubator, name: str = "Khóa 2024", starts_on: str = "2024-01-15", ends_on: str | None = None):
    from registry.incubators import service as incubators_service

    cohort = incubators_service.create_cohort(None, incubator, {"name": name, "starts_on": starts_on, "ends_on": ends_on})
    db.session.commit()
    return cohort


def make_incubatee(incubator, cohort, enterprise, **values):
    """Place `enterprise` in `cohort` (active by default) and commit."""
    from registry.incubators import service as incubators_service

    incubatee = incubators_service.add_incubatee(None, incubator, {"cohort_id": cohort.id, "tax_code": enterprise.tax_code, **values})
    db.session.commit()
    return incubatee


def session_values(**overrides) -> dict:
    """A morning of B2B meetings on the factory event's first day: 08:00–09:00, 20-minute meetings, two tables (three slots)."""
    return {"name_vi": "Phiên gặp gỡ B2B buổi sáng", "name_en": "Morning B2B meetings", "first_day": "2026-12-10", "starts_at": "08:00",
            "ends_at": "09:00", "meeting_minutes": "20", "pause_minutes": "0", "breaks": "", "tables": "Bàn 1\nBàn 2", **overrides}


def make_session(event, **overrides):
    """Add `session_values(**overrides)` to `event` and commit."""
    from registry.events.schedule import service as schedule

    session = schedule.save_session(None, event, session_values(**overrides))
    db.session.commit()
    return session


def accepted_request(requester, counterpart, priority: str = "would_like"):
    """A meeting request between two approved participants, accepted by the counterpart; committed."""
    from registry.events import service as events_service

    sent = events_service.request_meeting(None, requester, {"counterpart_id": counterpart.id, "priority": priority})
    events_service.answer_request(None, sent, True)
    db.session.commit()
    return sent


def statements_sent(app, action) -> list[str]:
    """Run `action()` and return the SQL statements it sent to `app`'s database (for tests that count what a page asks)."""
    from sqlalchemy import event

    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(_connection, _cursor, statement, *_):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return sent


def statements_of(app, client, path: str) -> list[str]:
    """Ask for `path` (it must answer 200) and return the SQL statements it sent, BEGIN aside."""
    answers = []
    sent = statements_sent(app, lambda: answers.append(client.get(path)))
    assert answers[0].status_code == 200, answers[0].get_data(as_text=True)
    return [statement for statement in sent if statement != "BEGIN"]


def make_proposal(user: User | None = None, **overrides):
    """Send `proposal_body(**overrides)` through the matching service, as `user` (anonymous when None), and commit."""
    from registry.matching import service as matching_service

    proposal = matching_service.submit(user, proposal_body(**overrides))
    db.session.commit()
    return proposal


def day_text(day: str, locale: str = "vi") -> str:
    """How the pages write a day ("2026-12-10") in `locale`, from Babel's own format (never spelled out here)."""
    from datetime import date

    from babel.dates import format_date

    return format_date(date.fromisoformat(day), "medium", locale=locale)


def slot_text(day: str, start: str, end: str, locale: str = "vi") -> str:
    """How a schedule page writes a slot ("2026-12-10", "08:00", "08:20") in `locale`, from Babel's own formats."""
    from datetime import time

    from babel.dates import format_time

    return f"{day_text(day, locale)} {format_time(time.fromisoformat(start), 'short', locale=locale)}–{format_time(time.fromisoformat(end), 'short', locale=locale)}"
