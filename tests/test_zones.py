"""Zone pages and API: the list and a zone with reference data, figure edits, conflicts and permissions."""
from __future__ import annotations

import re

import pytest

from registry.accounts import service as accounts_service
from registry.extensions import db
from registry.zones import service
from registry.zones.models import Zone
from registry.zones.reference import load_reference_zones

from .conftest import csrf_token
from .factories import BOARD_A, BOARD_B, make_zone, token_for, zone_version
from .factories import zone_edit_form as edit_form


@pytest.fixture
def editor_a(client, accounts, zones_ab):
    accounts.user("editor.a@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82")
    accounts.sign_in(client, "editor.a@example.vn")
    return client


def test_reference_zones_are_listed_with_units_and_flags(app, client):
    with app.app_context():
        load_reference_zones()
        db.session.commit()
        assert service.find_by_code("51-kkt-dung-quat") is not None
    page = client.get("/zones/?lang=en").get_data(as_text=True)
    assert "Dung Quat Economic Zone" in page
    assert "Total area (ha)" in page and "m³/day" in page
    assert "Approximate boundary" in page
    assert "45.332" in client.get("/zones/?lang=vi").get_data(as_text=True)  # Vietnamese thousands separator


def test_the_list_filters_by_province_kind_status_and_free_land(app, client, zones_ab):
    assert "Sa Đéc" in client.get("/zones/?province=82").get_data(as_text=True)
    assert "Nhơn Hội" not in client.get("/zones/?province=82").get_data(as_text=True)
    assert "Sa Đéc" not in client.get("/zones/?kind=economic_zone").get_data(as_text=True)
    assert "Sa Đéc" not in client.get("/zones/?status=planned").get_data(as_text=True)
    assert "Sa Đéc" in client.get("/zones/?min_available=10").get_data(as_text=True)
    assert "Sa Đéc" not in client.get("/zones/?min_available=10,5").get_data(as_text=True)
    assert client.get("/zones/?min_available=abc&sort=nonsense&kind=x").status_code == 200


def test_a_zone_page_shows_figures_with_their_source_and_confidence(app, client):
    with app.app_context():
        load_reference_zones()
        db.session.commit()
        zone_id = service.find_by_code("51-kkt-dung-quat").id
        child = service.find_by_code("51-vsip-quang-ngai").id
    page = client.get(f"/zones/{zone_id}?lang=en").get_data(as_text=True)
    assert "Decision 38/2012/QĐ-TTg" in page and "High" in page
    assert "Low, unverified" in page
    assert "VSIP" in page and "Boundary versions" in page
    assert "Restore version" not in page and "Edit the figures" not in page
    assert "Dung Quat Economic Zone" in client.get(f"/zones/{child}?lang=en").get_data(as_text=True)
    assert client.get("/zones/999999").status_code == 404


def test_an_editor_changes_the_figures_of_their_boards_zone(app, editor_a, zones_ab, english):
    zone_a, _zone_b = zones_ab
    form = edit_form(editor_a, zone_a, leased_ha="95,5", wastewater_plant="1", wastewater_capacity_m3_day="2000")
    response = editor_a.post(f"/zones/{zone_a}/edit", data=form)
    assert response.status_code == 302
    with app.app_context():
        zone = db.session.get(Zone, zone_a)
        assert zone.leased_ha == 95.5 and zone.wastewater_plant is True and zone.wastewater_capacity_m3_day == 2000
        assert BOARD_A in zone.sources["leased_ha"]["source"] and "total_ha" not in zone.sources
    page = editor_a.get(f"/zones/{zone_a}?lang=en").get_data(as_text=True)
    assert "entered by editor.a@example.vn" in page


def test_bad_figures_are_shown_beside_their_fields_and_nothing_is_saved(app, editor_a, zones_ab):
    zone_a, _zone_b = zones_ab
    before = zone_version(app, zone_a)
    response = editor_a.post(f"/zones/{zone_a}/edit?lang=en", data=edit_form(editor_a, zone_a, leased_ha="500", port_km="many"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page or "error-summary" in page
    assert "Enter a number." in page and "cannot exceed" in page
    assert zone_version(app, zone_a) == before


def test_the_second_of_two_saves_gets_the_conflict_page_and_keeps_both(app, editor_a, zones_ab):
    zone_a, _zone_b = zones_ab
    first = edit_form(editor_a, zone_a, leased_ha="91")
    second = edit_form(editor_a, zone_a, leased_ha="99", tenants="7")
    assert editor_a.post(f"/zones/{zone_a}/edit", data=first).status_code == 302
    response = editor_a.post(f"/zones/{zone_a}/edit?lang=en", data=second)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this zone" in page
    assert "<del>91.0</del>" in page and "<ins>99</ins>" in page
    assert 'value="99"' in page and 'value="7"' in page  # the editor's values stay in the form
    with app.app_context():
        zone = db.session.get(Zone, zone_a)
        assert zone.leased_ha == 91 and zone.tenants is None
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    again = {**second, "version": version}
    assert editor_a.post(f"/zones/{zone_a}/edit", data=again).status_code == 302
    with app.app_context():
        assert db.session.get(Zone, zone_a).leased_ha == 99


def test_an_editor_of_board_a_gets_403_on_board_bs_zone(app, editor_a, zones_ab):
    _zone_a, zone_b = zones_ab
    before = zone_version(app, zone_b)
    assert editor_a.get(f"/zones/{zone_b}/edit").status_code == 403
    assert editor_a.post(f"/zones/{zone_b}/edit", data=edit_form(editor_a, zones_ab[0], leased_ha="1")).status_code == 403
    assert editor_a.get(f"/zones/{zone_b}/boundary").status_code == 403
    assert "Edit the figures" not in editor_a.get(f"/zones/{zone_b}").get_data(as_text=True)
    assert zone_version(app, zone_b) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, zones_ab):
    assert client.get(f"/zones/{zones_ab[0]}/edit").status_code == 302
    assert client.get("/zones/new").status_code == 302


def test_an_officer_records_a_new_zone(app, client, accounts):
    accounts.user("officer.dt@example.vn", name="Sở Công Thương Đồng Tháp", province="82")
    accounts.sign_in(client, "officer.dt@example.vn")
    form = {"csrf_token": csrf_token(client, "/zones/new"), "province_code": "82", "organization_id": "", "name_vi": "Cụm công nghiệp Tân Kiều",
            "kind": "industrial_cluster", "status": "planned", "parent_id": "", "total_ha": "48", "commune_codes": "",
            "wastewater_plant": "", "solid_waste_service": ""}
    response = client.post("/zones/new", data=form)
    assert response.status_code == 302
    with app.app_context():
        zone = db.session.scalar(db.select(Zone).where(Zone.name_vi == "Cụm công nghiệp Tân Kiều"))
        assert zone.total_ha == 48 and zone.status.value == "planned"


def test_an_editor_cannot_record_zones(client, editor_a):
    assert editor_a.get("/zones/new").status_code == 403


def test_the_api_lists_zones_by_province_kind_and_bbox(client, zones_ab):
    body = client.get("/api/v1/zones?province=82").get_json()
    assert body["total"] == 1 and body["items"][0]["name_vi"] == "Khu công nghiệp Sa Đéc"
    assert client.get("/api/v1/zones?kind=economic_zone").get_json()["total"] == 1
    assert client.get("/api/v1/zones?kind=castle").status_code == 400
    bad = client.get("/api/v1/zones?bbox=1,2,3")
    assert bad.status_code == 400 and bad.get_json()["errors"]["bbox"]
    one = client.get(f"/api/v1/zones/{zones_ab[0]}").get_json()
    assert one["occupancy"] == 90.0 and one["organization"]["name"] == BOARD_A
    assert client.get("/api/v1/zones/999999").status_code == 404
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/zones" in paths and "patch" in paths["/zones/{zone_id}"]


def test_the_api_filters_by_bbox(app, client):
    with app.app_context():
        make_zone(latitude=10.31, longitude=105.76)
    assert client.get("/api/v1/zones?bbox=105.5,10.0,106.0,10.5").get_json()["total"] == 1
    assert client.get("/api/v1/zones?bbox=108,15,109,16").get_json()["total"] == 0


def test_patch_changes_figures_and_refuses_other_boards_stale_versions_and_bad_values(app, client, accounts, zones_ab):
    zone_a, zone_b = zones_ab
    accounts.user("editor.a@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82")
    headers = {"Authorization": f"Bearer {token_for(app, 'editor.a@example.vn')}"}
    version = zone_version(app, zone_a)
    ok = client.patch(f"/api/v1/zones/{zone_a}", json={"leased_ha": 95, "version": version}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["leased_ha"] == 95
    assert client.patch(f"/api/v1/zones/{zone_a}", json={"leased_ha": 96, "version": version}, headers=headers).status_code == 409
    forbidden = client.patch(f"/api/v1/zones/{zone_b}", json={"leased_ha": 1}, headers=headers)
    assert forbidden.status_code == 403 and forbidden.get_json()["error"] == "forbidden"
    assert client.patch(f"/api/v1/zones/{zone_a}", json={"total_ha": "lots"}, headers=headers).status_code == 422
    assert client.patch(f"/api/v1/zones/{zone_a}", json={"province_code": "01"}, headers=headers).status_code == 422
    assert client.patch(f"/api/v1/zones/{zone_a}", data="[]", content_type="application/json", headers=headers).status_code == 400
    assert client.patch(f"/api/v1/zones/{zone_a}", json={"leased_ha": 1}).status_code == 401
    with app.app_context():
        assert db.session.get(Zone, zone_a).leased_ha == 95
        assert db.session.get(Zone, zone_b).leased_ha == 90


def test_a_zone_cannot_be_put_inside_a_zone_that_lies_inside_it(app, client, accounts, editor_a, english):
    with app.app_context():
        park, cluster, lot = (make_zone(name).id for name in ("KCN Sa Đéc Mở rộng", "CCN Sa Đéc 1", "Lô A Sa Đéc"))
    assert editor_a.post(f"/zones/{cluster}/edit", data=edit_form(editor_a, cluster, parent_id=str(park))).status_code == 302
    assert editor_a.post(f"/zones/{lot}/edit", data=edit_form(editor_a, lot, parent_id=str(cluster))).status_code == 302
    for inner in (cluster, lot):  # 5 inside 4 while 4 is inside 5, and the same through a zone between
        refused = editor_a.post(f"/zones/{park}/edit?lang=en", data=edit_form(editor_a, park, parent_id=str(inner)))
        assert refused.status_code == 422
        assert re.search(r'id="parent_id-error"[^>]*>.*?lies inside this one', refused.get_data(as_text=True), re.S)
    headers = {"Authorization": f"Bearer {token_for(app, 'editor.a@example.vn')}"}
    for parent in (lot, park):
        answer = client.patch(f"/api/v1/zones/{park}?lang=en", json={"parent_id": parent}, headers=headers)
        assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["parent_id"]
    with app.app_context():
        assert db.session.get(Zone, park).parent_id is None


def test_a_zone_is_given_only_to_a_board_of_its_province_or_a_national_one(app, client, accounts, english):
    with app.app_context():
        other = accounts_service.create_organization(None, BOARD_B, "zone_board", "52")
        own = accounts_service.create_organization(None, "Ban Quản lý Khu kinh tế Dung Quất và các KCN Quảng Ngãi", "zone_board", "51")
        db.session.commit()
        boards = {"other": other.id, "own": own.id}
    accounts.user("officer.qng@example.vn")
    accounts.sign_in(client, "officer.qng@example.vn")

    def record(name: str, board: str):
        form = {"csrf_token": csrf_token(client, "/zones/new"), "province_code": "51", "organization_id": str(boards[board]),
                "name_vi": name, "kind": "industrial_cluster", "status": "planned", "parent_id": "", "commune_codes": "",
                "wastewater_plant": "", "solid_waste_service": ""}
        return client.post("/zones/new?lang=en", data=form)

    refused = record("CCN Tịnh Phong 2", "other")
    assert refused.status_code == 422
    assert re.search(r'id="organization_id-error"[^>]*>.*?belongs to another province', refused.get_data(as_text=True), re.S)
    assert record("CCN Tịnh Phong 3", "own").status_code == 302
    with app.app_context():
        given = dict(db.session.execute(db.select(Zone.name_vi, Zone.organization_id).where(Zone.name_vi.like("CCN %"))).all())
        assert given == {"CCN Tịnh Phong 3": boards["own"]}
        values = {"name_vi": "CCN Phổ Phong", "kind": "industrial_cluster", "province_code": "51"}
        with pytest.raises(service.ZoneError) as raised:
            service.create_zone(None, values, organization=accounts_service.find_organization(BOARD_B))  # the command line too
        assert list(raised.value.errors) == ["organization_id"]
        ministry = accounts_service.create_organization(None, "Bộ Công Thương", "ministry", None)  # national
        assert service.create_zone(None, values, organization=ministry).organization_id == ministry.id
