"""Every word the site and its commands show goes through the catalogs.

The Vietnamese catalog is swapped for a pseudo-translation that wraps every message in ⟦…⟧.
Walking the pages in it, any visible text left outside the brackets that is not record data
(names, addresses, numbers, codes) is a string that escaped translation.
"""
from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import maps
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import Enum, String, Text

from registry.extensions import db
from registry.mapping import builder
from registry.zones.reference import load_reference_zones

from .conftest import PASSWORD, csrf_token

POT = Path(__file__).resolve().parent.parent / "registry" / "translations" / "messages.pot"
OPEN, CLOSE = "⟦", "⟧"

# Text that is the same in every language: the brand, units, the names of the two languages, the
# names of standards and formats, and CLDR's month abbreviation in Vietnamese dates ("1 thg 12").
ALLOWED = {
    "CNMT", "ha", "m³", "m³/ngày", "km", "MW", "kV", "HS", "VSIC", "GSO", "CSV", "XLSX", "JSON", "API", "EPSG", "UTF-8",
    "OpenStreetMap", "Leaflet", "English", "Tiếng Việt", "thg",
}
# Pieces of text a page joins record data with.
SEPARATORS = re.compile(r"[\n·—–|,;:()\[\]{}«»\"'“”‘’/•›‹<>+=*…?!↔→]|\s-\s|\.\s|\.$")
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|\b[\w.-]*\d[\w.-]*\b|%")
CODE = re.compile(r"[a-z_]+")
ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
INLINE = {"a", "abbr", "b", "bdi", "code", "em", "i", "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u"}
HIDDEN = {"script", "style", "template"}


def _pseudo(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


@pytest.fixture(scope="session")
def pseudo_translations(tmp_path_factory) -> Path:
    """Compile the pseudo-translation of every message in messages.pot into a folder of its own."""
    with open(POT, "rb") as pot_file:
        template = read_po(pot_file)
    catalog = Catalog(locale="vi")
    for message in template:
        if message.id:
            string = (_pseudo(message.id[1]),) if message.pluralizable else _pseudo(message.id)
            catalog.add(message.id, string, flags=message.flags)
    folder = tmp_path_factory.mktemp("pseudo")
    (folder / "vi" / "LC_MESSAGES").mkdir(parents=True)
    with open(folder / "vi" / "LC_MESSAGES" / "messages.mo", "wb") as mo_file:
        write_mo(mo_file, catalog)
    return folder


@pytest.fixture
def pseudo(app, pseudo_translations, monkeypatch):
    """Serve the Vietnamese pages, and run commands, in the pseudo-translation."""
    babel = app.extensions["babel"]
    monkeypatch.setattr(babel, "translation_directories", [str(pseudo_translations)])
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    _forget_translations(app)
    yield app
    monkeypatch.undo()
    _forget_translations(app)


def _forget_translations(app) -> None:
    """Flask-Babel keeps loaded catalogs per locale for the whole process, as the map does its words; pages are cached."""
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache.clear()
    app.extensions["page_cache"].clear()
    builder._page_words.cache_clear()


class _VisibleText(HTMLParser):
    """Collect the text a reader sees, and the attributes a screen reader or a tooltip reads out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self._hidden += 1
        if tag not in INLINE:
            self.text.append("\n")
        values = dict(attrs)
        self.attributes += [value for name, value in attrs if name in ATTRIBUTES and value]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.attributes.append(values["value"])
        if tag == "meta" and values.get("name") == "description" and values.get("content"):
            self.attributes.append(values["content"])

    def handle_endtag(self, tag):
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1
        if tag not in INLINE:
            self.text.append("\n")

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _map_words(html: str) -> list[str]:
    """The words a map's script shows (tooltips, legend, search results), which the page hands it."""
    words = []
    for start in re.finditer(r"var registryMapConfig_\w+ = ", html):
        settings, _end = json.JSONDecoder().raw_decode(html, start.end())
        words += list(settings["labels"].values()) + [entry["label"] for entry in settings["legend"]]
    return words


def _outside_brackets(text: str) -> str:
    """Keep what lies outside every ⟦…⟧, so record data put into a message leaves nothing behind."""
    depth, kept = 0, []
    for char in text:
        if char == OPEN:
            depth += 1
            kept.append("\n")
        elif char == CLOSE and depth:
            depth -= 1
            kept.append("\n")
        elif not depth:
            kept.append(char)
    return "".join(kept)


def _pieces(text: str) -> list[str]:
    return [piece.strip() for piece in SEPARATORS.split(text) if piece and piece.strip()]


def _record_text(app) -> set[str]:
    """Every piece of text stored in the database: names, addresses and sources are data, not words of the site."""
    known: set[str] = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            # Codes kept in text columns (a status, "registration") are words the page must translate, so not data.
            columns = [c for c in table.columns if isinstance(c.type, (String, Text)) and not isinstance(c.type, Enum)]
            json_columns = [c for c in table.columns if c.type.__class__.__name__ == "JSON"]
            if not columns and not json_columns:
                continue
            for row in db.session.execute(db.select(*columns, *json_columns)):
                for value in row:
                    for text in _strings_in(value):
                        if not CODE.fullmatch(text):
                            known.add(text.strip())
                        known.update(_pieces(text))
    return known


def _stored_names(app) -> set[str]:
    """The history page lists changes by the tables, fields and codes they are stored under: not translated yet."""
    from registry.audit.models import AuditEntry

    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry)).all()
        return ({e.entity_type for e in entries} | {key for e in entries for key in _keys_in([e.before, e.after])}
                | {text for e in entries for text in _strings_in([e.before, e.after]) if CODE.fullmatch(text)})


def _crs_names() -> set[str]:
    """The EPSG registry's names of coordinate systems ("VN-2000 / UTM zone 48N") are names, as in every GIS."""
    return {piece for choice in maps.crs_choices() for piece in _pieces(choice.name)}


def _keys_in(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _keys_in(item)


def _strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings_in(item)


def _untranslated(piece: str, known: set[str]) -> bool:
    """Whether a piece holds a word that is neither record data, nor a number or code, nor on the allowed list.

    A piece may join several values ("C Chất thải rắn": a code and a name), so it passes when its
    words split into runs that are each known.
    """
    words = piece.split()
    covered = [True] + [False] * len(words)
    for end in range(1, len(words) + 1):
        for start in range(end):
            run = " ".join(words[start:end])
            if covered[start] and (run in known or run in ALLOWED or not re.search(r"[^\W\d_]", NOT_WORDS.sub("", run))):
                covered[end] = True
                break
    return not covered[-1]


def leaks(app, pages: dict[str, str], data: str = "") -> list[tuple[str, str]]:
    """List (page, text) for every visible piece of text outside the pseudo-translation's brackets.

    `data` is text the pages may show as it is besides the database's: an uploaded file's cells.
    """
    known = _record_text(app) | set(_pieces(data)) | {line.strip() for line in data.splitlines()} | _crs_names()
    found = []
    stored_names = _stored_names(app)
    for name, html in pages.items():
        page_known = known | stored_names if name.startswith("/history/") else known
        parser = _VisibleText()
        parser.feed(html)
        texts = ["".join(parser.text), *parser.attributes, *_map_words(html)]
        for text in texts:
            for piece in _pieces(_outside_brackets(text)):
                if _untranslated(piece, page_known):
                    found.append((name, piece))
    return sorted(set(found))


def assert_translated(app, pages: dict[str, str], data: str = "") -> None:
    found = leaks(app, pages, data)
    assert not found, "text that escaped translation:\n" + "\n".join(f"{page}: {text}" for page, text in found)


def _get(client, path: str, status: int = 200) -> str:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def _register(client, tax_code: str, name: str, email: str) -> str:
    form = {
        "csrf_token": csrf_token(client, "/enterprises/register"),
        "account_email": email, "account_name": "Trần Thị Bình", "password": PASSWORD,
        "tax_code": tax_code, "name_vi": name, "province_code": "51", "item-C2.01": "manufactures",
    }
    return client.post("/enterprises/register", data=form, follow_redirects=True).get_data(as_text=True)


def _decide(client, enterprise_id: int, action: str, reason: str = "") -> str:
    form = {"csrf_token": csrf_token(client, "/enterprises/review/"), "reason": reason}
    return client.post(f"/enterprises/review/{enterprise_id}/{action}", data=form, follow_redirects=True).get_data(as_text=True)


def _enterprise_ids(app) -> list[int]:
    from registry.enterprises.models import Enterprise

    with app.app_context():
        return list(db.session.scalars(db.select(Enterprise.id).order_by(Enterprise.id)))


def test_every_public_page_shows_only_translated_words(pseudo, client, accounts):
    accounts.user("officer@example.vn")
    with pseudo.app_context():
        load_reference_zones()
        db.session.commit()
    visitor = pseudo.test_client()
    _register(visitor, "0100233488", "Công ty TNHH Môi trường Xanh Dung Quất", "rep@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    _decide(client, _enterprise_ids(pseudo)[0], "approve")
    from registry.zones.models import Zone

    with pseudo.app_context():
        zone_id = db.session.scalars(db.select(Zone.id).order_by(Zone.id)).first()
    enterprise_id = _enterprise_ids(pseudo)[0]
    anonymous = pseudo.test_client()
    pages = {path: _get(anonymous, path) for path in (
        "/", "/enterprises/", f"/enterprises/{enterprise_id}", "/enterprises/?q=xanh", "/enterprises/register",
        "/zones/", f"/zones/{zone_id}", "/map", "/catalog/", "/catalog/items/A", "/catalog/versions",
        "/provinces/", "/provinces/51", "/search/?q=dung+quat", "/sign-in", "/history/",
    )}
    pages["404"] = _get(anonymous, "/no/such/page", 404)
    wrong = {"csrf_token": csrf_token(anonymous), "email": "nobody@example.vn", "password": "wrong password"}
    pages["sign-in refused"] = anonymous.post("/sign-in", data=wrong).get_data(as_text=True)
    pages["registration refused"] = anonymous.post("/enterprises/register", data={
        "csrf_token": csrf_token(anonymous, "/enterprises/register"), "tax_code": "12"}).get_data(as_text=True)
    assert_translated(pseudo, pages)


def test_every_officer_page_and_decision_shows_only_translated_words(pseudo, client, accounts):
    accounts.user("officer@example.vn")
    accounts.user("admin@example.vn", role="admin")
    with pseudo.app_context():
        load_reference_zones()
        db.session.commit()
    visitor = pseudo.test_client()
    for number, tax_code in enumerate(("0100233488", "0300588569", "0100109106")):
        _register(visitor, tax_code, f"Công ty TNHH Quan trắc Sông Trà {number}", f"rep{number}@example.vn")
    first, second, third = _enterprise_ids(pseudo)
    accounts.sign_in(client, "officer@example.vn")
    from registry.zones.models import Zone

    with pseudo.app_context():
        zone_id = db.session.scalars(db.select(Zone.id).order_by(Zone.id)).first()
    pages = {path: _get(client, path) for path in (
        "/enterprises/review/", "/account", "/enterprises/import", "/zones/import", "/zones/new", "/history/", "/enterprises/mine",
        f"/enterprises/{first}/edit",
    )}
    pages["403"] = _get(client, "/admin/accounts", 403)
    pages["400"] = client.post("/enterprises/new", data={}).get_data(as_text=True)
    pages["/enterprises/new"] = _get(client, "/enterprises/new")
    from registry.enterprises.models import DuplicateFlag

    with pseudo.app_context():
        flag_id = db.session.scalars(db.select(DuplicateFlag.id)).first()
    pages["duplicates"] = _get(client, f"/enterprises/review/duplicates/{flag_id}")
    accounts.sign_in(visitor, "rep1@example.vn")
    pages["representative's dashboard"] = _get(visitor, "/enterprises/mine")
    pages["representative's edit"] = _get(visitor, f"/enterprises/{second}/edit")
    pages["claim"] = _get(visitor, "/enterprises/claim")
    pages["reject without a reason"] = _decide(client, first, "reject")
    pages["approved"] = _decide(client, first, "approve")
    pages["suspended"] = _decide(client, first, "suspend")
    pages["sent back"] = _decide(client, second, "request_changes", "Thiếu giấy phép môi trường.")
    pages["rejected"] = _decide(client, third, "reject", "Không phải doanh nghiệp môi trường.")
    admin = pseudo.test_client()
    accounts.sign_in(admin, "admin@example.vn")
    pages["/admin/accounts"] = _get(admin, "/admin/accounts")
    pages[f"/zones/{zone_id}/edit"] = _get(admin, f"/zones/{zone_id}/edit")
    pages[f"/zones/{zone_id}/boundary"] = _get(admin, f"/zones/{zone_id}/boundary")
    assert_translated(pseudo, pages)


ENTERPRISES_CSV = (
    "Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố,Địa chỉ,Danh mục 980,Ghi chú\n"
    "0100109106,Công ty TNHH Xử lý Nước Dung Quất,Quảng Ngãi,Số 5 Lê Lợi,A.01,\n"
    "12,Công ty Cổ phần Quan trắc Sông Trà,51,Số 7 Trần Phú,B.01,\n"
)
ZONES_CSV = (
    "Tên khu,Loại,Tỉnh,Tổng diện tích (ha)\n"
    "Cụm công nghiệp Bình Nguyên,CCN,51,45\n"
    "Cụm công nghiệp Tịnh Phong,CCN,51,mười\n"
)


def _walk_import(client, base: str, data: str, filename: str) -> dict[str, str]:
    """Upload a file with one bad row, keep the suggested columns, and read every step of the wizard."""
    upload = client.post(base, data={"csrf_token": csrf_token(client, base), "file": (io.BytesIO(data.encode()), filename)},
                         content_type="multipart/form-data")
    pages = {f"{base} upload": _get(client, base)}
    columns_path = upload.headers["Location"]
    columns = _get(client, columns_path)
    pages[f"{base} columns"] = columns
    form = {"csrf_token": csrf_token(client, columns_path)}
    for select in re.finditer(r'<select[^>]*name="(column_\d+)"[^>]*>(.*?)</select>', columns, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select.group(2))
        form[select.group(1)] = next((v for v in chosen.groups() if v is not None), "") if chosen else ""
    for field in re.finditer(r'<select[^>]*name="(?!column_)([a-z_]+)"[^>]*>.*?<option[^>]*value="([^"]+)"', columns, re.S):
        form.setdefault(field.group(1), field.group(2))
    preview = client.post(columns_path, data=form, follow_redirects=True)
    pages[f"{base} preview"] = preview.get_data(as_text=True)
    pages[f"{base} upload refused"] = client.post(base, data={"csrf_token": csrf_token(client, base)},
                                                  content_type="multipart/form-data").get_data(as_text=True)
    return pages


def test_the_import_wizards_show_only_translated_words(pseudo, client, accounts):
    accounts.user("admin@example.vn", role="admin")
    accounts.sign_in(client, "admin@example.vn")
    pages = _walk_import(client, "/enterprises/import", ENTERPRISES_CSV, "danh-sach.csv")
    pages.update(_walk_import(client, "/zones/import", ZONES_CSV, "cum-cong-nghiep.csv"))
    assert_translated(pseudo, pages, data=ENTERPRISES_CSV + ZONES_CSV)


# Click frames errors in its own English words ("Usage:", "Error: Invalid value for …"): not ours to translate here.
CLICK_FRAMING = re.compile(r"^Usage: .*$|^Try '.*' for help\.$|^Error: (Invalid value for [^:]+: )?", re.M)


def _command_leaks(app, output: str, names: tuple[str, ...]) -> list[str]:
    from registry.enterprises.importing import FIELDS as ENTERPRISE_FIELDS
    from registry.zones.importing import FIELDS as ZONE_FIELDS

    # The mapping lists fields by the names --map takes.
    known = _record_text(app) | set(ENTERPRISE_FIELDS) | set(ZONE_FIELDS) | set(_pieces(ENTERPRISES_CSV + ZONES_CSV)) | set(names)
    output = CLICK_FRAMING.sub("", output)
    return [piece for piece in _pieces(_outside_brackets(output)) if _untranslated(piece, known)]


def test_command_output_follows_the_language_and_is_translated(pseudo, tmp_path):
    runner = pseudo.test_cli_runner()
    outputs = [
        runner.invoke(args=["users", "create", "officer@example.vn", "--role", "province_officer", "--org", "Sở Công Thương Quảng Ngãi",
                            "--org-kind", "department", "--province", "51", "--password", PASSWORD]).output,
        runner.invoke(args=["users", "create", "other@example.vn", "--role", "province_officer", "--org", "Không có",
                            "--password", PASSWORD]).output,
        runner.invoke(args=["users", "set-password", "officer@example.vn", "--password", "another good passphrase"]).output,
        runner.invoke(args=["users", "set-password", "nobody@example.vn", "--password", "another good passphrase"]).output,
        runner.invoke(args=["users", "token", "nobody@example.vn"]).output,
        runner.invoke(args=["catalog", "versions"]).output,
    ]
    enterprises = tmp_path / "danh-sach.csv"
    enterprises.write_text(ENTERPRISES_CSV, encoding="utf-8")
    outputs.append(runner.invoke(args=["import", "enterprises", str(enterprises), "--dry-run"]).output)
    outputs.append(runner.invoke(args=["import", "enterprises", str(enterprises), "--map", "nonsense"]).output)
    zones = tmp_path / "cum-cong-nghiep.csv"
    zones.write_text(ZONES_CSV, encoding="utf-8")
    outputs.append(runner.invoke(args=["import", "zones", str(zones), "--province", "51", "--dry-run"]).output)
    assert all(OPEN in output for output in outputs), outputs
    assert _command_leaks(pseudo, "\n".join(outputs), (enterprises.name, zones.name)) == [], "\n".join(outputs)


DUNG_QUAT_BOARD = "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi"


def test_figure_sources_are_worded_in_the_readers_language(app, client, accounts, tmp_path):
    from registry.accounts import service as accounts_service
    from registry.zones.models import Zone

    with app.app_context():
        load_reference_zones()
        db.session.commit()
        dung_quat = db.session.scalars(db.select(Zone).where(Zone.code == "51-kkt-dung-quat")).one()
        zone_id, version = dung_quat.id, dung_quat.version
    accounts.user("board@example.vn", role="zone_editor", name=DUNG_QUAT_BOARD, kind="zone_board", province="51")
    with app.app_context():
        token = accounts_service.issue_token(accounts_service.find_user("board@example.vn"), "tests")
        db.session.commit()
    sent = client.patch(f"/api/v1/zones/{zone_id}", json={"leased_ha": 9000, "version": version}, headers={"Authorization": f"Bearer {token}"})
    assert sent.status_code == 200, sent.get_json()
    listing = tmp_path / "cum-cong-nghiep.csv"
    listing.write_text(ZONES_CSV.splitlines()[0] + "\n" + ZONES_CSV.splitlines()[1] + "\n", encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["import", "zones", str(listing), "--province", "51"]).exit_code == 0
    with app.app_context():
        imported = db.session.scalars(db.select(Zone.id).where(Zone.name_vi == "Cụm công nghiệp Bình Nguyên")).one()

    vietnamese = client.get(f"/zones/{zone_id}").get_data(as_text=True)
    assert "vị trí gần đúng của nhà máy lọc dầu, chưa được kiểm chứng" in vietnamese and "unverified" not in vietnamese
    assert "do board@example.vn gửi qua API" in vietnamese and "API, " not in vietnamese
    assert "nhập từ tệp cum-cong-nghiep.csv" in client.get(f"/zones/{imported}").get_data(as_text=True)
    client.get("/language/en")
    english = client.get(f"/zones/{zone_id}").get_data(as_text=True)
    assert "approximate position of the refinery, unverified" in english and "sent through the API by board@example.vn" in english
    assert "imported from the file cum-cong-nghiep.csv" in client.get(f"/zones/{imported}").get_data(as_text=True)


def test_api_messages_follow_the_callers_language_and_are_translated(pseudo, client):
    vietnamese = {"Accept-Language": "vi"}
    answers = [
        client.get("/api/v1/enterprises/999999", headers=vietnamese),
        client.get("/api/v1/zones/999999", headers=vietnamese),
        client.get("/api/v1/no-such-thing", headers=vietnamese),
        client.get("/api/v1/zones?kind=volcano", headers=vietnamese),
        client.get("/api/v1/zones.geojson?bbox=north", headers=vietnamese),
        client.patch("/api/v1/zones/1", json={"leased_ha": 1}, headers=vietnamese),
        client.post("/api/v1/enterprises", data="{", content_type="application/json", headers=vietnamese),
    ]
    messages = []
    for answer in answers:
        assert answer.status_code >= 400 and answer.is_json, answer.request.path
        body = answer.get_json()
        messages += [body["message"], *(m for field in body["errors"].values() for m in field)]
    known = _record_text(pseudo)
    assert [m for m in messages if any(_untranslated(p, known) for p in _pieces(_outside_brackets(m)))] == []
