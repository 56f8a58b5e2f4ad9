"""Web addresses: only http(s) is stored, from the API, the forms and imports; pages link only to http(s)."""
from __future__ import annotations

from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.zones.models import Zone

from .conftest import csrf_token
from .factories import enterprise_profile, officer_token, post_enterprise, token_for, zone_edit_form

SCRIPTS = ["javascript:alert(4)", "JavaScript:alert(4)", "  JAVASCRIPT:alert(4)", "java\tscript:alert(4)", "\x01javascript:alert(4)",
           "data:text/html,<script>alert(4)</script>", "vbscript:msgbox(4)", "https://exa mple.vn\"onmouseover=alert(4)", "http://[::1"]


def test_the_zone_api_refuses_every_address_but_http_and_https(app, client, accounts, zones_ab):
    accounts.user("admin@example.vn", role="admin")
    headers = {"Authorization": f"Bearer {token_for(app, 'admin@example.vn')}", "Accept-Language": "en"}
    for address in SCRIPTS:
        answer = client.patch(f"/api/v1/zones/{zones_ab[0]}", json={"website": address}, headers=headers)
        assert answer.status_code == 422, address
        assert "http:// or https://" in answer.get_json()["errors"]["website"][0]
    saved = client.patch(f"/api/v1/zones/{zones_ab[0]}", json={"website": "kcn-sadec.vn/gioi-thieu"}, headers=headers)
    assert saved.get_json()["website"] == "https://kcn-sadec.vn/gioi-thieu"
    saved = client.patch(f"/api/v1/zones/{zones_ab[0]}", json={"website": "HTTP://Example.vn"}, headers=headers)
    assert saved.status_code == 200 and saved.get_json()["website"] == "HTTP://Example.vn"


def test_the_zone_form_shows_the_refused_address_beside_its_field(app, client, accounts, zones_ab):
    accounts.user("admin@example.vn", role="admin")
    accounts.sign_in(client, "admin@example.vn")
    page = client.post(f"/zones/{zones_ab[0]}/edit", data=zone_edit_form(client, zones_ab[0], website=" javascript:alert(4)"))
    assert page.status_code == 422 and 'id="website-error"' in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Zone, zones_ab[0]).website == ""


def test_enterprise_websites_from_the_api_and_the_registration_form_are_http_only(app, client, runner, accounts):
    token = officer_token(runner, accounts)
    for address in SCRIPTS:
        answer = post_enterprise(client, token, enterprise_profile(website=address))
        assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["website"], address
    form = {"csrf_token": csrf_token(client, "/enterprises/register"), "tax_code": "0100233488", "name_vi": "Công ty Xanh",
            "province_code": "51", "website": "javascript:alert(4)", "account_email": "rep@example.vn",
            "account_name": "Trần Thị Bình", "password": "correct horse battery"}
    page = client.post("/enterprises/register", data=form)
    assert page.status_code == 422 and 'id="website-error"' in page.get_data(as_text=True)
    assert post_enterprise(client, token, enterprise_profile(website="www.dienluc-dungquat.vn")).get_json()["website"] == "https://www.dienluc-dungquat.vn"


def test_an_import_row_with_a_script_address_is_refused(app, runner, tmp_path):
    table = tmp_path / "list.csv"
    table.write_text("Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố,Trang web\n"
                     "0100109106,Công ty TNHH Xử lý Nước Dung Quất,Quảng Ngãi,javascript:alert(4)\n", encoding="utf-8")
    result = runner.invoke(args=["import", "enterprises", str(table)])
    assert result.exit_code == 1 and "http://" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 0


def test_an_address_stored_before_the_rule_is_shown_as_text_not_as_a_link(app, client, runner, accounts, zones_ab):
    created = post_enterprise(client, officer_token(runner, accounts), enterprise_profile(website="https://dienluc.vn")).get_json()
    with app.app_context():
        db.session.get(Zone, zones_ab[0]).website = "javascript:alert(4)"
        db.session.get(Enterprise, created["id"]).website = " JaVaScRiPt:alert(4)"
        db.session.commit()
    zone_page = client.get(f"/zones/{zones_ab[0]}").get_data(as_text=True)
    assert "javascript:alert(4)" in zone_page and 'href="javascript' not in zone_page.lower()
    enterprise_page = client.get(f"/enterprises/{created['id']}").get_data(as_text=True)
    assert "JaVaScRiPt:alert(4)" in enterprise_page and 'href=" javascript' not in enterprise_page.lower()
    with app.app_context():
        db.session.get(Enterprise, created["id"]).website = "https://dienluc.vn"
        db.session.get(Zone, zones_ab[0]).website = "http://[::1"
        db.session.commit()
    assert client.get(f"/zones/{zones_ab[0]}").status_code == 200
    assert 'href="https://dienluc.vn"' in client.get(f"/enterprises/{created['id']}").get_data(as_text=True)


def test_an_address_that_https_would_make_too_long_is_refused(client, runner, accounts):
    bare = "a" * 294 + ".vn"  # 297 characters; with https:// it passes the 300 the column holds
    answer = post_enterprise(client, officer_token(runner, accounts), enterprise_profile(website=bare))
    assert answer.status_code == 422 and "300" in answer.get_json()["errors"]["website"][0]
