"""Finding zones: the zone list, the zone API and the map's zone layer read one filter and answer the same zones."""
from __future__ import annotations

import re

import pytest

from registry import create_app
from registry.accounts import service as accounts_service
from registry.extensions import db
from registry.zones.models import Zone
from registry.zones.reference import load_reference_zones

from .conftest import test_config

ROW_LINK = re.compile(r'<th scope="row"><a href="/zones/(\d+)"')


def listed(client, query: str) -> set[int]:
    """The zones the list page shows in its table for a query string."""
    answer = client.get(f"/zones/?{query}")
    assert answer.status_code == 200
    return {int(zone_id) for zone_id in ROW_LINK.findall(answer.get_data(as_text=True))}


def from_api(client, query: str) -> set[int]:
    answer = client.get(f"/api/v1/zones?{query}")
    assert answer.status_code == 200, answer.get_json()
    return {item["id"] for item in answer.get_json()["items"]}


def on_the_map(client, query: str) -> set[int]:
    answer = client.get(f"/api/v1/zones.geojson?{query}")
    assert answer.status_code == 200, answer.get_json()
    return {feature["id"] for feature in answer.get_json()["features"]}


@pytest.fixture
def reference(app):
    """The reference zones (Dung Quất EZ and the parks inside it, Nhơn Hội, Đồng Tháp, Hà Nội), by code."""
    with app.app_context():
        load_reference_zones()
        db.session.commit()
        return dict(db.session.execute(db.select(Zone.code, Zone.id)).all())


def test_a_visitor_finds_dung_quat_in_the_zone_list_without_typing_its_accents(client, reference):
    dung_quat = {reference["51-kkt-dung-quat"]}
    assert listed(client, "q=dung quat") == dung_quat
    assert listed(client, "q=DUNG QUẤT") == listed(client, "q=Dung Qu") == dung_quat  # the last word may be cut short
    assert listed(client, "q=ung quat") == set()  # earlier words match whole
    assert listed(client, "q=dong anh") == listed(client, "q=Đông Anh") == {reference["01-kcn-dong-anh"]}  # đ is d
    assert listed(client, "q=economic zone nhon") == {reference["52-kkt-nhon-hoi"]}  # the English name counts too
    page = client.get("/zones/?q=dung quat").get_data(as_text=True)
    assert re.search(r'<input id="f-q" name="q" type="search" value="dung quat"', page)


def test_the_name_box_is_labelled_in_both_languages(client, english):
    assert "Name of the zone" in english.get("/zones/").get_data(as_text=True)
    assert "Tên khu" in client.get("/zones/?lang=vi").get_data(as_text=True)


@pytest.mark.parametrize("query", [
    "q=dung quat", "q=khu cong nghiep&province=82", "province=51&kind=industrial_park", "kind=economic_zone&status=operating",
    "min_available_ha=0", "bbox=108.5,15.0,109.0,15.6", "q=vsip", "status=planned", "",
])
def test_the_page_the_api_and_the_map_answer_the_same_zones_for_the_same_filter(client, reference, query):
    on_a_map = on_the_map(client, "")  # zones with neither a boundary nor a position have no place on a map
    assert listed(client, query) == from_api(client, query)
    assert on_the_map(client, query) == listed(client, query) & on_a_map


def test_the_zones_inside_an_economic_zone_are_the_same_everywhere(client, reference):
    query = f"parent={reference['51-kkt-dung-quat']}"
    assert listed(client, query) == from_api(client, query) == on_the_map(client, query) == {reference["51-vsip-quang-ngai"]}


def test_a_bookmark_with_min_available_still_works_and_the_form_writes_min_available_ha(client, reference):
    noi_bai = {reference["01-kcn-noi-bai"]}  # the one reference zone with its available land recorded (0 ha)
    assert listed(client, "min_available=0") == listed(client, "min_available_ha=0") == noi_bai
    assert listed(client, "min_available=0,5") == set()
    page = client.get("/zones/?min_available=0").get_data(as_text=True)
    assert 'name="min_available"' not in page
    assert re.search(r'name="min_available_ha" inputmode="decimal" value="0"', page)


def test_the_lists_json_link_carries_every_filter_of_the_page(client, reference):
    page = client.get("/zones/?q=khu cong nghiep&province=82&min_available=nonsense&sort=name").get_data(as_text=True)
    link = re.search(r'<a href="(/api/v1/zones\?[^"]+)">', page).group(1).replace("&amp;", "&")
    assert "min_available" not in link  # a bad value is dropped on the page, so the JSON asks for what the page shows
    items = client.get(link).get_json()["items"]
    assert [item["id"] for item in items] == [int(zone_id) for zone_id in ROW_LINK.findall(page)]
    assert len(items) == 6


def test_the_api_pages_through_zones_in_the_lists_order(client, reference):
    whole = client.get("/api/v1/zones?province=82").get_json()
    first, second = (client.get(f"/api/v1/zones?province=82&per_page=4&page={page}").get_json() for page in (1, 2))
    assert whole["total"] == first["total"] == second["total"] == 6 and (first["page"], first["per_page"]) == (1, 4)
    assert [item["id"] for item in first["items"] + second["items"]] == [item["id"] for item in whole["items"]]
    assert client.get("/api/v1/zones?province=82&page=99").get_json()["items"] == []


@pytest.mark.parametrize("query, field", [("kind=castle", "kind"), ("status=closed", "status"), ("min_available_ha=lots", "min_available_ha"),
                                          ("bbox=1,2,3", "bbox")])
def test_the_api_and_the_map_refuse_the_same_bad_filter_naming_it(client, reference, query, field):
    answers = [client.get(f"/api/v1/{path}?{query}&lang=en") for path in ("zones", "zones.geojson")]
    assert [answer.status_code for answer in answers] == [400, 400]
    assert answers[0].get_json()["errors"] == answers[1].get_json()["errors"] and field in answers[0].get_json()["errors"]
    assert listed(client, query) == listed(client, "") == set(reference.values())  # the page drops what it cannot read


def test_the_documented_filters_are_the_same_for_the_list_and_the_layer(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    listed_params = {p["name"] for p in paths["/zones"]["get"]["parameters"]}
    layer_params = {p["name"] for p in paths["/zones.geojson"]["get"]["parameters"]}
    filters = {"q", "province", "kind", "status", "parent", "catalog", "min_available_ha", "bbox"}
    assert filters <= listed_params and filters <= layer_params
    assert {"page", "per_page", "sort"} <= listed_params


def test_a_renamed_zone_is_found_by_its_new_name_only(app, client, accounts, reference):
    accounts.user("admin@example.vn", role="admin")
    with app.app_context():
        token = accounts_service.issue_token(accounts_service.find_user("admin@example.vn"), "tests")
        db.session.commit()
    zone_id = reference["82-kcn-tan-kieu"]
    answer = client.patch(f"/api/v1/zones/{zone_id}", json={"name_vi": "Khu công nghiệp Đất Mới", "name_en": "Dat Moi Industrial Park"},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert listed(client, "q=dat moi") == listed(client, "q=dat moi industrial") == {zone_id}
    assert listed(client, "q=tan kieu") == set()


def test_an_imported_zone_is_found_by_its_name_without_accents(client, runner, tmp_path):
    table = tmp_path / "ccn.csv"
    table.write_text("Tên\nCụm công nghiệp Đồng Xoài Xanh\n", encoding="utf-8")
    result = runner.invoke(args=["import", "zones", str(table), "--province", "82"])
    assert result.exit_code == 0, result.output
    assert len(listed(client, "q=dong xoai xanh")) == 1


def test_the_migration_fills_the_folded_names_of_zones_recorded_before_it(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app(test_config(f"sqlite:///{tmp_path}/zones.sqlite", AUTO_INIT=True))  # the first start loads the reference zones
    directory = app.extensions["migrate"].directory
    with app.app_context():
        downgrade(directory, "0008_data_versions")
        db.session.remove()
        upgrade(directory)
        dung_quat = db.session.scalar(db.select(Zone.id).where(Zone.code == "51-kkt-dung-quat"))
        db.session.remove()
    assert listed(app.test_client(), "q=dung quat") == {dung_quat}
    with app.app_context():
        db.engine.dispose()
