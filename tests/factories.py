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
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.zones import service as zones_service
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
              figures: dict = SA_DEC_FIGURES, **values) -> Zone:
    """Record an industrial park managed by `board` (registered when missing; None for no board).

    Its area figures are `figures` (give `{}` for none); `values` add or replace any field.
    """
    organization = None
    if board is not None:
        organization = accounts_service.find_organization(board) or accounts_service.create_organization(None, board, "zone_board", province)
    zone = zones_service.create_zone(None, {"name_vi": name, "kind": "industrial_park", "province_code": province, **figures, **values},
                                     organization=organization)
    db.session.commit()
    return zone


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
