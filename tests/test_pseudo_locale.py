"""Every word the site, its API and its commands show goes through the catalogs (see tests/pseudo_locale.py)."""
from __future__ import annotations

import io
import re

from registry.extensions import db
from registry.zones.reference import load_reference_figures, load_reference_zones

from .conftest import PASSWORD, csrf_token
from .factories import post_and_confirm
from .pseudo_locale import OPEN, assert_translated, leaked_words, pseudo, pseudo_translations  # noqa: F401 (fixtures)


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
    answer = post_and_confirm(client, "/enterprises/register", form)  # confirmed, so the profile reaches the review queue
    return client.get(answer.headers["Location"], follow_redirects=True).get_data(as_text=True) if answer.status_code == 302 else answer.get_data(as_text=True)


def _decide(client, enterprise_id: int, action: str, reason: str = "") -> str:
    form = {"csrf_token": csrf_token(client, "/enterprises/review/"), "reason": reason}
    return client.post(f"/enterprises/review/{enterprise_id}/{action}", data=form, follow_redirects=True).get_data(as_text=True)


def _enterprise_ids(app) -> list[int]:
    from registry.enterprises.models import Enterprise

    with app.app_context():
        return list(db.session.scalars(db.select(Enterprise.id).order_by(Enterprise.id)))


def test_every_public_page_shows_only_translated_words(pseudo, client, accounts):
    accounts.user("officer@example.vn")
    from registry.zones.models import Zone

    with pseudo.app_context():
        load_reference_zones()
        load_reference_figures()
        db.session.commit()
        with_figures = db.session.scalar(db.select(Zone.id).where(Zone.code == "52-becamex-binh-dinh"))
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
        "/zones/", f"/zones/{zone_id}", "/map", "/map/unplaced?kind=industrial_park", "/catalog/", "/catalog/items/A", "/catalog/versions",
        "/provinces/", "/provinces/51", "/search/?q=dung+quat", "/sign-in", "/history/",
        f"/zones/{with_figures}", "/zones/?province=52&min_available_ha=1",
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


SUCCESSORS_CSV = (
    "ward_code,ward_full_name,province_code,pre_merger_units\n"
    '21181,Xã Thọ Phong,51,"Xã Tịnh Phong, Xã Tịnh Thọ"\n'
    '21040,Xã Bình Sơn,51,"Xã Bình Thạnh (phần còn lại sau khi sáp nhập vào xã Đông Sơn)"\n'
    '21109,Xã Đông Sơn,51,"Xã Bình Thạnh"\n'
)
OLD_COMMUNES_CSV = "Mã số thuế,Tên doanh nghiệp,Tỉnh,Xã\n0100109106,Công ty TNHH Nước Tịnh Phong,51,Xã Tịnh Phong\n0300588569,Công ty Bình Thạnh,51,Bình Thạnh\n"


def test_the_questions_about_2025_communes_show_only_translated_words(pseudo, client, accounts, tmp_path):
    successors = tmp_path / "successors.csv"
    successors.write_text(SUCCESSORS_CSV, encoding="utf-8")
    loaded = pseudo.test_cli_runner().invoke(args=["places", "import-successors", str(successors)])
    assert loaded.exit_code == 0, loaded.output
    accounts.user("officer@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    pages = _walk_import(client, "/enterprises/import", OLD_COMMUNES_CSV, "xa-cu.csv")
    assert 'name="answer-51:tinh phong"' in pages["/enterprises/import preview"]
    form = {"csrf_token": csrf_token(client, "/enterprises/new"), "tax_code": "0100233488", "name_vi": "Công ty Môi trường Thọ Phong",
            "province_code": "51", "commune": "Bình Thạnh"}
    pages["form with an old commune"] = client.post("/enterprises/new", data=form).get_data(as_text=True)
    assert 'name="commune_successor"' in pages["form with an old commune"]
    assert_translated(pseudo, pages, data=OLD_COMMUNES_CSV + SUCCESSORS_CSV)


# Click frames errors in its own English words ("Usage:", "Error: Invalid value for …"): not ours to translate here.
CLICK_FRAMING = re.compile(r"^Usage: .*$|^Try '.*' for help\.$|^Error: (Invalid value for [^:]+: )?", re.M)


def _command_leaks(app, output: str, names: tuple[str, ...]) -> list[str]:
    from registry.enterprises.importing import FIELDS as ENTERPRISE_FIELDS
    from registry.zones.importing import FIELDS as ZONE_FIELDS

    # The mapping lists fields by the names --map takes, beside the file's own headers.
    known = {*ENTERPRISE_FIELDS, *ZONE_FIELDS, *ENTERPRISES_CSV.splitlines(), *ZONES_CSV.splitlines(), *OLD_COMMUNES_CSV.splitlines(),
             *SUCCESSORS_CSV.splitlines(), *names}
    return leaked_words(app, CLICK_FRAMING.sub("", output), known)


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
    successors = tmp_path / "successors.csv"
    successors.write_text(SUCCESSORS_CSV + "99999,Xã Không Có,51,Xã A\n", encoding="utf-8")
    outputs.append(runner.invoke(args=["places", "import-successors", str(successors)]).output)
    successors.write_text(SUCCESSORS_CSV, encoding="utf-8")
    outputs.append(runner.invoke(args=["places", "import-successors", str(successors)]).output)
    old_communes = tmp_path / "xa-cu.csv"
    old_communes.write_text(OLD_COMMUNES_CSV, encoding="utf-8")
    outputs.append(runner.invoke(args=["import", "enterprises", str(old_communes), "--dry-run"]).output)
    assert all(OPEN in output for output in outputs), outputs
    assert _command_leaks(pseudo, "\n".join(outputs), (enterprises.name, zones.name, successors.name, old_communes.name)) == [], "\n".join(outputs)


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
    assert [m for m in messages if leaked_words(pseudo, m)] == []


def test_province_boundaries_their_checks_and_the_province_page_show_only_translated_words(pseudo, accounts, tmp_path):
    from shapely.geometry import box

    from registry.zones.boundaries import set_geometry

    from .factories import load_province_boundaries, make_enterprise, make_zone, province_boundaries

    runner = pseudo.test_cli_runner()
    outputs = [load_province_boundaries(tmp_path, runner, province_boundaries(drop=("51",), twice=("48",), extra=("99",)), "bad.geojson").output,
               load_province_boundaries(tmp_path, runner, b"{}", "bad.csv").output,
               load_province_boundaries(tmp_path, runner).output, load_province_boundaries(tmp_path, runner).output]
    assert all(OPEN in output for output in outputs), outputs
    assert _command_leaks(pseudo, "\n".join(outputs), ("bad.geojson", "bad.csv", "provinces.geojson")) == [], "\n".join(outputs)
    with pseudo.app_context():
        zone = make_zone(province="51", board=None)
        set_geometry(zone, box(108.7, 15.0, 108.8, 15.1), approximate=False)
        db.session.commit()
        astray = make_enterprise(latitude=15.98, longitude=108.15).id
    visitor = pseudo.test_client()
    pages = {path: _get(visitor, path) for path in ("/provinces/51", "/map")}
    accounts.user("officer@example.vn")
    accounts.sign_in(visitor, "officer@example.vn")
    pages["enterprise outside its province"] = _get(visitor, f"/enterprises/{astray}")
    assert_translated(pseudo, pages)


def test_history_and_boundary_publishing_show_only_translated_words(pseudo, client, accounts):
    from .factories import BOARD_A, make_zone, zone_edit_form

    accounts.user("admin@example.vn", role="admin", name="Bộ Công Thương", kind="ministry", province=None)
    accounts.user("editor.a@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82")
    with pseudo.app_context():
        zone_id = make_zone(latitude=10.31, longitude=105.8851).id
    visitor = pseudo.test_client()
    _register(visitor, "0100233488", "Công ty TNHH Môi trường Xanh Dung Quất", "rep@example.vn")
    enterprise_id = _enterprise_ids(pseudo)[0]
    accounts.sign_in(client, "editor.a@example.vn")
    client.post(f"/zones/{zone_id}/edit", data=zone_edit_form(client, zone_id, total_ha="140,5", status="planned", tenants="12"))
    square = b'{"type": "Polygon", "coordinates": [[[105.75, 10.30], [105.77, 10.30], [105.77, 10.32], [105.75, 10.32], [105.75, 10.30]]]}'
    upload = client.post(f"/zones/{zone_id}/boundary", data={"csrf_token": csrf_token(client, f"/zones/{zone_id}/boundary"), "crs": "",
                                                             "token": "", "file": (io.BytesIO(square), "ranh-gioi.geojson")},
                         content_type="multipart/form-data")
    preview_path = upload.headers["Location"]
    pages = {"boundary preview": _get(client, preview_path)}
    preview = pages["boundary preview"]
    action = re.search(r'<form method="post" action="([^"]+/publish)"', preview).group(1)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', preview).group(1)
    pages["published"] = client.post(action, data={"csrf_token": csrf_token(client, preview_path), "version": version, "crs": ""},
                                     follow_redirects=True).get_data(as_text=True)
    pages.update({path: _get(client, path) for path in (
        "/history/", f"/history/zone/{zone_id}", "/history/?kind=zone&record=sa+dec", "/history/?since=soon&record=x",
    )})
    admin = pseudo.test_client()
    accounts.sign_in(admin, "admin@example.vn")
    admin.post("/admin/organizations", data={"org-name": "Hiệp hội Môi trường", "org-kind": "association", "org-province": "",
                                             "csrf_token": csrf_token(admin, "/admin/accounts")})
    pages["admin's /history/"] = _get(admin, "/history/?per_page=100")
    pages[f"/history/enterprise/{enterprise_id}"] = _get(admin, f"/history/enterprise/{enterprise_id}")
    assert "⟦" in pages[f"/history/zone/{zone_id}"]
    assert_translated(pseudo, pages)


def test_every_account_page_and_e_mail_of_a_newcomer_shows_only_translated_words(pseudo, accounts):
    from registry.extensions import mail

    accounts.user("officer@example.vn")
    newcomer = pseudo.test_client()
    pages = {path: _get(newcomer, path) for path in ("/register", "/account/reset")}
    pages["/account/reset/not-a-link"] = _get(newcomer, "/account/reset/not-a-link", 400)
    pages["/account/confirm/not-a-link"] = _get(newcomer, "/account/confirm/not-a-link", 400)
    with mail.record_messages() as sent:
        pages["register refused"] = newcomer.post("/register", data={"csrf_token": csrf_token(newcomer, "/register"), "email": "x",
                                                                   "password": "short", "confirm": "other"}).get_data(as_text=True)
        pages["registered"] = newcomer.post("/register", data={"csrf_token": csrf_token(newcomer, "/register"), "email": "moi@example.vn",
                                                             "password": PASSWORD, "confirm": PASSWORD}).get_data(as_text=True)
        pages["taken"] = newcomer.post("/register", data={"csrf_token": csrf_token(newcomer, "/register"), "email": "officer@example.vn",
                                                        "password": PASSWORD, "confirm": PASSWORD}).get_data(as_text=True)
        pages["reset asked"] = newcomer.post("/account/reset", data={"csrf_token": csrf_token(newcomer, "/account/reset"),
                                                                   "email": "officer@example.vn"}).get_data(as_text=True)
        newcomer.post("/sign-in", data={"email": "moi@example.vn", "password": PASSWORD, "csrf_token": csrf_token(newcomer)})
        pages["unconfirmed account"] = _get(newcomer, "/account")
        pages["link sent again"] = newcomer.post("/account/confirm", data={"csrf_token": csrf_token(newcomer, "/account")},
                                                 follow_redirects=True).get_data(as_text=True)
    assert len(sent) == 4
    for number, message in enumerate(sent):
        pages[f"e-mail {number} subject"] = f"<p>{message.subject}</p>"
        pages[f"e-mail {number} text"] = "<pre>" + re.sub(r"http://\S+", "", message.body) + "</pre>"
        pages[f"e-mail {number} html"] = re.sub(r'href="[^"]*"', "", message.html)
    assert_translated(pseudo, pages)


COMMUNES_CSV = "Mã xã,Mức,Số quyết định,Hiệu lực từ\n21040,ĐBKK,2167/QĐ-UBND,2026-06-23\n21109,rất khó,2167/QĐ-UBND,2026-06-23\n"


def test_the_incentive_pages_show_only_translated_words(pseudo, client, accounts):
    from registry.incentives.models import IncentivePolicy
    from registry.incentives.service import load_national_policies

    accounts.user("officer@example.vn")
    with pseudo.app_context():
        load_national_policies()
        db.session.commit()
        ended = db.session.scalar(db.select(IncentivePolicy.id).where(IncentivePolicy.code == "vn-cit-ccn-location-until-2025"))
        land = db.session.scalar(db.select(IncentivePolicy.id).where(IncentivePolicy.code == "vn-land-rent-special-dbkk"))
    anonymous = pseudo.test_client()
    pages = {path: _get(anonymous, path) for path in (
        "/incentives/", "/incentives/?instrument=land_rent&scope=national&on=2026-06-01", f"/incentives/{ended}", f"/incentives/{land}",
        "/incentives/communes", "/incentives/communes?province=51", "/search/?q=thue+dat",
    )}
    accounts.sign_in(client, "officer@example.vn")
    pages["/incentives/new"] = _get(client, "/incentives/new")
    pages["refused policy"] = client.post("/incentives/new", data={
        "csrf_token": csrf_token(client, "/incentives/new"), "province_code": "51", "instrument": "", "min_jobs": "-1",
        "effective_from": "2026-05-01", "effective_to": "2026-01-01"}).get_data(as_text=True)
    created = client.post("/incentives/new", data={
        "csrf_token": csrf_token(client, "/incentives/new"), "title_vi": "Hỗ trợ tín dụng tỉnh", "province_code": "51", "instrument": "credit",
        "legal_basis": "Nghị quyết 15/2026/NQ-HĐND", "sector_class": "any", "confidence": "M", "status": "published"})
    pages["officer's policy"] = _get(client, created.headers["Location"])
    pages["edit"] = _get(client, created.headers["Location"] + "/edit")
    pages.update(_walk_import(client, "/incentives/communes/import", COMMUNES_CSV, "xa-kho-khan.csv"))
    assert_translated(pseudo, pages, data=COMMUNES_CSV)


def test_the_proposal_form_its_results_and_the_boards_leads_show_only_translated_words(pseudo, accounts):
    from datetime import date

    from registry.accounts.service import find_organization
    from registry.zones.models import Zone

    from .factories import make_figure, make_user

    with pseudo.app_context():
        load_reference_zones()
        load_reference_figures()
        zone = db.session.scalar(db.select(Zone).where(Zone.organization_id.is_not(None)).order_by(Zone.id))
        zone.status, zone.wastewater_capacity_m3_day, zone.port_km, zone.power_note = "operating", 5000, 10.0, "110 kV"
        make_figure(zone, "available", 5000, "board", as_of=date(2026, 6, 1), as_of_precision="month")
        make_user("board@example.vn", role="zone_editor", org=find_organization(zone.organization.name))
        zone_id = zone.id
    investor = pseudo.test_client()
    pages = {}
    answers = {"contact": {"email": "investor@example.com", "consent": "y"}, "name": {"name": "Nhà máy tái chế Hòa Bình"},
               "activity": {"activity": "recycling_plant"}, "catalog": {"catalog_codes": ["C"]}, "land": {"land_min_ha": "40"},
               "capital": {"capital_amount": "20000000", "capital_currency": "USD", "exchange_rate": "25000"},
               "jobs": {"jobs": "200", "new_project": "y"}, "start": {"start_year": "2027"}, "places": {"regions": ["southeast"]},
               "infrastructure": {"wastewater_m3_day": "500", "port_within_km": "30", "needs_power": "y"},
               "constraints": {}, "estimate": {"revenue_vnd_year": "100000000000", "margin_percent": "12"}}
    for step, values in answers.items():
        pages[step] = _get(investor, f"/proposals/new/{step}")
        investor.post(f"/proposals/new/{step}", data={"csrf_token": csrf_token(investor, f"/proposals/new/{step}"), **values})
    pages["wrong land"] = investor.post("/proposals/new/land", data={"csrf_token": csrf_token(investor, "/proposals/new/land"),
                                                                       "land_min_ha": "0"}).get_data(as_text=True)
    investor.post("/proposals/new/land", data={"csrf_token": csrf_token(investor, "/proposals/new/land"), "land_min_ha": "40"})
    pages["review"] = _get(investor, "/proposals/new/review")
    sent = investor.post("/proposals/new/submit", data={"csrf_token": csrf_token(investor, "/proposals/new/review")})
    results = sent.headers["Location"]
    pages["results"] = _get(investor, results)
    pages["print"] = _get(investor, results + "/print")
    pages["what if"] = _get(investor, results + "?w_land_fit=80&margin=20")
    pages["what if refused"] = _get(investor, results + "?w_land_fit=800")
    token = results.rstrip("/").rsplit("/", 1)[1]
    investor.post(f"/proposals/{token}/interest/{zone_id}", data={"csrf_token": csrf_token(investor, results)})
    pages["interest"] = _get(investor, results)
    nothing = pseudo.test_client()
    for step, values in {**answers, "land": {"land_min_ha": "90000"}}.items():
        nothing.post(f"/proposals/new/{step}", data={"csrf_token": csrf_token(nothing, f"/proposals/new/{step}"), **values})
    empty = nothing.post("/proposals/new/submit", data={"csrf_token": csrf_token(nothing, "/proposals/new/review")})
    pages["nothing matched"] = _get(nothing, empty.headers["Location"])
    board = pseudo.test_client()
    accounts.sign_in(board, "board@example.vn")
    pages["leads"] = _get(board, "/proposals/leads")
    from registry.matching.models import Lead

    with pseudo.app_context():
        lead_id = db.session.scalar(db.select(Lead.id))
    board.post(f"/proposals/leads/{lead_id}", data={"csrf_token": csrf_token(board, f"/proposals/leads/{lead_id}"), "status": "site_visit",
                                                     "note": "Hẹn khảo sát", "was": "new"})
    pages["lead"] = _get(board, f"/proposals/leads/{lead_id}")
    pages["lead refused"] = board.post(f"/proposals/leads/{lead_id}", data={
        "csrf_token": csrf_token(board, f"/proposals/leads/{lead_id}"), "status": "site_visit", "note": ""}).get_data(as_text=True)
    pages["mine"] = _get(board, "/proposals/mine")
    assert_translated(pseudo, pages)


def test_the_event_pages_show_only_translated_words(pseudo, client, accounts):
    from .factories import make_event, make_participant, tax_code

    accounts.user("officer@example.vn")
    with pseudo.app_context():
        event = make_event()
        buyer = make_participant(event, "buyer", needs=["A.01"], tax_code=tax_code(1), name_vi="Công ty CP Giấy Quảng Ngãi")
        seller = make_participant(event, offers=["A"], tax_code=tax_code(2), name_vi="Công ty TNHH Thiết bị Nước Sạch")
        make_participant(event, approved=False, tax_code=tax_code(3))
        ids = event.id, buyer.id, seller.id
    event_id, buyer_id, seller_id = ids
    anonymous = pseudo.test_client()
    pages = {path: _get(anonymous, path) for path in (
        "/events/", "/events/?kind=matchmaking&province=51&status=open&when=coming", f"/events/{event_id}",
        f"/events/{event_id}/participants/{seller_id}", "/search/?q=ket+noi",
    )}
    accounts.sign_in(client, "officer@example.vn")
    pages["organizer's event"] = _get(client, f"/events/{event_id}")
    pages["new"] = _get(client, "/events/new")
    pages["edit"] = _get(client, f"/events/{event_id}/edit")
    pages["refused event"] = client.post("/events/new", data={"csrf_token": csrf_token(client, "/events/new"), "kind": "",
                                                              "starts_on": "2026-12-10", "ends_on": "2026-12-01"}).get_data(as_text=True)
    pages["register"] = _get(client, f"/events/{event_id}/register")
    pages["refused registration"] = client.post(f"/events/{event_id}/register", data={
        "csrf_token": csrf_token(client, f"/events/{event_id}/register"), "role": "buyer", "tax_code": "0100233488"}).get_data(as_text=True)
    path = f"/events/{event_id}/participants/{buyer_id}"
    client.post(path + "/requests", data={"csrf_token": csrf_token(client, path), "counterpart_id": str(seller_id), "priority": "must"})
    pages["buyer with suggestions and a request"] = _get(client, path)
    pages["seller with a request to answer"] = _get(client, f"/events/{event_id}/participants/{seller_id}")
    assert_translated(pseudo, pages)



def test_the_attendance_pages_badges_check_in_catalogue_and_outcomes_show_only_translated_words(pseudo, client, accounts):
    from datetime import datetime

    import time_machine

    from .factories import make_event, accepted_request, make_participant, tax_code

    accounts.user("officer@example.vn")
    with pseudo.app_context():
        event = make_event()
        buyer = make_participant(event, "buyer", needs=["A.01"], tax_code=tax_code(1), name_vi="Công ty CP Giấy Quảng Ngãi")
        seller = make_participant(event, offers=["A.01"], tax_code=tax_code(2), name_vi="Công ty TNHH Thiết bị Nước Sạch")
        make_participant(event, tax_code=tax_code(3), name_vi="Công ty TNHH Lọc Bụi")
        meeting = accepted_request(buyer, seller)
        ids = event.id, buyer.id, seller.id, meeting.id, seller.enterprise_id
    event_id, buyer_id, seller_id, meeting_id, enterprise_id = ids
    anonymous = pseudo.test_client()
    pages = {path: _get(anonymous, path) for path in (
        f"/events/{event_id}/catalogue", f"/events/{event_id}/outcomes", "/events/outcomes", "/events/outcomes?year=2026")}
    accounts.sign_in(client, "officer@example.vn")
    pages["badges"] = _get(client, f"/events/{event_id}/badges")
    pages["one badge"] = _get(client, f"/events/{event_id}/participants/{seller_id}/badge")
    code = pages["badges"].split('<p class="badge-code">')[1].split("</p>")[0]
    with time_machine.travel(datetime(2026, 12, 10, 9, 0), tick=False):
        accounts.sign_in(client, "officer@example.vn")
        pages["desk"] = _get(client, f"/events/{event_id}/check-in")
        pages["landing"] = _get(client, f"/events/{event_id}/badge/{code}")
        desk = f"/events/{event_id}/check-in"
        landing = f"/events/{event_id}/badge/{code}"
        pages["checked in by the landing's button"] = client.post(landing, data={"csrf_token": csrf_token(client, landing)},
                                                                 follow_redirects=True).get_data(as_text=True)
        pages["tapped again"] = client.post(landing, data={"csrf_token": csrf_token(client, landing)},
                                            follow_redirects=True).get_data(as_text=True)
        pages["twice"] = client.post(desk, data={"csrf_token": csrf_token(client, desk), "code": code},
                                     follow_redirects=True).get_data(as_text=True)
        pages["refused check-in"] = client.post(desk, data={"csrf_token": csrf_token(client, desk), "code": "junk"}).get_data(as_text=True)
        pages["outside the event"] = client.post(desk, data={"csrf_token": csrf_token(client, desk), "code": code,
                                                            "day": "2026-12-20"}).get_data(as_text=True)
        outcomes = f"/events/{event_id}/outcomes"
        pages["outcome refused"] = client.post(f"/events/{event_id}/requests/{meeting_id}/outcome", follow_redirects=True, data={
            "csrf_token": csrf_token(client, outcomes), "result": "contract_signed"}).get_data(as_text=True)
        pages["outcome saved"] = client.post(f"/events/{event_id}/requests/{meeting_id}/outcome", follow_redirects=True, data={
            "csrf_token": csrf_token(client, outcomes), "result": "mou_signed", "contract_value": "1000000"}).get_data(as_text=True)
    accounts.sign_in(client, "officer@example.vn")
    pages["profile with outcomes"] = _get(anonymous, f"/enterprises/{enterprise_id}")
    pages["buyer's page with its badge link"] = _get(client, f"/events/{event_id}/participants/{buyer_id}")
    assert_translated(pseudo, pages)


CERTIFICATES_CSV = ("Số chứng nhận,Sản phẩm,Mã số thuế,Ngày cấp\n125/QĐ-BTNMT,Túi phân hủy sinh học,0100233488,2025-03-10\n"
                    "126/QĐ-BTNMT,Màng bọc,0312345673,2025-13-10\n")


def test_the_eco_label_pages_the_sweep_notices_and_verification_show_only_translated_words(pseudo, client, accounts):
    from datetime import date

    from registry.ecolabels import service as ecolabels
    from registry.ecolabels.sweep import sweep

    from .factories import make_certificate, make_enterprise

    accounts.user("officer@example.vn")
    with pseudo.app_context():
        holder = make_enterprise(tax_code="0314409058").id
        valid = make_certificate(number="7/QĐ-BTNMT", holder_tax_code="0314409058").id
        revoked = make_certificate(number="8/QĐ-BTNMT", holder_tax_code="0314409058")
        ecolabels.revoke(None, revoked, {"reason": "Không đạt", "document": "9/QĐ-BNNMT"})
        old = make_certificate(number="9/2019", scheme="vn_green_label", holder_tax_code="0314409058", issued_on="2019-01-10").id
        db.session.commit()
        with pseudo.test_request_context():
            sweep(date.today())
        db.session.commit()
        revoked = revoked.id
    anonymous = pseudo.test_client()
    pages = {path: _get(anonymous, path) for path in (
        "/ecolabels/", "/ecolabels/?status=revoked&scheme=vn_ecolabel&province=51", f"/ecolabels/{valid}", f"/ecolabels/{revoked}",
        f"/ecolabels/{old}", f"/ecolabels/{valid}/label", "/ecolabels/verify", "/ecolabels/verify?number=7/QĐ-BTNMT",
        "/ecolabels/verify?number=8/QĐ-BTNMT", "/ecolabels/verify?number=9/2019", "/ecolabels/verify?number=404",
        "/search/?q=tui", "/enterprises/", "/enterprises/?ecolabel=any",
        f"/enterprises/{holder}", "/provinces/51",
    )}
    pages["junk"] = _get(anonymous, "/ecolabels/verify?number=%3Cb%3E", 422)
    pages["too long"] = _get(anonymous, "/ecolabels/verify?number=" + "7" * 10_000, 422)
    pages["feed"] = re.sub(r"<id>[^<]*</id>|href=\"[^\"]*\"", "", anonymous.get("/ecolabels/feed.atom").get_data(as_text=True))
    accounts.sign_in(client, "officer@example.vn")
    pages["/ecolabels/new"] = _get(client, "/ecolabels/new")
    pages["refused"] = client.post("/ecolabels/new", data={"csrf_token": csrf_token(client, "/ecolabels/new"), "scheme": "vn_ecolabel",
                                                            "holder_tax_code": "0312345673", "issued_on": "2025-02-30"}).get_data(as_text=True)
    pages["holder without a name"] = client.post("/ecolabels/new", data={
        "csrf_token": csrf_token(client, "/ecolabels/new"), "scheme": "vn_ecolabel", "number": "10/QĐ-BTNMT", "product_name": "Túi",
        "holder_tax_code": "0312345673", "issued_on": "2025-02-10", "create_holder": "y", "holder_province": "51"}).get_data(as_text=True)
    pages["officer's certificate"] = _get(client, f"/ecolabels/{valid}")
    pages["suspended"] = client.post(f"/ecolabels/{valid}/suspend", data={"csrf_token": csrf_token(client, f"/ecolabels/{valid}"),
                                                                          "reason": "Giám sát"}, follow_redirects=True).get_data(as_text=True)
    pages["dashboard"] = _get(client, "/ecolabels/expiring")
    pages["notifications"] = _get(client, "/notifications/")
    pages.update(_walk_import(client, "/ecolabels/import", CERTIFICATES_CSV, "nhan.csv"))
    assert_translated(pseudo, pages, data=CERTIFICATES_CSV)


def test_the_incubator_pages_show_only_translated_words(pseudo, client, accounts):
    from registry.incubators.models import Incubatee, Incubator
    from registry.incubators.service import load_reference_incubators

    from .factories import make_cohort, make_enterprise, make_incubatee, make_incubator

    accounts.user("officer@example.vn")
    with pseudo.app_context():
        load_reference_incubators()
        incubator = make_incubator()
        old, recent = make_cohort(incubator, "Khóa 2019", "2019-01-10", "2019-12-31"), make_cohort(incubator, "Khóa 2025", "2025-01-10")
        graduate = make_enterprise()
        make_incubatee(incubator, old, graduate, outcome="graduated", ended_on="2019-12-31")
        make_incubatee(incubator, recent, make_enterprise(tax_code="0100109106", name_vi="Công ty Đã Rời"), outcome="left", ended_on="2025-06-30")
        make_incubatee(incubator, recent, make_enterprise(tax_code="0100112437", name_vi="Công ty Đang Ươm"))
        reference = db.session.scalar(db.select(Incubator.id).where(Incubator.source_url != "").order_by(Incubator.id))
        ids = {"incubator": incubator.id, "cohort": recent.id, "enterprise": graduate.id, "reference": reference,
               "incubatee": db.session.scalar(db.select(Incubatee.id).where(Incubatee.enterprise_id == graduate.id))}
    anonymous = pseudo.test_client()
    pages = {path: _get(anonymous, path) for path in (
        "/incubators/", "/incubators/?province=51&host_kind=university&group=A", "/incubators/?q=khong+co", f"/incubators/{ids['incubator']}",
        f"/incubators/{ids['reference']}", "/incubators/statistics", "/incubators/statistics?province=51", "/search/?q=vuon+uom",
        f"/enterprises/{ids['enterprise']}", "/map?layers=incubators",
    )}
    accounts.sign_in(client, "officer@example.vn")
    base = f"/incubators/{ids['incubator']}"
    pages["officer's incubator"] = _get(client, base)
    for path in ("/incubators/new", f"{base}/edit", f"{base}/cohorts/new", f"{base}/cohorts/{ids['cohort']}/edit", f"{base}/incubatees/new",
                 f"{base}/incubatees/{ids['incubatee']}/edit"):
        pages[path] = _get(client, path)
    pages["refused incubator"] = client.post("/incubators/new", data={
        "csrf_token": csrf_token(client, "/incubators/new"), "province_code": "51", "host_kind": "x", "website": "ftp://x",
        "opened_on": "2020-01-01", "closed_on": "2019-01-01", "focus_groups": "Z9"}).get_data(as_text=True)
    pages["refused cohort"] = client.post(f"{base}/cohorts/new", data={
        "csrf_token": csrf_token(client, f"{base}/cohorts/new"), "starts_on": "2010-01-01", "ends_on": "2009-01-01"}).get_data(as_text=True)
    pages["refused incubatee"] = client.post(f"{base}/incubatees/new", data={
        "csrf_token": csrf_token(client, f"{base}/incubatees/new"), "cohort_id": str(ids["cohort"]), "tax_code": "4300123458",
        "outcome": "graduated"}).get_data(as_text=True)
    pages["second active cohort"] = client.post(f"{base}/incubatees/new", data={
        "csrf_token": csrf_token(client, f"{base}/incubatees/new"), "cohort_id": str(ids["cohort"]), "tax_code": "0100112437"}).get_data(as_text=True)
    assert_translated(pseudo, pages)


def test_the_schedule_pages_agenda_and_table_sheet_show_only_translated_words(pseudo, client, accounts):
    from registry.events.schedule import service as schedule

    from .factories import accepted_request, make_event, make_participant, make_session, tax_code

    accounts.user("officer@example.vn")
    with pseudo.app_context():
        event = make_event()
        a = make_participant(event, "buyer", tax_code=tax_code(1), name_vi="Công ty CP Giấy Quảng Ngãi")
        b = make_participant(event, tax_code=tax_code(2), name_vi="Công ty TNHH Thiết bị Nước Sạch")
        c = make_participant(event, tax_code=tax_code(3), name_vi="Công ty CP Tái chế Dung Quất")
        session = make_session(event, ends_at="08:20", tables="Bàn 1")
        accepted_request(a, b, "must")
        accepted_request(a, c)
        schedule.build(None, event, time_limit=2.0)
        schedule.publish(None, event)
        schedule.set_participant(None, c, {"availability": "2026-12-11 08:00-09:00"})
        accepted_request(b, c)
        schedule.build(None, event, time_limit=2.0)
        db.session.commit()
        event_id, a_id, c_id, table_id, session_id = event.id, a.id, c.id, session.tables[0].id, session.id
    accounts.sign_in(client, "officer@example.vn")
    base = f"/events/{event_id}"
    pages = {path: _get(client, path) for path in (
        f"{base}/schedule", f"{base}/schedule/sessions/{session_id}", f"{base}/schedule/participants/{c_id}",
        f"{base}/schedule/tables/{table_id}", f"{base}/participants/{a_id}/agenda", f"{base}/participants/{a_id}",
    )}
    pages["refused session"] = client.post(f"{base}/schedule/sessions", data={
        "csrf_token": csrf_token(client, f"{base}/schedule"), "name_vi": "", "first_day": "2027-01-01", "starts_at": "x",
        "tables": ""}).get_data(as_text=True)
    pages["refused availability"] = client.post(f"{base}/schedule/participants/{c_id}", data={
        "csrf_token": csrf_token(client, f"{base}/schedule"), "availability": "2027-01-01 08:00-09:00"}).get_data(as_text=True)
    assert_translated(pseudo, pages)
