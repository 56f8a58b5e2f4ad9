"""The map page, embedded maps, vendor assets and the GeoJSON layers, through the test client."""
from __future__ import annotations

import json
import re

import pytest
import shapely
from shapely.geometry import Point

from registry.enterprises.models import Enterprise, Status
from registry.extensions import db
from registry.mapping.builder import vendor_release
from registry.mapping.embed import embedded_map, enterprise_map, province_map
from registry.zones import service as zones
from registry.zones.boundaries import set_geometry

XSS_NAME = "<img src=x onerror=alert(1)>${alert(1)}"
OSM_TEMPLATE = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def add_zone(name="KCN Thử nghiệm", kind="industrial_park", province="51", geometry=None, **figures):
    zone = zones.create_zone(None, {"name_vi": name, "kind": kind, "province_code": province, **figures})
    if geometry is not None:
        set_geometry(zone, geometry, approximate=False)
    db.session.flush()
    return zone


def add_enterprise(number: int, lat: float, lng: float, province="51", name=None):
    enterprise = Enterprise(tax_code=f"01{number:08d}", name_vi=name or f"Công ty Môi trường {number}", province_code=province,
                            latitude=lat, longitude=lng, status=Status.PUBLISHED)
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def wavy_circle(lon: float, lat: float, radius: float = 0.05, vertices: int = 400):
    """Return a polygon with many vertices, as surveyed boundaries have."""
    return Point(lon, lat).buffer(radius, quad_segs=vertices // 4)


@pytest.fixture
def places(ctx):
    """Two zones in Quảng Ngãi (one a point only) and one in Hà Nội, with three enterprises."""
    inside = add_zone("KCN Tịnh Phong", geometry=wavy_circle(108.75, 15.2), available_ha=120, total_ha=500, industrial_ha=400,
                      leased_ha=280)
    pointed = add_zone("CCN Bình Nguyên", kind="industrial_cluster", latitude=15.3, longitude=108.7)
    far = add_zone("KCN Thạch Thất", province="01", geometry=wavy_circle(105.55, 21.05), available_ha=5)
    near = add_enterprise(1, 15.201, 108.751)
    second = add_enterprise(2, 15.5, 108.9)
    hanoi = add_enterprise(3, 21.05, 105.55, province="01")
    db.session.commit()
    return {"inside": inside.id, "pointed": pointed.id, "far": far.id, "near": near.id, "second": second.id, "hanoi": hanoi.id}


def status_of(client, url: str) -> int:
    """Fetch a file and close it (file responses stay open until closed)."""
    with client.get(url) as answer:
        return answer.status_code


def test_vendor_assets_are_served_from_installed_packages_with_a_long_cache(client):
    with client.get(f"/vendor/{vendor_release()}/leaflet/leaflet.js") as answer:
        assert answer.status_code == 200 and b"Leaflet" in answer.data[:500]
        assert "max-age=31536000" in answer.headers["Cache-Control"]
    assert status_of(client, f"/vendor/{vendor_release()}/leaflet.markercluster/leaflet.markercluster.js") == 200
    assert status_of(client, f"/vendor/{vendor_release()}/leaflet/images/marker-icon.png") == 200


@pytest.mark.parametrize("name", ["leaflet/../leaflet/leaflet.js", "leaflet/leaflet-src.js", "../registry/config.py",
                                  "xstatic/pkg/leaflet/__init__.py", "leaflet"])
def test_files_outside_the_vendor_list_are_not_served(client, name):
    assert status_of(client, f"/vendor/{vendor_release()}/{name}") == 404


def test_an_old_release_path_is_not_served(client):
    assert status_of(client, "/vendor/0.0-0.0/leaflet/leaflet.js") == 404


def test_the_map_page_is_small_and_loads_nothing_from_the_internet_but_tiles(client, places):
    answer = client.get("/map")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and len(answer.data) < 50_000
    outside = set(re.findall(r"https?://[^\s\"'<>\\]+", page)) - {OSM_TEMPLATE, "https://www.openstreetmap.org/copyright"}
    assert outside == set()
    assert "KCN Tịnh Phong" not in page  # data comes through the API, not the page
    for asset in re.findall(r'(?:src|href)="(/vendor/[^"]+)"', page):
        assert status_of(client, asset) == 200


def test_the_filters_form_fills_from_the_query_and_ignores_nonsense(client, places):
    page = client.get("/map?province=51&kind=industrial_park&min_available_ha=50").get_data(as_text=True)
    assert '<option value="51" selected>' in page and '<option value="industrial_park" selected>' in page
    assert 'value="50"' in page
    assert client.get("/map?kind=castle&min_available_ha=lots").status_code == 200


def test_the_tile_url_comes_from_the_configuration(app, client):
    app.config["MAP_TILE_URL"] = "http://127.0.0.1:8088/tiles/{z}/{x}/{y}.png"
    try:
        page = client.get("/map").get_data(as_text=True)
    finally:
        app.config["MAP_TILE_URL"] = OSM_TEMPLATE
    assert "http://127.0.0.1:8088/tiles/{z}/{x}/{y}.png" in page and OSM_TEMPLATE not in page


def test_zones_geojson_filters_by_box_and_marks_points_approximate(client, places):
    collection = client.get("/api/v1/zones.geojson?bbox=108.5,15.0,109.0,15.5&zoom=12").get_json()
    by_id = {f["id"]: f for f in collection["features"]}
    assert set(by_id) == {places["inside"], places["pointed"]}
    inside = by_id[places["inside"]]["properties"]
    assert inside["name"] == "KCN Tịnh Phong" and inside["kind"] == "industrial_park" and inside["approximate"] is False
    assert inside["available_ha"] == 120 and inside["occupancy"] == 70.0 and inside["kind_label"]
    assert by_id[places["pointed"]]["geometry"]["type"] == "Point" and by_id[places["pointed"]]["properties"]["approximate"] is True


def test_zones_geojson_filters_by_province_kind_and_free_land(client, places):
    def ids(query):
        return {f["id"] for f in client.get(f"/api/v1/zones.geojson?{query}").get_json()["features"]}

    assert ids("province=01") == {places["far"]}
    assert ids("kind=industrial_cluster") == {places["pointed"]}
    assert ids("min_available_ha=100") == {places["inside"]}
    assert ids("q=tinh phong") == {places["inside"]}


def test_zone_geometry_is_simplified_at_low_zoom(client, places):
    def vertices(zoom):
        collection = client.get(f"/api/v1/zones.geojson?province=01&zoom={zoom}").get_json()
        return shapely.get_num_coordinates(shapely.geometry.shape(collection["features"][0]["geometry"]))

    assert vertices(6) < vertices(14) / 5


@pytest.mark.parametrize("query", ["bbox=1,2,3", "bbox=a,b,c,d", "bbox=110,10,100,20", "bbox=0,0,200,10", "bbox=nan,1,2,3",
                                   "zoom=99", "kind=castle", "min_available_ha=-1"])
def test_bad_zone_arguments_answer_400_in_the_api_error_shape(client, query):
    answer = client.get(f"/api/v1/zones.geojson?{query}")
    body = answer.get_json()
    assert answer.status_code == 400 and body["status"] == 400 and body["errors"] and body["message"]


def test_the_bbox_error_is_in_the_users_language(client):
    english = client.get("/api/v1/zones.geojson?bbox=1,2,3&lang=en").get_json()["message"]
    assert "min_lon,min_lat,max_lon,max_lat" in english


def test_enterprises_geojson_finds_points_in_a_box(client, places):
    collection = client.get("/api/v1/enterprises.geojson?bbox=108.5,15.0,109.0,15.6").get_json()
    assert {f["properties"]["id"] for f in collection["features"]} == {places["near"], places["second"]}
    assert collection["truncated"] is False
    feature = next(f for f in collection["features"] if f["properties"]["id"] == places["near"])
    assert feature["geometry"]["coordinates"] == [108.751, 15.201]
    assert collection["url_template"].replace("{id}", str(places["near"])) == f"/enterprises/{places['near']}"


def test_enterprises_geojson_finds_points_within_a_radius_nearest_first(client, places):
    collection = client.get("/api/v1/enterprises.geojson?near=15.2,108.75&radius_km=50").get_json()
    assert [f["properties"]["id"] for f in collection["features"]] == [places["near"], places["second"]]
    close = client.get("/api/v1/enterprises.geojson?near=15.2,108.75&radius_km=5").get_json()
    assert [f["properties"]["id"] for f in close["features"]] == [places["near"]]


def test_enterprises_geojson_reports_truncation(client, places):
    collection = client.get("/api/v1/enterprises.geojson?limit=2").get_json()
    assert len(collection["features"]) == 2 and collection["truncated"] is True


def test_enterprises_geojson_shows_only_published_records(client, ctx, places):
    db.session.get(Enterprise, places["second"]).status = Status.PENDING
    db.session.commit()
    ids = {f["properties"]["id"] for f in client.get("/api/v1/enterprises.geojson?province=51").get_json()["features"]}
    assert ids == {places["near"]}


@pytest.mark.parametrize("query", ["near=15", "near=a,b", "near=95,10", "near=15,108&radius_km=0", "near=15,108&radius_km=1000",
                                   "limit=0", "bbox=1,1,1,1"])
def test_bad_enterprise_arguments_answer_400(client, query):
    answer = client.get(f"/api/v1/enterprises.geojson?{query}")
    assert answer.status_code == 400 and answer.get_json()["errors"]


def test_a_hostile_zone_name_is_only_json_string_data(client, ctx):
    add_zone(XSS_NAME, geometry=wavy_circle(106.0, 11.0))
    db.session.commit()
    answer = client.get("/api/v1/zones.geojson?bbox=105.5,10.5,106.5,11.5")
    assert answer.mimetype == "application/geo+json"
    assert json.loads(answer.data)["features"][0]["properties"]["name"] == XSS_NAME
    assert XSS_NAME not in client.get("/map").get_data(as_text=True)


def test_an_embedded_map_keeps_a_hostile_name_inside_its_script_data(app, ctx):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [106, 11]}, "properties": {"name": "</script>" + XSS_NAME}}
    with app.test_request_context("/"):
        parts = embedded_map(layers=[{"name": XSS_NAME, "data": {"type": "FeatureCollection", "features": [feature]}, "style": "zone",
                                      "fit": True}])
    assert "</script>" not in parts.script and "<img" not in parts.script
    assert "\\u003cimg src=x onerror=alert(1)\\u003e${alert(1)}" in parts.script


def test_an_unknown_layer_style_is_refused(app):
    with app.test_request_context("/"), pytest.raises(ValueError):
        embedded_map(layers=[{"name": "x", "style": "glitter"}])


def test_province_and_enterprise_maps_point_at_their_layers(app, ctx, places):
    with app.test_request_context("/"):
        province = province_map("51")
        located = enterprise_map(db.session.get(Enterprise, places["near"]))
        unplaced = enterprise_map(Enterprise(tax_code="0100000009", name_vi="X", province_code="51"))
    assert "/api/v1/zones.geojson?province=51" in province.script and "/api/v1/enterprises.geojson?province=51" in province.script
    assert "Công ty Môi trường 1" in located.script and '"center":[15.201,108.751]' in located.script.replace(" ", "")
    assert unplaced is None


def test_the_openapi_document_describes_the_geojson_layers(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "bbox" in {p["name"] for p in paths["/zones.geojson"]["get"]["parameters"]}
    assert "near" in {p["name"] for p in paths["/enterprises.geojson"]["get"]["parameters"]}


def test_maps_are_rendered_once_and_only_their_settings_change(app, ctx, places):
    with app.test_request_context("/"):
        first = enterprise_map(db.session.get(Enterprise, places["near"]))
        second = enterprise_map(db.session.get(Enterprise, places["hanoi"]))
    assert (first.header, first.body) == (second.header, second.body)
    assert first.script != second.script and "21." in second.script
