"""Bad input on the API and the pages: out-of-range ids, infinite numbers, wrong JSON types, deep JSON, bad versions.

Each answer is a 404, 400 or 422 naming the field, in the user's language, and nothing is saved.
"""
from __future__ import annotations

import pytest

from registry.extensions import db
from registry.zones.models import Zone

from .conftest import csrf_token
from .factories import GOOD_TAX_CODE, enterprise_profile, officer_token, post_enterprise, token_for, zone_edit_form, zone_version

HUGE = "9" * 30
PAST_INT32 = str(2**31)


@pytest.fixture
def admin(app, client, accounts, zones_ab):
    accounts.user("admin@example.vn", role="admin")
    accounts.sign_in(client, "admin@example.vn")
    return {"Authorization": f"Bearer {token_for(app, 'admin@example.vn')}", "Accept-Language": "en"}


@pytest.fixture
def enterprise_id(client, runner, accounts):
    return post_enterprise(client, officer_token(runner, accounts), enterprise_profile()).get_json()["id"]


@pytest.mark.parametrize("number", [HUGE, PAST_INT32, "9" * 5000], ids=["30 digits", "2**31", "5000 digits"])
def test_ids_beyond_what_the_database_stores_are_not_found(client, admin, enterprise_id, number):
    pages = ["/api/v1/enterprises/{n}", "/api/v1/zones/{n}", "/enterprises/{n}", "/zones/{n}", "/enterprises/{n}/edit",
             "/zones/{n}/edit", "/zones/{n}/boundary", "/audit/zone/{n}"]
    for page in pages:
        assert client.get(page.format(n=number)).status_code == 404, page
    assert client.patch(f"/api/v1/zones/{number}", json={"tenants": 3}, headers=admin).status_code == 404
    assert client.patch(f"/api/v1/enterprises/{number}", json={"staff": 3}, headers=admin).status_code == 404
    answer = client.get(f"/api/v1/enterprises/{number}")
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"


def test_a_zone_filter_of_forty_digits_matches_nothing(client, enterprise_id):
    zone = "4" * 40
    assert client.get(f"/api/v1/enterprises?zone={zone}").get_json()["total"] == 0
    assert client.get(f"/api/v1/enterprises.geojson?zone={zone}").get_json()["features"] == []
    assert client.get(f"/enterprises/?zone={zone}").status_code == 200
    assert client.get(f"/api/v1/enterprises?zone={PAST_INT32}").get_json()["total"] == 0
    assert client.get("/api/v1/enterprises").get_json()["total"] == 1


def test_an_enclosing_zone_out_of_range_is_a_field_error(app, client, admin, zones_ab):
    zone_a = zones_ab[0]
    for parent in (HUGE, int(HUGE), PAST_INT32):
        answer = client.patch(f"/api/v1/zones/{zone_a}", json={"parent_id": parent}, headers=admin)
        assert answer.status_code == 422 and "There is no zone" in answer.get_json()["errors"]["parent_id"][0]
    page = client.post(f"/zones/{zone_a}/edit", data=zone_edit_form(client, zone_a, parent_id=HUGE))
    assert page.status_code == 422 and "Không có khu" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Zone, zone_a).parent_id is None


def test_infinite_or_not_a_number_figures_are_refused_naming_the_field(app, client, admin, zones_ab):
    zone_a = zones_ab[0]
    for value in ("inf", "-inf", "1e400", "NaN", float("nan"), float("inf")):
        for field in ("total_ha", "tenants", "wastewater_capacity_m3_day", "port_km"):
            answer = client.patch(f"/api/v1/zones/{zone_a}", json={field: value}, headers=admin)
            assert answer.status_code == 422 and list(answer.get_json()["errors"]) == [field], (field, value)
    with app.app_context():
        zone = db.session.get(Zone, zone_a)
        assert zone.total_ha == 132 and zone.tenants is None


def test_raw_json_1e400_reads_as_infinity_and_is_refused(client, admin, zones_ab):
    for body in ('{"total_ha": 1e400}', '{"tenants": -1e400}', '{"leased_ha": NaN}', '{"tenants": 1' + "0" * 400 + "}"):
        answer = client.patch(f"/api/v1/zones/{zones_ab[0]}", data=body, content_type="application/json", headers=admin)
        assert answer.status_code == 422 and answer.get_json()["errors"], body


def test_the_zone_form_refuses_infinite_figures_beside_their_fields(app, client, admin, zones_ab):
    zone_a = zones_ab[0]
    page = client.post(f"/zones/{zone_a}/edit", data=zone_edit_form(client, zone_a, total_ha="1e400", tenants="inf", port_km="nan"))
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert all(f'id="{field}-error"' in text for field in ("total_ha", "tenants", "port_km"))
    assert "Nhập một số." in text and "Nhập số từ 0 đến 1000000" in text
    assert zone_version(app, zone_a) == 1


def test_lists_of_codes_given_as_something_else_are_refused(client, admin, zones_ab):
    for field in ("commune_codes", "priority_groups"):
        for value in (5, 5.5, True, {"code": "A.01"}, [["A.01"]], [{"code": "A.01"}]):
            answer = client.patch(f"/api/v1/zones/{zones_ab[0]}", json={field: value}, headers=admin)
            assert answer.status_code == 422 and list(answer.get_json()["errors"]) == [field], (field, value)


def test_zone_text_and_yes_no_fields_refuse_lists_and_objects(client, admin, zones_ab):
    for field in ("name_vi", "website", "wastewater_plant"):
        for value in (["Khu A"], {"vi": "Khu A"}):
            answer = client.patch(f"/api/v1/zones/{zones_ab[0]}", json={field: value}, headers=admin)
            assert answer.status_code == 422 and list(answer.get_json()["errors"]) == [field], (field, value)


def test_enterprise_items_and_certificates_must_be_lists_of_objects(app, client, runner, accounts):
    token = officer_token(runner, accounts)
    for field in ("items", "certificates"):
        for value in ("A.01", [1, 2], {"code": "A.01"}, [["A.01"]], 7):
            answer = post_enterprise(client, token, enterprise_profile(**{field: value}))
            assert answer.status_code == 422 and list(answer.get_json()["errors"]) == [field], (field, value)
            assert "list of objects" in answer.get_json()["errors"][field][0]
    assert client.get("/api/v1/enterprises").get_json()["total"] == 0


def test_enterprise_fields_of_the_wrong_type_are_refused(client, runner, accounts):
    token = officer_token(runner, accounts)
    for field, value in [("staff", 1e300), ("staff", True), ("staff", 12.5), ("founded_year", [2001]), ("name_vi", ["Công ty"]),
                         ("latitude", "inf"), ("longitude", {"deg": 108}), ("national_brand", "maybe")]:
        answer = post_enterprise(client, token, enterprise_profile(**{field: value}))
        assert answer.status_code == 422 and field in answer.get_json()["errors"], (field, value)


def test_a_whole_number_of_staff_sent_as_a_json_float_keeps_its_value(client, runner, accounts):
    created = post_enterprise(client, officer_token(runner, accounts), enterprise_profile(staff=120.0))
    assert created.status_code == 201
    assert client.get(f"/api/v1/enterprises/{created.get_json()['id']}").get_json()["staff"] == 120


def test_json_nested_too_deep_to_read_is_a_bad_request(client, runner, accounts, admin, zones_ab):
    deep_list = "[" * 100_000 + "]" * 100_000
    deep_object = '{"a":' * 100_000 + "1" + "}" * 100_000
    token = {"Authorization": f"Bearer {officer_token(runner, accounts)}"}
    for body in (deep_list, deep_object):
        assert client.patch(f"/api/v1/zones/{zones_ab[0]}", data=body, content_type="application/json", headers=admin).status_code == 400
        answer = client.post("/api/v1/enterprises", data=body, content_type="application/json", headers=token)
        assert answer.status_code == 400 and answer.get_json()["error"] == "bad_request"


def test_a_version_that_is_not_a_whole_number_is_refused_not_ignored(app, client, runner, accounts, admin, zones_ab):
    zone_a = zones_ab[0]
    token = officer_token(runner, accounts)
    created = post_enterprise(client, token, enterprise_profile()).get_json()
    for version in ("abc", "1.5", -1, True, [1], "²"):
        answer = client.patch(f"/api/v1/zones/{zone_a}", json={"tenants": 7, "version": version}, headers=admin)
        assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["version"], version
        answer = client.patch(f"/api/v1/enterprises/{created['id']}", json={"staff": 7, "version": version},
                              headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["version"], version
    assert client.get(f"/api/v1/enterprises/{created['id']}").get_json()["staff"] is None
    assert zone_version(app, zone_a) == 1


def test_api_field_messages_are_vietnamese_by_default(client, admin, zones_ab):
    headers = {"Authorization": admin["Authorization"]}
    answer = client.patch(f"/api/v1/zones/{zones_ab[0]}", json={"version": "abc", "tenants": 1}, headers=headers)
    assert answer.get_json()["errors"]["version"] == ["Gửi số phiên bản bạn đã đọc dưới dạng số nguyên, hoặc không gửi trường này."]
    answer = client.patch(f"/api/v1/zones/{zones_ab[0]}", json={"commune_codes": 5}, headers=headers)
    assert "danh sách mã" in answer.get_json()["errors"]["commune_codes"][0]


def test_edit_pages_treat_a_version_that_is_not_a_number_as_stale(app, client, admin, enterprise_id, zones_ab):
    stale = {"csrf_token": csrf_token(client, f"/enterprises/{enterprise_id}/edit"), "version": "²",
             "tax_code": GOOD_TAX_CODE, "name_vi": "Tên mới", "province_code": "51"}
    assert client.post(f"/enterprises/{enterprise_id}/edit", data=stale).status_code == 409
    zone_a = zones_ab[0]
    assert client.post(f"/zones/{zone_a}/edit", data=zone_edit_form(client, zone_a, version="٣", tenants="5")).status_code == 409
    assert zone_version(app, zone_a) == 1


def test_a_nul_character_anywhere_is_refused_naming_where_it_is(app, client, runner, accounts, admin, zones_ab):
    zone_a = zones_ab[0]
    answer = client.patch(f"/api/v1/zones/{zone_a}", json={"name_vi": "Khu\x00A"}, headers=admin)
    assert answer.status_code == 400 and list(answer.get_json()["errors"]) == ["name_vi"]
    for body in ({"priority_groups": ["A\x00"]}, {"parent_id": "\x00"}, {"sources": {"x\x00": 1}}):
        answer = client.patch(f"/api/v1/zones/{zone_a}", json=body, headers=admin)
        assert answer.status_code == 400 and list(answer.get_json()["errors"]) == list(body)
    answer = post_enterprise(client, officer_token(runner, accounts), enterprise_profile(items=[{"code": "A.01\x00"}]))
    assert answer.status_code == 400 and list(answer.get_json()["errors"]) == ["items"]
    for address in ("/api/v1/enterprises?province=%00", "/api/v1/zones.geojson?catalog=%00", "/api/v1/catalog/items/A%00"):
        answer = client.get(address)
        assert answer.status_code == 400 and answer.get_json()["errors"], address
    assert client.get("/enterprises/?q=%00&province=51").status_code == 400
    page = client.get("/enterprises/?q=%00&province=51&lang=en")
    assert page.status_code == 400 and "“q” holds an invisible NUL character" in page.get_data(as_text=True)
    assert "Trường “q” có ký tự NUL ẩn" in client.get("/enterprises/?q=%00&lang=vi").get_data(as_text=True)
    page = client.post(f"/zones/{zone_a}/edit", data=zone_edit_form(client, zone_a, name_vi="Khu\x00A"))
    assert page.status_code == 400
    with app.app_context():
        assert db.session.get(Zone, zone_a).name_vi == "Khu công nghiệp Sa Đéc"


def test_an_import_cell_with_a_nul_character_is_refused(app, runner, tmp_path):
    table = tmp_path / "list.csv"
    table.write_text("Mã số thuế,Tên doanh nghiệp,Tỉnh/thành phố\n0100109106,Công ty\x00 Nước Dung Quất,Quảng Ngãi\n", encoding="utf-8")
    result = runner.invoke(args=["import", "enterprises", str(table)], env={"LANG": "en_US.UTF-8"})
    assert result.exit_code == 1 and "NUL" in result.output


def test_a_zone_keeps_both_coordinates_or_neither(app, client, admin, zones_ab):
    zone_a = zones_ab[0]
    assert client.patch(f"/api/v1/zones/{zone_a}", json={"latitude": 10.3}, headers=admin).status_code == 422
    placed = client.patch(f"/api/v1/zones/{zone_a}", json={"latitude": 10.3, "longitude": 105.7}, headers=admin)
    assert placed.get_json()["location"] == {"lat": 10.3, "lng": 105.7}
    answer = client.patch(f"/api/v1/zones/{zone_a}", json={"longitude": None}, headers=admin)
    assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["longitude"]
    cleared = client.patch(f"/api/v1/zones/{zone_a}", json={"latitude": None, "longitude": None}, headers=admin)
    assert cleared.status_code == 200 and cleared.get_json()["location"] is None


def test_a_zone_status_or_kind_that_is_not_one_of_the_words_is_refused_not_reset(app, client, admin, zones_ab):
    zone_a = zones_ab[0]
    assert client.patch(f"/api/v1/zones/{zone_a}", json={"status": "planned"}, headers=admin).status_code == 200
    for field in ("status", "kind"):
        for value in (None, "", 0, False, [], {}, ["planned"], "Planned?"):
            answer = client.patch(f"/api/v1/zones/{zone_a}", json={field: value}, headers=admin)
            assert answer.status_code == 422 and list(answer.get_json()["errors"]) == [field], (field, value)
    with app.app_context():
        assert db.session.get(Zone, zone_a).status.value == "planned"


def test_a_new_zone_without_a_status_is_operating(app):
    from registry.zones import service

    with app.app_context():
        for status in (None, ""):
            values = {"name_vi": f"Cụm công nghiệp Mới {status!r}", "kind": "industrial_cluster", "province_code": "82", "status": status}
            assert service.create_zone(None, values).status.value == "operating"


def test_a_zone_count_with_a_fraction_is_refused(app, client, admin, zones_ab):
    zone_a = zones_ab[0]
    for field in ("tenants", "wastewater_capacity_m3_day", "founded_year"):
        answer = client.patch(f"/api/v1/zones/{zone_a}", json={field: 2001.5}, headers=admin)
        assert answer.status_code == 422 and list(answer.get_json()["errors"]) == [field], field
    assert client.patch(f"/api/v1/zones/{zone_a}", json={"tenants": "1,5"}, headers=admin).status_code == 422
    assert client.patch(f"/api/v1/zones/{zone_a}", json={"tenants": 120.0}, headers=admin).get_json()["tenants"] == 120


def test_certificate_texts_and_enterprise_choices_must_be_text(client, runner, accounts):
    token = officer_token(runner, accounts)
    for key in ("name", "number", "issuer"):
        certificate = {"name": "ISO 14001:2015", key: {"a": 1}}
        answer = post_enterprise(client, token, enterprise_profile(certificates=[{"name": "ISO 9001"}, certificate]))
        assert answer.status_code == 422 and list(answer.get_json()["errors"]) == [f"certificates[1].{key}"], key
    for value in (0, False, [], {"a": 1}, ["small"]):
        answer = post_enterprise(client, token, enterprise_profile(size_class=value))
        assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["size_class"], value
    answer = post_enterprise(client, token, enterprise_profile(items=[{"code": "A.01", "relation": ["uses"]}]))
    assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["items"]
    assert client.get("/api/v1/enterprises").get_json()["total"] == 0


def test_edit_pages_treat_a_form_without_its_version_as_stale(app, client, admin, enterprise_id, zones_ab):
    edit = {"csrf_token": csrf_token(client, f"/enterprises/{enterprise_id}/edit"), "tax_code": GOOD_TAX_CODE, "name_vi": "Tên mới",
            "province_code": "51"}
    for version in ({}, {"version": ""}, {"version": "  "}):
        assert client.post(f"/enterprises/{enterprise_id}/edit", data={**edit, **version}).status_code == 409, version
    zone_a = zones_ab[0]
    form = zone_edit_form(client, zone_a, tenants="5")
    del form["version"]
    assert client.post(f"/zones/{zone_a}/edit", data=form).status_code == 409
    assert zone_version(app, zone_a) == 1
    assert client.get(f"/api/v1/enterprises/{enterprise_id}").get_json()["name_vi"] != "Tên mới"
