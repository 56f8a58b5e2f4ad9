"""Who may write what: one table of write actions, tried by every kind of user through the pages and the API.

Each row of WRITES names a write route, makes the records it acts on, sends the request as a
browser or an API client would, and says how to see that it took effect. Its `allowed` actors
must succeed and see the change; every other actor is refused (403 when signed in, the sign-in
page or 401 when anonymous, unless the row says otherwise, such as 404 for a record they may not
see), and the whole database must be the same after the refusal as before it.

A new feature's writes join by adding rows: `test_every_write_route_is_in_the_table` fails while
a route that is not a GET has no row.
"""
from __future__ import annotations

import functools
import io
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

import pytest
from shapely.geometry import Polygon
from werkzeug.security import generate_password_hash

from registry.accounts import links
from registry.accounts import service as accounts
from registry.accounts.models import ApiToken, Organization, User
from registry.catalog import service as catalog
from registry.catalog.models import CatalogNodeMapping
from registry.enterprises import review
from registry.enterprises import service as enterprises
from registry.enterprises.generator import check_digit
from registry.enterprises.models import ClaimRequest, Decision, DuplicateFlag, Enterprise, PendingChange, Status
from registry.extensions import db
from registry.imports import staging
from registry.ecolabels import service as ecolabels
from registry.ecolabels.models import EcolabelCertificate
from registry.incentives import service as incentives
from registry.incentives.models import CommuneDifficulty, IncentivePolicy
from registry.notifications.models import Notification
from registry.incubators import service as incubators
from registry.incubators.models import Cohort, Incubatee, Incubator
from registry.places.models import Commune
from registry.imports.kinds import KINDS, stage_upload
from registry.imports.models import StagedUpload
from registry.zones import boundaries
from registry.zones import service as zones
from registry.zones.importing import ImportChoices
from registry.zones.models import BoundaryVersion, Zone

from .conftest import PASSWORD, REFERENCE_TABLES, csrf_token, empty_database

# Routes that change only the caller's own session, not the registry's data.
NOT_PERMISSION_CHECKED = {"accounts.sign_in", "accounts.sign_out"}
# Written by reading requests themselves (sign-in bookkeeping), so left out of "nothing changed".
VOLATILE_COLUMNS = {"user": {"last_login_at"}, "api_token": {"last_used_at"}}
VOLATILE_TABLES = {"login_attempt"}
APPEND_ONLY_TABLES = {"audit_entry"}  # rows are only ever added: their count and last id tell whether one was
BYSTANDER = "bystander@example.vn"  # another user: claims on records, a token that is not the actor's
NEW_CATALOG = "980-2023"  # a second catalog version, whose items await mapping from the first


# --- who -----------------------------------------------------------------------------------------

ORGANIZATIONS = {
    "department": ("Sở Công Thương Quảng Ngãi", "department", "51"),
    "other_department": ("Sở Công Thương Gia Lai", "department", "52"),
    "board": ("Ban Quản lý Khu kinh tế Dung Quất", "zone_board", "51"),
    "other_board": ("Ban Quản lý Khu kinh tế tỉnh Gia Lai", "zone_board", "52"),
    "enterprise": ("Công ty TNHH Môi trường Xanh Dung Quất", "enterprise", "51"),
    "other_enterprise": ("Công ty Cổ phần Tái chế Sông Trà", "enterprise", "51"),
    "ministry": ("Bộ Công Thương", "ministry", None),
    "association": ("Hiệp hội Doanh nghiệp Môi trường Quảng Ngãi", "association", "51"),
}


@dataclass(frozen=True)
class Actor:
    key: str
    role: str | None = None
    organization: str | None = None
    confirmed: bool = True  # False: a visitor's own account whose owner has not confirmed the address yet

    @property
    def email(self) -> str:
        return f"{self.key.replace('_', '.')}@example.vn"


ANONYMOUS = Actor("anonymous")
ACTORS = [
    ANONYMOUS,
    Actor("investor", "investor", "association"),
    Actor("enterprise_rep-own_enterprise", "enterprise_rep", "enterprise"),
    Actor("enterprise_rep-other_enterprise", "enterprise_rep", "other_enterprise"),
    Actor("province_officer-own_province", "province_officer", "department"),
    Actor("province_officer-other_province", "province_officer", "other_department"),
    Actor("zone_editor-own_board", "zone_editor", "board"),
    Actor("zone_editor-other_board", "zone_editor", "other_board"),
    Actor("event_organizer", "event_organizer", "association"),
    Actor("ministry_officer", "province_officer", "ministry"),
    Actor("admin", "admin", "association"),
    Actor("unconfirmed_rep-own_enterprise", "enterprise_rep", "enterprise", confirmed=False),
]
SIGNED_IN = frozenset(a.key for a in ACTORS if a.role)
EVERYONE = SIGNED_IN | {ANONYMOUS.key}
ADMIN, OFFICER, OTHER_OFFICER = "admin", "province_officer-own_province", "province_officer-other_province"
EDITOR, REPRESENTATIVE, MINISTRY = "zone_editor-own_board", "enterprise_rep-own_enterprise", "ministry_officer"
UNCONFIRMED = "unconfirmed_rep-own_enterprise"  # may sign in, keep its own account and register a profile, nothing more
REVIEWERS = frozenset({ADMIN, OFFICER})  # of province 51, where every record below lives
ZONE_EDITORS = REVIEWERS | {EDITOR}  # of the zone managed by the board of province 51
IMPORTERS = REVIEWERS | {OTHER_OFFICER}  # any officer may upload a list; its rows must be in their province
CATALOG_MANAGERS = frozenset({ADMIN, MINISTRY})
POLICY_KEEPERS = REVIEWERS  # the Department of province 51, where the provincial policies below are, and administrators
INCUBATOR_KEEPERS = ZONE_EDITORS  # the incubators below are in province 51, hosted by the zone the board of province 51 manages
COMMUNE_IMPORTERS = REVIEWERS | {OTHER_OFFICER}  # any Department officer may upload a list; its communes must be in their province
ORGANIZER = "event_organizer"
EVENT_ORGANIZERS = frozenset({ADMIN, OFFICER, ORGANIZER})  # of the association's event in province 51: its organizers, the province's officers
PARTICIPANT_AGENTS = EVENT_ORGANIZERS | {REPRESENTATIVE}  # a participant is acted for by its enterprise's representatives too
MEETING_SIDES = PARTICIPANT_AGENTS | {"enterprise_rep-other_enterprise"}  # either side of a meeting between the two enterprises

ALLOWED = "allowed"
FORBIDDEN = 403
HIDDEN = 404
SIGN_IN = "sign in"  # the sign-in page for pages, 401 for the API


# --- the cell: one actor trying one write -------------------------------------------------------

@dataclass
class Cell:
    app: object
    world: World
    actor: Actor
    client: object = None
    csrf: str = ""
    token: str = ""
    target: dict = field(default_factory=dict)

    @property
    def user(self) -> User | None:
        return accounts.find_user(self.actor.email) if self.actor.role else None

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def upload(self, path: str, data: dict, filename: str, content: bytes):
        return self.post(path, {**data, "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")

    def api(self, method: str, path: str, body):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.open(path, method=method, json=body, headers=headers)


@dataclass(frozen=True)
class Write:
    """One write route as a row of the table."""

    name: str
    endpoint: str
    allowed: frozenset[str]
    prepare: Callable[[Cell], dict]  # make the records the write acts on; runs in an app context
    send: Callable[[Cell], object]  # send the request; returns the response
    took_effect: Callable[[Cell, object], bool]  # runs in an app context after an allowed write
    refused: Mapping[str, object] = field(default_factory=dict)  # actor key -> outcome, where not the default
    ends_session: bool = False  # the write signs the actor out (or may): sign in afresh for the next row

    @property
    def through_api(self) -> bool:
        return self.endpoint.startswith("api.")

    def expected(self, actor: Actor):
        if actor.key in self.allowed:
            return ALLOWED
        if actor.key in self.refused:
            return self.refused[actor.key]
        return SIGN_IN if actor is ANONYMOUS else FORBIDDEN


# --- records the writes act on ------------------------------------------------------------------

_serial = itertools.count(1)
_prefixes = (f"{n:09d}" for n in itertools.count(100_100_000))


def new_tax_code() -> str:
    """Return an unused tax code with a valid check digit."""
    for prefix in _prefixes:
        digit = check_digit(prefix)
        if digit is not None:
            return prefix + digit
    raise AssertionError("unreachable")


def org(key: str) -> Organization:
    return accounts.find_organization(ORGANIZATIONS[key][0])


def make_enterprise(status: Status = Status.PUBLISHED, owner: str | None = "enterprise") -> Enterprise:
    record = enterprises.create_enterprise(None, {"tax_code": new_tax_code(), "name_vi": f"Công ty TNHH Xử lý Chất thải Số {next(_serial)}",
                                                  "province_code": "51", "staff": 40}, check_similar=False)
    record.status = status
    record.organization = org(owner) if owner else None
    db.session.flush()
    return record


def make_zone(boundary_versions: int = 0) -> Zone:
    zone = zones.create_zone(None, {"name_vi": f"Khu công nghiệp Tịnh Phong {next(_serial)}", "kind": "industrial_park", "province_code": "51",
                                    "total_ha": 132, "industrial_ha": 100, "leased_ha": 90}, organization=org("board"))
    for ring in [SQUARE, BIGGER][:boundary_versions]:
        boundaries.publish_boundary(None, zone, Polygon(ring), source="test.geojson")
    return zone


SQUARE = [[108.80, 15.10], [108.82, 15.10], [108.82, 15.12], [108.80, 15.12], [108.80, 15.10]]
BIGGER = [[108.79, 15.09], [108.83, 15.09], [108.83, 15.13], [108.79, 15.13], [108.79, 15.09]]


def geojson(ring=SQUARE) -> bytes:
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def staged_enterprise_list(cell: Cell) -> dict:
    """Stage a one-row list of province 51 for the actor, as the upload page does, and return its token."""
    tax_code = new_tax_code()
    data = f"Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố\n{tax_code},Công ty TNHH Nhập Khẩu Số {next(_serial)},51\n".encode()
    staged = stage_upload(KINDS["enterprises"], _owner(cell), "ds.csv", data)
    return {"token": staged.token, "tax_code": tax_code}


def staged_zone_list(cell: Cell) -> dict:
    """Stage a one-row list of zones of province 51 for the actor, as the upload page does."""
    name = f"Cụm công nghiệp Bình Nguyên {next(_serial)}"
    data = f"Tên,Trạng thái,Diện tích (ha)\n{name},đang hoạt động,40\n".encode()
    staged = stage_upload(KINDS["zones"], _owner(cell), "ccn.csv", data, asdict(ImportChoices("51")))
    return {"token": staged.token, "name": name}


def staged_boundary(cell: Cell) -> dict:
    zone = make_zone()
    staged = staging.stage(_owner(cell), "boundary", "ranh-gioi.geojson", geojson(), None, choices={"zone": zone.id})
    return {"zone": zone.id, "version": zone.version, "token": staged.token}


def _owner(cell: Cell) -> int:
    """Stage files for the actor; an anonymous visitor has none, so theirs belong to the bystander."""
    return (cell.user or accounts.find_user(BYSTANDER)).id


def pending_mapping() -> CatalogNodeMapping:
    version = catalog.get_version(NEW_CATALOG)
    return next(m for m in catalog.mappings_of(version) if m.status == "pending")


OFFICIAL_CATALOG = (
    "code,parent,kind,name_vi,name_en,hs_codes\n"
    "A,,,Xử lý nước thải,Wastewater treatment,\n"
    "A.01,A,equipment,Hệ thống xử lý nước thải hợp khối,Packaged treatment plants,842121\n"
    "A.99,A,product,Hóa chất xử lý nước mới,New water chemicals,\n"
)


def enterprise_target(status: Status = Status.PUBLISHED):
    def prepare(cell: Cell) -> dict:
        record = make_enterprise(status)
        return {"id": record.id, "version": record.version, "tax_code": record.tax_code}

    return prepare


def profile_form(cell: Cell, **changes) -> dict:
    return {"tax_code": cell.target["tax_code"], "name_vi": f"Công ty TNHH Xử lý Chất thải Số {next(_serial)}", "province_code": "51",
            "version": str(cell.target.get("version", "")), **changes}


def nothing(_cell: Cell) -> dict:
    return {}


def own_token(cell: Cell) -> dict:
    user = cell.user or accounts.find_user(BYSTANDER)
    accounts.issue_token(user, "đồng bộ")
    return {"id": db.session.scalars(db.select(ApiToken.id).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).first()}


def bystanders_token(_cell: Cell) -> dict:
    accounts.issue_token(accounts.find_user(BYSTANDER), "của người khác")
    return {"id": db.session.scalars(db.select(ApiToken.id).order_by(ApiToken.id.desc())).first()}


def enterprise_of(cell: Cell) -> Enterprise:
    return db.session.get(Enterprise, cell.target["id"])


def staff_changed_or_queued(cell: Cell, _response) -> bool:
    record = enterprise_of(cell)
    queued = db.session.scalars(db.select(PendingChange).where(PendingChange.enterprise_id == record.id)).all()
    return record.staff == 77 or any(c.changes.get("staff") for c in queued)


def status_is(*statuses: Status) -> Callable:
    return lambda cell, _response: enterprise_of(cell).status in statuses


def _answers_kept(cell: Cell, _response) -> bool:
    """The importer's answers (none asked of this list) are kept with the staged upload."""
    staged = db.session.get(StagedUpload, cell.target["token"])
    return staged is not None and "answers" in staged.choices


def redirects_to(fragment: str) -> Callable:
    return lambda _cell, response: response.status_code == 302 and fragment in response.headers["Location"]


def zone_of(cell: Cell) -> Zone:
    return db.session.get(Zone, cell.target["zone"])


def user_of(cell: Cell) -> User:
    return db.session.get(User, cell.target["user"])


def the_user(cell: Cell) -> dict:
    user = cell.user
    return {"user": user.id, "hash": user.password_hash, "session": user.session_version} if user else {}


# --- the table ----------------------------------------------------------------------------------

def _pending_change(cell: Cell) -> dict:
    record = make_enterprise()
    representative = accounts.find_user(next(a for a in ACTORS if a.key == REPRESENTATIVE).email)
    change = enterprises.update_enterprise(representative, record, {"staff": 85}, partial=True)
    return {"id": record.id, "change": change.id}


def _claim(cell: Cell) -> dict:
    record = make_enterprise(owner=None)
    request = review.claim(accounts.find_user(BYSTANDER), record.tax_code, "Giám đốc")
    return {"id": record.id, "claim": request.id}


def _duplicates(cell: Cell) -> dict:
    keep, drop = make_enterprise(), make_enterprise()
    flag = DuplicateFlag(enterprise=keep, other=drop, score=96.0)
    db.session.add(flag)
    db.session.flush()
    return {"keep": keep.id, "id": drop.id, "flag": flag.id}


def _zone_target(cell: Cell) -> dict:
    zone = make_zone()
    return {"zone": zone.id, "version": zone.version, "name": zone.name_vi}


def _zone_with_history(cell: Cell) -> dict:
    zone = make_zone(boundary_versions=2)
    return {"zone": zone.id, "version": zone.version}


def _zone_form(cell: Cell) -> dict:
    return {"name_vi": cell.target["name"], "kind": "industrial_park", "status": "operating", "parent_id": "", "commune_codes": "",
            "wastewater_plant": "", "solid_waste_service": "", "total_ha": "132", "industrial_ha": "100", "leased_ha": "77",
            "version": str(cell.target["version"])}


def _mapping(cell: Cell) -> dict:
    mapping = pending_mapping()
    return {"mapping": mapping.id, "successor": catalog.get_node(mapping.version, "A.99").id}


def _mapping_resolved(cell: Cell, _response) -> bool:
    return db.session.get(CatalogNodeMapping, cell.target["mapping"]).status == "resolved"


def _zone_leased(cell: Cell, _response) -> bool:
    return zone_of(cell).leased_ha == 77


def _matched_proposal(cell: Cell) -> dict:
    """A zone of the board with land to spare, and an anonymous proposal the engine matched to it."""
    from registry.matching import service as matching

    zone = make_zone()
    zone.available_ha = 500
    db.session.flush()
    proposal = matching.submit(None, _proposal_answers(provinces=["51"], strict_provinces=True))
    return {"zone": zone.id, "token": proposal.token, "proposal": proposal.id}


def _proposal_answers(**changes) -> dict:
    return {"email": "nha.dau.tu@example.com", "consent": True, "name": f"Nhà máy tái chế Số {next(_serial)}", "activity": "recycling_plant",
            "land_min_ha": 20, "capital_amount": 100_000_000_000, "jobs": 50, "start_year": 2027, **changes}


def _proposal_sent(cell: Cell, _response) -> bool:
    from registry.matching.models import Proposal

    return db.session.scalar(db.select(Proposal).where(Proposal.name == cell.target["name"])) is not None


def _send_proposal_form(cell: Cell):
    """Answer the form's steps as the actor, then send the proposal."""
    from registry.matching.forms import STEPS

    answers = {**_proposal_answers(name=cell.target["name"]), "consent": "y"}
    for step, _title, fields in STEPS[:-1]:
        cell.post(f"/proposals/new/{step}", {name: answers[name] for name in fields if name in answers})
    return cell.post("/proposals/new/submit")


def _lead(cell: Cell) -> dict:
    from registry.matching import service as matching

    target = _matched_proposal(cell)
    lead = matching.express_interest(matching.by_token(target["token"]), target["zone"])
    return {**target, "lead": lead.id}


def _lead_moved(cell: Cell, _response) -> bool:
    from registry.matching.models import Lead, LeadStatus

    return db.session.get(Lead, cell.target["lead"]).status == LeadStatus.CONTACTED


def _has_lead(cell: Cell, _response) -> bool:
    from registry.matching.models import Lead

    return db.session.scalar(db.select(Lead).where(Lead.proposal_id == cell.target["proposal"])) is not None


def _versions(cell: Cell) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(BoundaryVersion).where(BoundaryVersion.zone_id == cell.target["zone"]))


def _new_enterprise(cell: Cell) -> dict:
    return {"tax_code": new_tax_code(), "name": f"Công ty TNHH Môi trường Mới Số {next(_serial)}"}


def _exists_with_tax_code(cell: Cell, _response) -> bool:
    return enterprises.find_by_tax_code(cell.target["tax_code"]) is not None


def _registration(cell: Cell):
    return cell.post("/enterprises/register", {
        "tax_code": cell.target["tax_code"], "name_vi": cell.target["name"], "province_code": "51",
        "account_email": f"nguoi.dang.ky.{next(_serial)}@example.vn", "account_name": "Trần Thị Bình", "password": PASSWORD})


def _reset_link(cell: Cell) -> dict:
    """An account that forgot its password, and the link mailed to it."""
    user = accounts.create_user(None, f"quen.mat.khau.{next(_serial)}@example.vn", PASSWORD)
    return {"email": user.email, "hash": user.password_hash, "token": links.link_token(user, links.RESET_PASSWORD)}


def _policy(national: bool = False):
    def prepare(cell: Cell) -> dict:
        values = {"title_vi": f"Hỗ trợ tiền thuê đất Số {next(_serial)}", "instrument": "land_rent", "province_code": None if national else "51",
                  "legal_basis": "Nghị quyết 15/2026/NQ-HĐND", "effective_from": "2026-01-01", "benefit": {"reduction_pct": 50}}
        policy = incentives.create_policy(None, values)
        return {"policy": policy.id, "title": policy.title_vi, "values": {**values, "benefit": None}}

    return prepare


def _policy_of(cell: Cell) -> IncentivePolicy:
    return db.session.get(IncentivePolicy, cell.target["policy"])


def _policy_form(cell: Cell, **changes) -> dict:
    values = cell.target["values"]
    return {"title_vi": values["title_vi"] if "title_vi" in values else cell.target["title"], "instrument": "land_rent",
            "province_code": values["province_code"] or "", "legal_basis": values["legal_basis"], "effective_from": "2026-01-01",
            "sector_class": "any", "confidence": "M", "status": "published", "benefit_reduction_pct": "50", **changes}


def _new_policy(cell: Cell) -> dict:
    return {"title": f"Chính sách mới Số {next(_serial)}", "values": {"province_code": "51", "legal_basis": "Nghị quyết 15/2026/NQ-HĐND"}}


def _policy_named(cell: Cell, _response) -> bool:
    return db.session.scalar(db.select(IncentivePolicy).where(IncentivePolicy.title_vi == cell.target["title"])) is not None


def _incubator(cell: Cell) -> dict:
    """An incubator of province 51 hosted by the board's zone, with a cohort and an active incubatee."""
    zone = make_zone()
    incubator = incubators.create_incubator(None, {"name_vi": f"Vườn ươm Dung Quất Số {next(_serial)}", "host_kind": "zone",
                                                   "host_zone_id": zone.id, "province_code": "51", "opened_on": "2015-01-01"})
    cohort = incubators.create_cohort(None, incubator, {"name": "Khóa 2024", "starts_on": "2024-01-15"})
    incubatee = incubators.add_incubatee(None, incubator, {"cohort_id": cohort.id, "tax_code": make_enterprise().tax_code})
    return {"incubator": incubator.id, "zone": zone.id, "cohort": cohort.id, "incubatee": incubatee.id, "name": f"Vườn ươm mới Số {next(_serial)}",
            "tax_code": make_enterprise().tax_code}


def _incubator_form(cell: Cell, **changes) -> dict:
    return {"name_vi": cell.target["name"], "province_code": "51", "host_kind": "zone", "host_zone_id": str(cell.target["zone"]), **changes}


def _incubator_named(cell: Cell, _response) -> bool:
    return db.session.scalar(db.select(Incubator).where(Incubator.name_vi == cell.target["name"])) is not None


def _cohorts(cell: Cell) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Cohort).where(Cohort.incubator_id == cell.target["incubator"]))


def _placed(cell: Cell, _response) -> bool:
    return db.session.scalar(db.select(db.func.count()).select_from(Incubatee).where(Incubatee.incubator_id == cell.target["incubator"])) == 2


def _commune_code() -> str:
    return db.session.scalar(db.select(Commune.code).where(Commune.province_code == "51").order_by(Commune.code).limit(1))


def _commune_list() -> bytes:
    return f"Mã xã,Mức,Số quyết định,Hiệu lực từ\n{_commune_code()},KK,{next(_serial)}/QĐ-UBND,2026-01-01\n".encode()


def staged_commune_list(cell: Cell) -> dict:
    data = _commune_list()
    staged = stage_upload(KINDS["communes-difficulty"], _owner(cell), "xa-kk.csv", data)
    return {"token": staged.token, "decision": data.decode().split(",")[-2]}


def _event(**changes):
    from registry.events import service as events

    values = {"name_vi": f"Hội chợ Công nghệ Môi trường Số {next(_serial)}", "kind": "fair", "starts_on": "2026-12-10",
              "ends_on": "2026-12-11", "province_code": "51", "organization_id": org("association").id, "status": "open", **changes}
    return events.create_event(None, values)


def _event_target(cell: Cell) -> dict:
    event = _event()
    return {"event": event.id, "name": f"Hội chợ Công nghệ Môi trường Số {next(_serial)}", "organization": org("association").id}


def _event_form(cell: Cell) -> dict:
    return {"name_vi": cell.target["name"], "kind": "fair", "starts_on": "2026-12-10", "ends_on": "2026-12-11", "province_code": "51",
            "organization_id": str(cell.target["organization"]), "status": "open"}


def _event_named(cell: Cell, _response) -> bool:
    from registry.events.models import Event

    return db.session.scalar(db.select(Event).where(Event.name_vi == cell.target["name"])) is not None


def _registration_target(approved: bool = False, role: str = "exhibitor"):
    """An event and a registration of the representative's enterprise, by the bystander (approved when asked)."""
    def prepare(cell: Cell) -> dict:
        from registry.events import service as events

        event = _event()
        participant = events.register(None, event, {"role": role, "tax_code": make_enterprise().tax_code})
        participant.user_id = accounts.find_user(BYSTANDER).id
        if approved:
            events.approve(None, participant)
        return {"event": event.id, "participant": participant.id}

    return prepare


def _participant_of(cell: Cell):
    from registry.events.models import Participant

    return db.session.get(Participant, cell.target["participant"])


def _participant_is(status: str) -> Callable:
    return lambda cell, _response: _participant_of(cell).status == status


def _interest_target(cell: Cell) -> dict:
    from registry.events import service as events

    target = _registration_target(approved=True)(cell)
    from registry.events.models import Participant

    interest = events.add_interest(None, db.session.get(Participant, target["participant"]), {"direction": "offer", "node": "A.01"})
    return {**target, "interest": interest.id}


def _interests(cell: Cell) -> int:
    from registry.events.models import Interest

    return db.session.scalar(db.select(db.func.count()).select_from(Interest).where(Interest.participant_id == cell.target["participant"]))


def _pair(cell: Cell) -> dict:
    """Two approved participants of an event: the representative's enterprise, and another's."""
    from registry.events import service as events

    target = _registration_target(approved=True)(cell)
    event = events.get_event(target["event"])
    other = events.register(None, event, {"role": "buyer", "tax_code": make_enterprise(owner="other_enterprise").tax_code})
    events.approve(None, other)
    return {**target, "other": other.id}


def _requested(cell: Cell) -> dict:
    """A request from another participant to the representative's enterprise."""
    from registry.events import service as events
    from registry.events.models import Participant

    target = _pair(cell)
    sent = events.request_meeting(None, db.session.get(Participant, target["other"]), {"counterpart_id": target["participant"]})
    return {**target, "request": sent.id}


def _request_sent(cell: Cell, _response) -> bool:
    from registry.events.models import MeetingRequest

    return db.session.scalar(db.select(MeetingRequest).where(MeetingRequest.requester_id == cell.target["participant"])) is not None


def _request_answered(cell: Cell, _response) -> bool:
    from registry.events.models import MeetingRequest

    return db.session.get(MeetingRequest, cell.target["request"]).status == "accepted"


def _investor_registered(cell: Cell, _response) -> bool:
    from registry.events.models import Participant

    return db.session.scalar(db.select(Participant).where(Participant.name == cell.target["name"])) is not None


def _registered(cell: Cell) -> bool:
    from registry.events.models import Participant

    enterprise = enterprises.find_by_tax_code(cell.target["tax"])
    return db.session.scalar(db.select(Participant).where(Participant.enterprise_id == enterprise.id)) is not None


def _schedule_ready(cell: Cell) -> dict:
    """An event with a session of two tables (08:00–09:00, three slots) and two approved participants with an accepted request."""
    from registry.events import service as events
    from registry.events.models import MeetingRequest
    from registry.events.schedule import service as schedule

    target = _requested(cell)
    events.answer_request(None, db.session.get(MeetingRequest, target["request"]), True)
    session = schedule.save_session(None, events.get_event(target["event"]), {
        "name_vi": "Phiên sáng", "first_day": "2026-12-10", "starts_at": "08:00", "ends_at": "09:00", "meeting_minutes": "20",
        "pause_minutes": "0", "tables": "Bàn 1\nBàn 2"})
    return {**target, "session": session.id, "table": session.tables[1].id}


def _scheduled(cell: Cell) -> dict:
    """The same, its schedule built into a draft."""
    from registry.events import service as events
    from registry.events.schedule import service as schedule

    target = _schedule_ready(cell)
    event = events.get_event(target["event"])
    schedule.build(None, event, time_limit=2.0)
    return {**target, "meeting": schedule.meetings_of(event)[0].id}


def _pinned(cell: Cell) -> dict:
    target = _scheduled(cell)
    _meeting(cell, target).pinned = True
    return target


def _settings(cell: Cell):
    from registry.events.schedule.models import ScheduleSettings

    return db.session.get(ScheduleSettings, cell.target["event"])


def _own_schedule(cell: Cell):
    from registry.events.schedule.models import ParticipantSchedule

    return db.session.get(ParticipantSchedule, cell.target["participant"])


def _sessions(cell: Cell) -> list:
    from registry.events.schedule.models import ScheduleSession

    return db.session.scalars(db.select(ScheduleSession).where(ScheduleSession.event_id == cell.target["event"])).all()


def _meeting(cell: Cell, target: dict | None = None):
    from registry.events.models import Meeting

    return db.session.get(Meeting, (target or cell.target)["meeting"])


SESSION_FORM = {"name_vi": "Phiên chiều", "first_day": "2026-12-10", "starts_at": "14:00", "ends_at": "15:00", "meeting_minutes": "20",
                "pause_minutes": "0", "tables": "Bàn 1"}


def _events_path(cell: Cell, tail: str = "") -> str:
    return f"/events/{cell.target['event']}" + tail


def _participant_path(cell: Cell, tail: str = "") -> str:
    return f"/events/{cell.target['event']}/participants/{cell.target['participant']}" + tail


def _badge(cell: Cell) -> dict:
    """An approved participant of an event of 10–11 December 2026, and the code its badge carries."""
    from registry.events.attendance import service as attendance
    from registry.events.models import Participant

    target = _registration_target(approved=True)(cell)
    return {**target, "code": attendance.badge_token(db.session.get(Participant, target["participant"]))}


def _badge_today(cell: Cell) -> dict:
    """`_badge`, with its event running today and tomorrow: the badge's page checks in for today."""
    from datetime import date, timedelta

    from registry.events.models import Participant

    target = _badge(cell)
    event = db.session.get(Participant, target["participant"]).event
    event.starts_on, event.ends_on = date.today(), date.today() + timedelta(days=1)
    db.session.commit()
    return target


def _checked_in(cell: Cell, _response) -> bool:
    from registry.events.attendance.models import CheckIn

    return db.session.scalar(db.select(CheckIn).where(CheckIn.participant_id == cell.target["participant"])) is not None


def _met(cell: Cell) -> dict:
    """An accepted meeting, at an event held in November 2026, between the representative's enterprise and another."""
    from registry.events import service as events

    event = _event(starts_on="2026-11-01", ends_on="2026-11-02")
    mine = events.register(None, event, {"role": "exhibitor", "tax_code": make_enterprise().tax_code})
    other = events.register(None, event, {"role": "buyer", "tax_code": make_enterprise(owner="other_enterprise").tax_code})
    for participant in (mine, other):
        events.approve(None, participant)
    sent = events.request_meeting(None, other, {"counterpart_id": mine.id})
    events.answer_request(None, sent, True)
    return {"event": event.id, "participant": mine.id, "request": sent.id}


def _outcome_recorded(cell: Cell, _response) -> bool:
    from registry.events.attendance.models import MeetingOutcome

    return db.session.scalar(db.select(MeetingOutcome).where(MeetingOutcome.request_id == cell.target["request"])) is not None


def _certificate(cell: Cell) -> dict:
    holder = make_enterprise()
    certificate = ecolabels.record_certificate(None, {"scheme": "vn_ecolabel", "number": f"{next(_serial)}/QĐ-BTNMT", "product_name": "Túi sinh học",
                                                      "holder_tax_code": holder.tax_code, "issued_on": "2025-03-10"})
    return {"certificate": certificate.id, "tax_code": holder.tax_code, "number": f"{next(_serial)}/QĐ-BTNMT"}


def _certificate_numbered(cell: Cell, _response) -> bool:
    return db.session.scalar(db.select(EcolabelCertificate).where(EcolabelCertificate.number == cell.target["number"])) is not None


def _suspended(cell: Cell, _response) -> bool:
    return db.session.get(EcolabelCertificate, cell.target["certificate"]).status == "suspended"


def _certificate_list(cell: Cell) -> dict:
    target = _certificate(cell)
    target["data"] = f"number,product_name,holder_tax_code,issued_on\n{target['number']},Túi B,{target['tax_code']},2025-04-01\n".encode()
    return target


def staged_certificate_list(cell: Cell) -> dict:
    target = _certificate_list(cell)
    target["token"] = stage_upload(KINDS["ecolabels"], _owner(cell), "nhan.csv", target["data"]).token
    return target


def _notice(cell: Cell) -> dict:
    user = cell.user
    if user is None:
        return {"notice": None}
    notice = Notification(user_id=user.id, key=f"test:{next(_serial)}", title="Giấy chứng nhận sắp hết hiệu lực")
    db.session.add(notice)
    db.session.flush()
    return {"notice": notice.id}


WRITES = [
    # Enterprises: register, record, edit, claim.
    Write("register enterprise", "enterprises.register", EVERYONE, _new_enterprise, _registration, _exists_with_tax_code),
    Write("record enterprise", "enterprises.create", REVIEWERS, _new_enterprise,
          lambda c: c.post("/enterprises/new", {"tax_code": c.target["tax_code"], "name_vi": c.target["name"], "province_code": "51"}),
          _exists_with_tax_code),
    Write("edit enterprise", "enterprises.edit", REVIEWERS | {REPRESENTATIVE}, enterprise_target(),
          lambda c: c.post(f"/enterprises/{c.target['id']}/edit", profile_form(c, staff="77")), staff_changed_or_queued),
    Write("edit pending enterprise", "enterprises.edit", REVIEWERS | {REPRESENTATIVE}, enterprise_target(Status.PENDING),
          lambda c: c.post(f"/enterprises/{c.target['id']}/edit", profile_form(c, staff="77")), staff_changed_or_queued,
          refused={key: HIDDEN for key in SIGNED_IN}),
    Write("claim enterprise", "enterprises.claim", SIGNED_IN - {REPRESENTATIVE, UNCONFIRMED}, enterprise_target(),
          lambda c: c.post("/enterprises/claim", {"tax_code": c.target["tax_code"], "message": "Phó giám đốc"}),
          lambda c, _r: db.session.scalar(db.select(ClaimRequest).where(ClaimRequest.enterprise_id == c.target["id"])) is not None,
          refused={REPRESENTATIVE: 422}),  # they represent it already
    # The officer's review.
    Write("approve registration", "enterprise_review.decide", REVIEWERS, enterprise_target(Status.PENDING),
          lambda c: c.post(f"/enterprises/review/{c.target['id']}/approve", {"reason": ""}), status_is(Status.PUBLISHED)),
    Write("reject registration", "enterprise_review.decide", REVIEWERS, enterprise_target(Status.PENDING),
          lambda c: c.post(f"/enterprises/review/{c.target['id']}/reject", {"reason": "Không thuộc ngành môi trường."}),
          status_is(Status.REJECTED)),
    Write("send back registration", "enterprise_review.decide", REVIEWERS, enterprise_target(Status.PENDING),
          lambda c: c.post(f"/enterprises/review/{c.target['id']}/request_changes", {"reason": "Thiếu địa chỉ."}),
          lambda c, _r: enterprise_of(c).changes_requested),
    Write("suspend enterprise", "enterprise_review.decide", REVIEWERS, enterprise_target(),
          lambda c: c.post(f"/enterprises/review/{c.target['id']}/suspend", {"reason": "Giấy phép bị thu hồi."}),
          status_is(Status.SUSPENDED)),
    Write("approve pending change", "enterprise_review.change", REVIEWERS, _pending_change,
          lambda c: c.post(f"/enterprises/review/changes/{c.target['change']}", {"decision": "approve", "reason": ""}),
          lambda c, _r: enterprise_of(c).staff == 85),
    Write("grant claim", "enterprise_review.claim", REVIEWERS, _claim,
          lambda c: c.post(f"/enterprises/review/claims/{c.target['claim']}", {"decision": "approve", "reason": ""}),
          lambda c, _r: db.session.get(ClaimRequest, c.target["claim"]).status == Decision.APPROVED),
    Write("merge duplicates", "enterprise_review.duplicate", REVIEWERS, _duplicates,
          lambda c: c.post(f"/enterprises/review/duplicates/{c.target['flag']}", {"keep": str(c.target["keep"]), "decision": "merge"}),
          status_is(Status.MERGED)),
    # Enterprise lists.
    Write("upload enterprise list", "enterprise_io.upload", IMPORTERS, _new_enterprise,
          lambda c: c.upload("/enterprises/import", {}, "ds.csv",
                             f"Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố\n{c.target['tax_code']},{c.target['name']},51\n".encode()),
          redirects_to("/columns")),
    Write("match enterprise list columns", "enterprise_io.columns", IMPORTERS, staged_enterprise_list,
          lambda c: c.post(f"/enterprises/import/{c.target['token']}/columns",
                           {"column_0": "tax_code", "column_1": "name_vi", "column_2": "province_code"}),
          redirects_to("/preview")),
    Write("answer enterprise list questions", "enterprise_io.answers", IMPORTERS, staged_enterprise_list,
          lambda c: c.post(f"/enterprises/import/{c.target['token']}/answers", {}), _answers_kept),
    Write("import enterprise list", "enterprise_io.commit", REVIEWERS, staged_enterprise_list,
          lambda c: c.post(f"/enterprises/import/{c.target['token']}/commit"), _exists_with_tax_code,
          refused={OTHER_OFFICER: 302}),  # back to the preview: "nothing was imported", the row is not in their province
    # Zones.
    Write("record zone", "zones.create", REVIEWERS, lambda c: {"name": f"Cụm công nghiệp Tịnh Ấn {next(_serial)}", "board": org("board").id},
          lambda c: c.post("/zones/new", {"province_code": "51", "organization_id": str(c.target["board"]), "name_vi": c.target["name"],
                                          "kind": "industrial_cluster", "status": "planned", "parent_id": "", "total_ha": "48",
                                          "commune_codes": "", "wastewater_plant": "", "solid_waste_service": ""}),
          lambda c, _r: db.session.scalar(db.select(Zone).where(Zone.name_vi == c.target["name"])) is not None),
    Write("edit zone", "zones.edit", ZONE_EDITORS, _zone_target,
          lambda c: c.post(f"/zones/{c.target['zone']}/edit", _zone_form(c)), _zone_leased),
    Write("upload boundary", "zones.boundary.upload", ZONE_EDITORS, _zone_target,
          lambda c: c.upload(f"/zones/{c.target['zone']}/boundary", {"crs": ""}, "ranh-gioi.geojson", geojson()),
          redirects_to("/boundary/")),
    Write("publish boundary", "zones.boundary.publish", ZONE_EDITORS, staged_boundary,
          lambda c: c.post(f"/zones/{c.target['zone']}/boundary/{c.target['token']}/publish", {"version": str(c.target["version"]), "crs": ""}),
          lambda c, _r: _versions(c) == 1),
    Write("restore boundary", "zones.boundary.restore", ZONE_EDITORS, _zone_with_history,
          lambda c: c.post(f"/zones/{c.target['zone']}/versions/1/restore", {"version": str(c.target["version"])}),
          lambda c, _r: _versions(c) == 3),
    Write("upload zone list", "zones.imports.upload", IMPORTERS, nothing,
          lambda c: c.upload("/zones/import", {"province_code": "51", "kind": "industrial_cluster", "crs": "EPSG:4326"}, "ccn.csv",
                             f"Tên,Trạng thái,Diện tích (ha)\nCụm công nghiệp Tải Lên {next(_serial)},đang hoạt động,40\n".encode()),
          redirects_to("/columns")),
    Write("match zone list columns", "zones.imports.columns", IMPORTERS, staged_zone_list,
          lambda c: c.post(f"/zones/import/{c.target['token']}/columns",
                           {"column_0": "name_vi", "column_1": "status", "column_2": "total_ha", "status": "operating"}),
          redirects_to("/preview")),
    Write("answer zone list questions", "zones.imports.answers", IMPORTERS, staged_zone_list,
          lambda c: c.post(f"/zones/import/{c.target['token']}/answers", {}), _answers_kept),
    Write("import zone list", "zones.imports.commit", REVIEWERS, staged_zone_list,
          lambda c: c.post(f"/zones/import/{c.target['token']}/commit"),
          lambda c, _r: db.session.scalar(db.select(Zone).where(Zone.name_vi == c.target["name"])) is not None,
          refused={OTHER_OFFICER: 302}),  # back to the preview: the list's province is not theirs
    # Incubators, their cohorts and incubatees.
    Write("record incubator", "incubators.create", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.post("/incubators/new", _incubator_form(c)), _incubator_named),
    Write("edit incubator", "incubators.edit", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.post(f"/incubators/{c.target['incubator']}/edit", _incubator_form(c)), _incubator_named),
    Write("record cohort", "incubators.create_cohort", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.post(f"/incubators/{c.target['incubator']}/cohorts/new", {"name": "Khóa 2025", "starts_on": "2025-01-15"}),
          lambda c, _r: _cohorts(c) == 2),
    Write("edit cohort", "incubators.edit_cohort", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.post(f"/incubators/{c.target['incubator']}/cohorts/{c.target['cohort']}/edit", {"name": "Khóa 2024 A", "starts_on": "2024-01-15"}),
          lambda c, _r: db.session.get(Cohort, c.target["cohort"]).name == "Khóa 2024 A"),
    Write("add incubatee", "incubators.add_incubatee", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.post(f"/incubators/{c.target['incubator']}/incubatees/new", {"cohort_id": str(c.target["cohort"]),
                                                                                   "tax_code": c.target["tax_code"], "outcome": "active"}), _placed),
    Write("edit incubatee", "incubators.edit_incubatee", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.post(f"/incubators/{c.target['incubator']}/incubatees/{c.target['incubatee']}/edit",
                           {"cohort_id": str(c.target["cohort"]), "outcome": "left", "ended_on": "2024-06-30"}),
          lambda c, _r: db.session.get(Incubatee, c.target["incubatee"]).outcome == "left"),
    # Incentive policies and commune difficulty lists.
    Write("record policy", "incentives.create", POLICY_KEEPERS, _new_policy,
          lambda c: c.post("/incentives/new", _policy_form(c, title_vi=c.target["title"])), _policy_named),
    Write("edit policy", "incentives.edit", POLICY_KEEPERS, _policy(),
          lambda c: c.post(f"/incentives/{c.target['policy']}/edit", _policy_form(c, level="7")), lambda c, _r: _policy_of(c).level == 7),
    Write("edit national policy", "incentives.edit", frozenset({ADMIN}), _policy(national=True),
          lambda c: c.post(f"/incentives/{c.target['policy']}/edit", _policy_form(c, level="7")), lambda c, _r: _policy_of(c).level == 7),
    Write("end policy", "incentives.end", POLICY_KEEPERS, _policy(),
          lambda c: c.post(f"/incentives/{c.target['policy']}/end", {"last_day": "2026-06-30"}),
          lambda c, _r: _policy_of(c).effective_to is not None),
    Write("upload commune list", "incentives.communes.upload", COMMUNE_IMPORTERS, lambda c: {"data": _commune_list()},
          lambda c: c.upload("/incentives/communes/import", {}, "xa-kk.csv", c.target["data"]), redirects_to("/columns")),
    Write("match commune list columns", "incentives.communes.columns", COMMUNE_IMPORTERS, staged_commune_list,
          lambda c: c.post(f"/incentives/communes/import/{c.target['token']}/columns",
                           {"column_0": "commune_code", "column_1": "level", "column_2": "decision_number", "column_3": "effective_from"}),
          redirects_to("/preview")),
    Write("answer commune list questions", "incentives.communes.answers", COMMUNE_IMPORTERS, staged_commune_list,
          lambda c: c.post(f"/incentives/communes/import/{c.target['token']}/answers", {}), _answers_kept),
    Write("import commune list", "incentives.communes.commit", REVIEWERS, staged_commune_list,
          lambda c: c.post(f"/incentives/communes/import/{c.target['token']}/commit"),
          lambda c, _r: db.session.scalar(db.select(CommuneDifficulty).where(CommuneDifficulty.decision_number == c.target["decision"])) is not None,
          refused={OTHER_OFFICER: 302}),  # back to the preview: the commune is not in their province
    # Eco-labels: record, withdraw, load a list; one's own notices.
    Write("record certificate", "ecolabels.create", REVIEWERS, _certificate,
          lambda c: c.post("/ecolabels/new", {"scheme": "vn_ecolabel", "number": c.target["number"], "product_name": "Túi B",
                                              "holder_tax_code": c.target["tax_code"], "issued_on": "2025-04-01"}), _certificate_numbered),
    Write("suspend certificate", "ecolabels.decide", REVIEWERS, _certificate,
          lambda c: c.post(f"/ecolabels/{c.target['certificate']}/suspend", {"reason": "Giám sát không đạt"}), _suspended),
    Write("upload certificate list", "ecolabels.import.upload", COMMUNE_IMPORTERS, _certificate_list,
          lambda c: c.upload("/ecolabels/import", {}, "nhan.csv", c.target["data"]), redirects_to("/columns")),
    Write("match certificate list columns", "ecolabels.import.columns", COMMUNE_IMPORTERS, staged_certificate_list,
          lambda c: c.post(f"/ecolabels/import/{c.target['token']}/columns",
                           {"column_0": "number", "column_1": "product_name", "column_2": "holder_tax_code", "column_3": "issued_on"}),
          redirects_to("/preview")),
    Write("answer certificate list questions", "ecolabels.import.answers", COMMUNE_IMPORTERS, staged_certificate_list,
          lambda c: c.post(f"/ecolabels/import/{c.target['token']}/answers", {}), _answers_kept),
    Write("import certificate list", "ecolabels.import.commit", REVIEWERS, staged_certificate_list,
          lambda c: c.post(f"/ecolabels/import/{c.target['token']}/commit"), _certificate_numbered,
          refused={OTHER_OFFICER: 302}),  # back to the preview: the holder is not in their province
    Write("mark notice read", "notifications.mark_read", SIGNED_IN, _notice,
          lambda c: c.post("/notifications/read", {"id": str(c.target["notice"] or "")}),
          lambda c, _r: db.session.get(Notification, c.target["notice"]).read_at is not None),
    # The catalog.
    Write("resolve catalog mapping", "catalog.resolve", CATALOG_MANAGERS, _mapping,
          lambda c: c.post(f"/catalog/versions/{NEW_CATALOG}/mapping/{c.target['mapping']}", {f"m{c.target['mapping']}-successor": str(c.target["successor"])}),
          _mapping_resolved),
    # Accounts: one's own, and the administrator's pages.
    Write("change own password", "accounts.change_password", SIGNED_IN, the_user,
          lambda c: c.post("/account/password", {"current": PASSWORD, "password": PASSWORD, "confirm": PASSWORD}),
          lambda c, _r: user_of(c).password_hash != c.target["hash"], ends_session=True),
    Write("create API token", "accounts.create_token", SIGNED_IN, the_user,
          lambda c: c.post("/account/tokens", {"name": "đồng bộ dữ liệu"}),
          lambda c, _r: any(t.name == "đồng bộ dữ liệu" for t in user_of(c).tokens)),
    Write("revoke own token", "accounts.revoke_token", SIGNED_IN, own_token,
          lambda c: c.post(f"/account/tokens/{c.target['id']}/revoke"),
          lambda c, _r: db.session.get(ApiToken, c.target["id"]).revoked_at is not None),
    Write("revoke another's token", "accounts.revoke_token", frozenset(), bystanders_token,
          lambda c: c.post(f"/account/tokens/{c.target['id']}/revoke"), lambda c, _r: False,
          refused={key: HIDDEN for key in SIGNED_IN}),
    Write("sign out everywhere", "accounts.sign_out_everywhere", SIGNED_IN, the_user,
          lambda c: c.post("/account/sign-out-everywhere"), lambda c, _r: user_of(c).session_version > c.target["session"],
          ends_session=True),
    Write("open account", "accounts.signup.register", frozenset({ANONYMOUS.key}), lambda c: {"email": f"khach.{next(_serial)}@example.vn"},
          lambda c: c.post("/register", {"email": c.target["email"], "full_name": "Đỗ Minh Khoa", "password": PASSWORD, "confirm": PASSWORD}),
          lambda c, _r: accounts.find_user(c.target["email"]) is not None,
          refused={key: 302 for key in SIGNED_IN}),  # to their own account page: one is signed in already
    Write("ask for a password reset", "accounts.signup.forgot_password", EVERYONE, nothing,
          lambda c: c.post("/account/reset", {"email": BYSTANDER}), lambda _c, response: response.status_code == 200),
    Write("reset password by link", "accounts.signup.reset_password", EVERYONE, _reset_link,  # whoever holds the mailed link
          lambda c: c.post(f"/account/reset/{c.target['token']}", {"password": "mật khẩu mới 2026", "confirm": "mật khẩu mới 2026"}),
          lambda c, _r: accounts.find_user(c.target["email"]).password_hash != c.target["hash"]),
    Write("send confirmation link again", "accounts.signup.resend_confirmation", SIGNED_IN, nothing,
          lambda c: c.post("/account/confirm"), lambda _c, response: response.status_code == 302),
    Write("add organization", "accounts.create_organization", frozenset({ADMIN}), lambda c: {"name": f"Ban Quản lý KCN Số {next(_serial)}"},
          lambda c: c.post("/admin/organizations", {"org-name": c.target["name"], "org-kind": "zone_board", "org-province": "51"}),
          lambda c, _r: accounts.find_organization(c.target["name"]) is not None),
    Write("add user", "accounts.create_user", frozenset({ADMIN}),
          lambda c: {"email": f"can.bo.{next(_serial)}@example.vn", "department": org("department").id},
          lambda c: c.post("/admin/users", {"user-email": c.target["email"], "user-full_name": "Lê Văn Cường", "user-password": PASSWORD,
                                            "user-organization": str(c.target["department"]), "user-role": "province_officer"}),
          lambda c, _r: accounts.find_user(c.target["email"]) is not None),
    # Proposals: anyone may send one and, holding its private link, express interest; the zone's board follows the lead up.
    Write("answer a proposal step", "proposals.step", EVERYONE, nothing,
          lambda c: c.post("/proposals/new/name", {"name": "Nhà máy tái chế Phổ Phong"}), redirects_to("/proposals/new/")),
    Write("send proposal", "proposals.submit", EVERYONE, lambda c: {"name": f"Nhà máy tái chế Số {next(_serial)}"}, _send_proposal_form,
          _proposal_sent),
    Write("express interest", "proposals.interest", EVERYONE, _matched_proposal,
          lambda c: c.post(f"/proposals/{c.target['token']}/interest/{c.target['zone']}", {"message": "Xin liên hệ"}), _has_lead),
    Write("follow up lead", "proposals.lead", frozenset({ADMIN, EDITOR}), _lead,
          lambda c: c.post(f"/proposals/leads/{c.target['lead']}", {"status": "contacted", "note": "Đã gọi điện", "was": "new"}),
          _lead_moved),
    Write("POST proposal", "api.create_proposal", EVERYONE, lambda c: {"name": f"Nhà máy tái chế Số {next(_serial)}"},
          lambda c: c.api("POST", "/api/v1/proposals", _proposal_answers(name=c.target["name"])), _proposal_sent),
    # The API, with bearer tokens.
    Write("POST enterprise", "api.create_enterprise", REVIEWERS, _new_enterprise,
          lambda c: c.api("POST", "/api/v1/enterprises", {"tax_code": c.target["tax_code"], "name_vi": c.target["name"], "province_code": "51"}),
          _exists_with_tax_code),
    Write("PATCH enterprise", "api.update_enterprise", REVIEWERS | {REPRESENTATIVE}, enterprise_target(),
          lambda c: c.api("PATCH", f"/api/v1/enterprises/{c.target['id']}", {"staff": 77}), staff_changed_or_queued),
    Write("PATCH pending enterprise", "api.update_enterprise", REVIEWERS | {REPRESENTATIVE}, enterprise_target(Status.PENDING),
          lambda c: c.api("PATCH", f"/api/v1/enterprises/{c.target['id']}", {"staff": 77}), staff_changed_or_queued,
          refused={key: HIDDEN for key in SIGNED_IN}),  # as GET answers: a record one may not see is not there
    Write("PATCH enterprise into another province", "api.update_enterprise", frozenset({ADMIN}), enterprise_target(),
          lambda c: c.api("PATCH", f"/api/v1/enterprises/{c.target['id']}", {"province_code": "52"}),
          lambda c, _r: enterprise_of(c).province_code == "52"),  # only an officer of the new province may move it there
    Write("PATCH zone", "api.update_zone", ZONE_EDITORS, _zone_target,
          lambda c: c.api("PATCH", f"/api/v1/zones/{c.target['zone']}", {"leased_ha": 77}), _zone_leased),
    Write("POST policy", "api.create_policy", POLICY_KEEPERS, _new_policy,
          lambda c: c.api("POST", "/api/v1/policies", {"title_vi": c.target["title"], "instrument": "cit", "province_code": "51",
                                                       "legal_basis": "Nghị quyết 15/2026/NQ-HĐND"}), _policy_named),
    Write("PATCH policy", "api.update_policy", POLICY_KEEPERS, _policy(),
          lambda c: c.api("PATCH", f"/api/v1/policies/{c.target['policy']}", {"level": 7}), lambda c, _r: _policy_of(c).level == 7),
    Write("PUT policy", "api.update_policy", POLICY_KEEPERS, _policy(),
          lambda c: c.api("PUT", f"/api/v1/policies/{c.target['policy']}", {**c.target["values"], "level": 7}),
          lambda c, _r: _policy_of(c).level == 7),
    Write("PATCH national policy", "api.update_policy", frozenset({ADMIN}), _policy(national=True),
          lambda c: c.api("PATCH", f"/api/v1/policies/{c.target['policy']}", {"level": 7}), lambda c, _r: _policy_of(c).level == 7),
    Write("POST certificate", "api.create_ecolabel", REVIEWERS, _certificate,
          lambda c: c.api("POST", "/api/v1/ecolabels", {"scheme": "vn_ecolabel", "number": c.target["number"], "product_name": "Túi B",
                                                         "holder_tax_code": c.target["tax_code"], "issued_on": "2025-04-01"}),
          _certificate_numbered),
    Write("POST certificate decision", "api.decide_ecolabel", REVIEWERS, _certificate,
          lambda c: c.api("POST", f"/api/v1/ecolabels/{c.target['certificate']}/suspend", {"reason": "Giám sát không đạt"}), _suspended),
    Write("POST incubator", "api.create_incubator", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.api("POST", "/api/v1/incubators", _incubator_form(c, host_zone_id=c.target["zone"])), _incubator_named),
    Write("PATCH incubator", "api.update_incubator", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.api("PATCH", f"/api/v1/incubators/{c.target['incubator']}", {"name_vi": c.target["name"]}), _incubator_named),
    Write("POST cohort", "api.create_cohort", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.api("POST", f"/api/v1/incubators/{c.target['incubator']}/cohorts", {"name": "Khóa 2025", "starts_on": "2025-01-15"}),
          lambda c, _r: _cohorts(c) == 2),
    Write("POST incubatee", "api.create_incubatee", INCUBATOR_KEEPERS, _incubator,
          lambda c: c.api("POST", f"/api/v1/incubators/{c.target['incubator']}/incubatees",
                          {"cohort_id": c.target["cohort"], "tax_code": c.target["tax_code"]}), _placed),
    Write("POST catalog mapping", "api.resolve_catalog_mapping", CATALOG_MANAGERS, _mapping,
          lambda c: c.api("POST", f"/api/v1/catalog/versions/{NEW_CATALOG}/mappings/{c.target['mapping']}", {"successor": "A.99"}),
          _mapping_resolved),
    # Events: organizers run them; participants act for themselves.
    Write("record event", "events.create", EVENT_ORGANIZERS, _event_target, lambda c: c.post("/events/new", _event_form(c)), _event_named),
    Write("edit event", "events.edit", EVENT_ORGANIZERS, _event_target, lambda c: c.post(_events_path(c, "/edit"), _event_form(c)),
          _event_named),
    Write("register for event as investor", "events.register", SIGNED_IN - {UNCONFIRMED}, _event_target,
          lambda c: c.post(_events_path(c, "/register"), {"role": "investor", "name": c.target["name"]}), _investor_registered),
    Write("register own enterprise for event", "events.register", PARTICIPANT_AGENTS,
          lambda c: {**_event_target(c), "tax": make_enterprise().tax_code},
          lambda c: c.post(_events_path(c, "/register"), {"role": "exhibitor", "tax_code": c.target["tax"]}), lambda c, _r: _registered(c)),
    Write("approve registration for event", "events.approve", EVENT_ORGANIZERS, _registration_target(),
          lambda c: c.post(_participant_path(c, "/approve")), _participant_is("approved")),
    Write("decline registration for event", "events.decline", EVENT_ORGANIZERS, _registration_target(),
          lambda c: c.post(_participant_path(c, "/decline")), _participant_is("declined")),
    Write("give booth", "events.booth", EVENT_ORGANIZERS, _registration_target(approved=True),
          lambda c: c.post(_participant_path(c, "/booth"), {"booth": "C-07"}), lambda c, _r: _participant_of(c).booth == "C-07"),
    Write("withdraw from event", "events.withdraw", PARTICIPANT_AGENTS, _registration_target(approved=True),
          lambda c: c.post(_participant_path(c, "/withdraw")), _participant_is("withdrawn")),
    Write("list offer", "events.add_interest", PARTICIPANT_AGENTS, _registration_target(approved=True),
          lambda c: c.post(_participant_path(c, "/interests"), {"direction": "need", "node": "A.01"}), lambda c, _r: _interests(c) == 1),
    Write("remove offer", "events.remove_interest", PARTICIPANT_AGENTS, _interest_target,
          lambda c: c.post(_participant_path(c, f"/interests/{c.target['interest']}/remove")), lambda c, _r: _interests(c) == 0),
    Write("request meeting", "events.request_meeting", PARTICIPANT_AGENTS, _pair,
          lambda c: c.post(_participant_path(c, "/requests"), {"counterpart_id": str(c.target["other"]), "priority": "must"}),
          _request_sent),
    Write("answer meeting request", "events.answer", PARTICIPANT_AGENTS, _requested,
          lambda c: c.post(_events_path(c, f"/requests/{c.target['request']}/answer"), {"accept": "yes"}), _request_answered),
    Write("POST event", "api.create_event", EVENT_ORGANIZERS, _event_target,
          lambda c: c.api("POST", "/api/v1/events", {**_event_form(c), "organization_id": c.target["organization"]}), _event_named),
    Write("POST event participant", "api.register_participant", SIGNED_IN - {UNCONFIRMED}, _event_target,
          lambda c: c.api("POST", "/api/v1" + _events_path(c, "/participants"), {"role": "investor", "name": c.target["name"]}), _investor_registered),
    Write("POST meeting request", "api.request_meeting", PARTICIPANT_AGENTS, _pair,
          lambda c: c.api("POST", "/api/v1" + _participant_path(c, "/requests"), {"counterpart_id": c.target["other"]}), _request_sent),
    Write("POST meeting answer", "api.answer_request", PARTICIPANT_AGENTS, _requested,
          lambda c: c.api("POST", "/api/v1" + _events_path(c, f"/requests/{c.target['request']}/answer"), {"accept": True}), _request_answered),
    Write("add schedule session", "event_schedule.add_session", EVENT_ORGANIZERS, _schedule_ready,
          lambda c: c.post(_events_path(c, "/schedule/sessions"), SESSION_FORM), lambda c, _r: len(_sessions(c)) == 2),
    Write("edit schedule session", "event_schedule.edit_session", EVENT_ORGANIZERS, _schedule_ready,
          lambda c: c.post(_events_path(c, f"/schedule/sessions/{c.target['session']}"), SESSION_FORM),
          lambda c, _r: _sessions(c)[0].name_vi == "Phiên chiều"),
    Write("remove schedule session", "event_schedule.delete_session", EVENT_ORGANIZERS, _schedule_ready,
          lambda c: c.post(_events_path(c, f"/schedule/sessions/{c.target['session']}/delete")), lambda c, _r: not _sessions(c)),
    Write("set meetings limit", "event_schedule.schedule_limit", EVENT_ORGANIZERS, _schedule_ready,
          lambda c: c.post(_events_path(c, "/schedule/limit"), {"max_meetings": "3"}),
          lambda c, _r: _settings(c) is not None and _settings(c).max_meetings == 3),
    Write("set participant availability", "event_schedule.participant_schedule", EVENT_ORGANIZERS, _schedule_ready,
          lambda c: c.post(_events_path(c, f"/schedule/participants/{c.target['participant']}"),
                           {"max_meetings": "2", "availability": "2026-12-10 08:00-09:00"}),
          lambda c, _r: _own_schedule(c) is not None and _own_schedule(c).max_meetings == 2),
    Write("build schedule", "event_schedule.build_schedule", EVENT_ORGANIZERS, _schedule_ready,
          lambda c: c.post(_events_path(c, "/schedule/build")), lambda c, _r: _settings(c) is not None and _settings(c).last_status != ""),
    Write("pin meeting", "event_schedule.place_meeting", EVENT_ORGANIZERS, _scheduled,
          lambda c: c.post(_events_path(c, f"/schedule/meetings/{c.target['meeting']}/place"),
                           {"slot": "20261210T0840", "table": str(c.target["table"])}), lambda c, _r: _meeting(c).pinned),
    Write("unpin meeting", "event_schedule.unpin_meeting", EVENT_ORGANIZERS, _pinned,
          lambda c: c.post(_events_path(c, f"/schedule/meetings/{c.target['meeting']}/unpin")), lambda c, _r: not _meeting(c).pinned),
    Write("publish schedule", "event_schedule.publish_schedule", EVENT_ORGANIZERS, _scheduled,
          lambda c: c.post(_events_path(c, "/schedule/publish")), lambda c, _r: _meeting(c).published),
    Write("check participant in", "attendance.check_in", EVENT_ORGANIZERS, _badge,
          lambda c: c.post(_events_path(c, "/check-in"), {"code": c.target["code"], "day": "2026-12-10"}), _checked_in),
    Write("check in from the badge's page", "attendance.badge_check_in", EVENT_ORGANIZERS, _badge_today,
          lambda c: c.post(_events_path(c, f"/badge/{c.target['code']}")), _checked_in),
    Write("record meeting outcome", "attendance.record_outcome", MEETING_SIDES, _met,
          lambda c: c.post(_events_path(c, f"/requests/{c.target['request']}/outcome"), {"result": "follow_up"}), _outcome_recorded),
    Write("POST check-in", "api.check_in", EVENT_ORGANIZERS, _badge,
          lambda c: c.api("POST", "/api/v1" + _events_path(c, "/check-ins"), {"code": c.target["code"], "day": "2026-12-10"}), _checked_in),
    Write("POST meeting outcome", "api.record_outcome", MEETING_SIDES, _met,
          lambda c: c.api("POST", "/api/v1" + _events_path(c, f"/requests/{c.target['request']}/outcome"), {"result": "mou_signed"}),
          _outcome_recorded),
]


# --- the world: organizations and one account per actor, made once per module -------------------

@dataclass
class World:
    app: object
    sessions: dict = field(default_factory=dict)  # actor key -> (signed-in test client, its CSRF token)

    def cell(self, actor: Actor, write: Write) -> Cell:
        """Give the actor a signed-in client (with an API token for API rows) and make the write's records."""
        client, csrf = self._client(actor)
        cell = Cell(self.app, self, actor, client=client, csrf=csrf)
        with self.app.app_context():
            if actor.role and write.through_api:
                cell.token = accounts.issue_token(cell.user, "permission matrix")
            cell.target = write.prepare(cell)
            db.session.commit()
        return cell

    def _client(self, actor: Actor):
        """Sign in through the sign-in page once per actor; a visitor gets a fresh client each time."""
        if actor.key in self.sessions:
            client, csrf = self.sessions[actor.key]
            with client.session_transaction() as session:
                session.pop("_flashes", None)  # messages of earlier cells would pile up in the cookie
            return client, csrf
        client = self.app.test_client()
        if not actor.role:
            return client, csrf_token(client, "/sign-in")
        sign_in = client.post("/sign-in", data={"email": actor.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/sign-in")})
        assert sign_in.status_code == 302, f"{actor.email} could not sign in"
        self.sessions[actor.key] = client, csrf_token(client, "/account")
        return self.sessions[actor.key]

    def forget_session(self, actor: Actor) -> None:
        self.sessions.pop(actor.key, None)


@pytest.fixture(scope="module")
def world(base_app, tmp_path_factory):
    """Every actor's account, the organizations they act for and a second catalog version, on an otherwise empty database."""
    empty_database(base_app)
    cheap = functools.partial(generate_password_hash, method="pbkdf2:sha256:1")  # an account per actor without a second of scrypt each
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "generate_password_hash", cheap)
        with base_app.app_context():
            for key, (name, kind, province) in ORGANIZATIONS.items():
                accounts.create_organization(None, name, kind, province)
            for actor in ACTORS:
                if actor.role:
                    accounts.create_user(None, actor.email, PASSWORD, full_name="Nguyễn Văn An", role=actor.role,
                                         organization=org(actor.organization), confirmed=actor.confirmed)
            accounts.create_user(None, BYSTANDER, PASSWORD, full_name="Phạm Thị Dung", role="investor", organization=org("association"))
            db.session.commit()
        official = tmp_path_factory.mktemp("catalog") / "official.csv"
        official.write_text(OFFICIAL_CATALOG, encoding="utf-8")
        imported = base_app.test_cli_runner().invoke(args=["catalog", "import", str(official), "--version", NEW_CATALOG, "--legal-basis", "QĐ 980"])
        assert imported.exit_code == 0, imported.output
        yield World(base_app)
    empty_database(base_app)


def database_state(app) -> dict[str, list]:
    """Read every row of every table but the reference data, to compare before and after a refused write."""
    with app.app_context():
        state = {}
        for table in db.metadata.sorted_tables:
            if table.name in REFERENCE_TABLES or table.name in VOLATILE_TABLES:
                continue
            if table.name in APPEND_ONLY_TABLES:
                state[table.name] = db.session.execute(db.select(db.func.count(), db.func.max(table.c.id))).one()
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS.get(table.name, ())]
            state[table.name] = db.session.execute(db.select(*columns).order_by(*table.primary_key.columns)).all()
        db.session.remove()
        return state


def assert_refused(write: Write, actor: Actor, response, expected) -> None:
    said = f"{actor.key} on {write.name}: {response.status_code} {response.headers.get('Location', '')}"
    if expected == SIGN_IN and write.through_api:
        assert response.status_code == 401, said
    elif expected == SIGN_IN:
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], said
    else:
        assert response.status_code == expected, said


CELLS = [pytest.param(actor, write, id=f"{actor.key}-{write.name}") for write in WRITES for actor in ACTORS]


@pytest.mark.parametrize(("actor", "write"), CELLS)
def test_permission(world, actor, write):
    cell = world.cell(actor, write)
    before = database_state(world.app)
    response = write.send(cell)
    if write.ends_session:
        world.forget_session(actor)
    expected = write.expected(actor)
    if expected == ALLOWED:
        assert response.status_code < 400, f"{actor.key} may {write.name}, got {response.status_code}"
        with world.app.app_context():
            assert write.took_effect(cell, response), f"{actor.key} may {write.name}, but nothing changed"
    else:
        assert_refused(write, actor, response, expected)
        after = database_state(world.app)
        changed = [name for name in before if before[name] != after[name]]
        assert not changed, f"{actor.key} was refused {write.name}, yet {changed} changed"


def test_every_write_route_is_in_the_table(base_app):
    """A route that is not a GET either has a row in WRITES or is one of the few that only touch the caller's session."""
    writes = {rule.endpoint for rule in base_app.url_map.iter_rules() if rule.methods - {"GET", "HEAD", "OPTIONS"}}
    tabled = {write.endpoint for write in WRITES}
    assert writes - tabled - NOT_PERMISSION_CHECKED == set(), "add a row to WRITES for each of these write routes"
    assert tabled - writes == set(), "these rows name routes that no longer exist"
