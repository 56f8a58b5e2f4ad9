"""What the map shows and how fast: zones without a position listed, zone maps on their extent, shapes
stored per zoom level, enterprises counted per grid cell at low zoom, and compressed layers."""
from __future__ import annotations

import gzip
import json

import pytest
import shapely
from shapely.geometry import Point, box

from registry import create_app
from registry.extensions import db
from registry.mapping.unplaced import SHOWN
from registry.mapping.zone_maps import zone_map
from registry.zones.models import Zone

from .conftest import test_config
from .factories import BOARD_A, make_published_enterprises, make_zone


ELSEWHERE = "56"  # Khánh Hòa: none of the reference zones is there


def settings_of(parts) -> dict:
    """Read the settings a map gives its page script."""
    return json.loads(parts.script.rsplit("registryMapConfig_", 1)[1].split(" = ", 1)[1].rstrip(";").replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&"))


def test_a_fresh_registry_lists_its_reference_zones_without_a_position(tmp_path):
    # A first start of its own: other tests may give the shared registry's reference zones a boundary.
    fresh = create_app(test_config(f"sqlite:///{tmp_path}/fresh.sqlite", AUTO_INIT=True))
    with fresh.app_context():
        # The nine of the first sixteen reference zones, and the zones the sourced figures added without a position.
        lost = db.session.scalar(db.select(db.func.count()).select_from(Zone).where(
            Zone.display_geojson.is_(None), Zone.latitude.is_(None)))
    assert lost >= 9
    client = fresh.test_client()
    page = client.get("/map?lang=en").get_data(as_text=True)
    assert f"{lost} zones have no position yet" in page
    assert page.split('class="map-unplaced-list"')[1].split("</ul>")[0].count("<li>") == min(lost, SHOWN)
    assert "Phổ Phong" in client.get("/map").get_data(as_text=True).split('class="map-unplaced-list"')[1]
    with fresh.app_context():
        db.engine.dispose()


def test_the_map_lists_the_zones_it_cannot_draw_with_their_board(client, ctx):
    lost = make_zone("KCN Chưa Định Vị", province=ELSEWHERE, figures={})
    make_zone("KCN Có Tọa Độ", province=ELSEWHERE, latitude=12.3, longitude=109.1)
    make_zone("KCN Có Ranh Giới", province=ELSEWHERE, boundary=box(109.0, 12.2, 109.1, 12.3))
    page = client.get(f"/map?province={ELSEWHERE}&lang=en").get_data(as_text=True)
    assert "1 zone has no position yet" in page
    assert f'href="/zones/{lost.id}"' in page and "KCN Chưa Định Vị" in page and f"managed by {BOARD_A}" in page
    assert "KCN Có Tọa Độ</a>" not in page and "KCN Có Ranh Giới</a>" not in page


def test_the_list_of_zones_without_position_follows_the_map_filters(client, ctx):
    make_zone("KCN Chưa Định Vị", province=ELSEWHERE, figures={})
    make_zone("CCN Chưa Định Vị", province=ELSEWHERE, kind="industrial_cluster", board=None, figures={})
    clusters = client.get(f"/map/unplaced?province={ELSEWHERE}&kind=industrial_cluster&lang=en").get_data(as_text=True)
    assert "1 zone has no position yet" in clusters and "CCN Chưa Định Vị" in clusters and "KCN Chưa Định Vị" not in clusters
    assert "no managing board recorded" in clusters
    elsewhere = client.get("/map/unplaced?province=48&lang=en").get_data(as_text=True)
    assert "no position yet" not in elsewhere and "Every zone shown has a position" in elsewhere


@pytest.fixture
def in_request(app, ctx):
    """A request in English, as the zone page builds its map in."""
    with app.test_request_context("/?lang=en"):
        yield


def test_a_zone_known_by_its_point_opens_on_a_view_sized_by_its_area(in_request):
    zone = make_zone("Khu kinh tế Thử nghiệm", kind="economic_zone", figures={"total_ha": 45000}, latitude=15.4, longitude=108.8)
    (south, west), (north, east) = settings_of(zone_map(zone, []))["bounds"]
    assert south < 15.4 < north and west < 108.8 < east
    assert (north - south) * 111 > 30  # a 45,000 ha zone is about 24 km across: not a street-level view of one dot
    small = make_zone("KCN Nhỏ", figures={}, latitude=10.3, longitude=105.7)
    (south, _), (north, _) = settings_of(zone_map(small, []))["bounds"]
    assert 2.5 < (north - south) * 111 < 10


def test_a_zone_with_a_boundary_opens_on_its_bounds(in_request):
    zone = make_zone(boundary=box(105.6, 10.2, 105.7, 10.26))
    assert settings_of(zone_map(zone, []))["bounds"] == [[10.2, 105.6], [10.26, 105.7]]


def test_an_economic_zone_map_draws_its_parks_and_opens_on_all_of_them(in_request):
    economic = make_zone("Khu kinh tế Chưa Định Vị", kind="economic_zone", figures={})
    park = make_zone("KCN Trong Khu Kinh Tế", boundary=box(108.7, 15.2, 108.8, 15.3), parent_id=economic.id)
    other = make_zone("KCN Thứ Hai", latitude=15.5, longitude=108.9, parent_id=economic.id)
    settings = settings_of(zone_map(economic, [park, other]))
    (south, west), (north, east) = settings["bounds"]
    assert south <= 15.2 and west <= 108.7 and north > 15.5 and east > 108.9
    inside = next(layer for layer in settings["layers"] if layer["name"] == "Zones inside")
    assert {feature["id"] for feature in inside["data"]["features"]} == {park.id, other.id}
    assert zone_map(make_zone("Khu kinh tế Trống", kind="economic_zone", figures={}), []) is None


def vertex_count(feature: dict) -> int:
    return shapely.get_num_coordinates(shapely.geometry.shape(feature["geometry"]))


def test_zone_shapes_are_stored_per_zoom_level_when_the_boundary_is_written(client, ctx):
    zone = make_zone(province=ELSEWHERE, boundary=Point(109.05, 12.25).buffer(0.05, quad_segs=200))
    stored = db.session.get(Zone, zone.id)
    assert all(getattr(stored, f"display_z{level}") for level in (6, 9, 12))
    def drawn(zoom):
        features = client.get(f"/api/v1/zones.geojson?province={ELSEWHERE}&zoom={zoom}").get_json()["features"]
        return next(feature for feature in features if feature["id"] == zone.id)

    counts = {zoom: vertex_count(drawn(zoom)) for zoom in (5, 6, 9, 12, 15)}
    assert counts[5] == counts[6] < counts[9] < counts[12] < counts[15]
    assert json.loads(stored.display_z9) == drawn(8)["geometry"]


def test_a_new_boundary_shows_in_the_kept_whole_country_layer(client, ctx, app):
    from registry.zones.boundaries import publish_boundary

    zone = make_zone(boundary=box(105.6, 10.2, 105.7, 10.3))

    def drawn():
        return next(f for f in client.get("/api/v1/zones.geojson").get_json()["features"] if f["id"] == zone.id)["geometry"]

    before = drawn()
    publish_boundary(None, db.session.get(Zone, zone.id), box(106.6, 10.2, 106.7, 10.3))
    db.session.commit()
    after = drawn()
    assert shapely.geometry.shape(before).bounds[0] == pytest.approx(105.6)
    assert shapely.geometry.shape(after).bounds[0] == pytest.approx(106.6)


def test_a_zone_box_straddling_the_view_is_kept_only_when_its_shape_meets_it(client, ctx):
    # An L-shaped zone whose box covers the view's corner while the shape itself stays out of it.
    shape = box(109.0, 12.0, 109.1, 12.5).union(box(109.0, 12.0, 109.5, 12.1))
    make_zone(province=ELSEWHERE, boundary=shape)
    for zoom in (9, 15):
        assert client.get(f"/api/v1/zones.geojson?bbox=109.3,12.3,109.6,12.6&zoom={zoom}").get_json()["features"] == []
        assert len(client.get(f"/api/v1/zones.geojson?bbox=109.0,12.3,109.6,12.6&zoom={zoom}").get_json()["features"]) == 1


@pytest.fixture
def dense(ctx, monkeypatch, app):
    """Thirty enterprises around one spot, five around another, one alone; the map shows at most ten as points."""
    monkeypatch.setitem(app.config, "MAP_POINTS_IN_VIEW", 10)
    spot = [(105.70 + 0.001 * (n % 6), 10.30 + 0.001 * (n // 6)) for n in range(30)]
    second = [(106.40 + 0.001 * n, 10.90) for n in range(5)]
    return make_published_enterprises(spot + second + [(107.9, 11.9)])


def test_a_dense_view_with_a_zoom_is_answered_as_counts_per_grid_cell(client, dense):
    answer = client.get("/api/v1/enterprises.geojson?bbox=104,9,109,13&zoom=8").get_json()
    assert answer["clustered"] is True and answer["total"] == 36
    cells = [f for f in answer["features"] if "count" in f["properties"]]
    lone = [f for f in answer["features"] if "count" not in f["properties"]]
    assert sorted(cell["properties"]["count"] for cell in cells) == [5, 30]
    for cell in cells:
        west, south, east, north = cell["properties"]["bbox"]
        lon, lat = cell["geometry"]["coordinates"]
        assert west < lon < east and south < lat < north  # the cell's centre
    assert len(lone) == 1 and lone[0]["properties"]["id"] == dense[-1] and lone[0]["properties"]["name"] == "Công ty Môi trường 35"
    assert lone[0]["geometry"]["coordinates"] == [107.9, 11.9]


def test_a_view_holding_few_enough_enterprises_gets_their_points(client, dense):
    answer = client.get("/api/v1/enterprises.geojson?bbox=106,10.5,108,12&zoom=9").get_json()
    assert "clustered" not in answer and len(answer["features"]) == 6
    assert all("name" in feature["properties"] for feature in answer["features"])


def test_without_a_zoom_every_point_comes_as_before(client, dense):
    answer = client.get("/api/v1/enterprises.geojson?bbox=104,9,109,13").get_json()
    assert "clustered" not in answer and len(answer["features"]) == 36
    near = client.get("/api/v1/enterprises.geojson?near=10.3,105.7&radius_km=20&zoom=8").get_json()
    assert "clustered" not in near and len(near["features"]) == 30


@pytest.mark.parametrize("query", ["zoom=23", "zoom=-1", "zoom=ten"])
def test_a_bad_zoom_for_enterprises_answers_400(client, query):
    answer = client.get(f"/api/v1/enterprises.geojson?{query}")
    assert answer.status_code == 400 and answer.get_json()["errors"]


def test_large_layers_are_gzipped_for_clients_that_accept_it(client, ctx):
    for number in range(6):
        make_zone(f"KCN Lớn {number}", boundary=Point(105 + number / 10, 10.25).buffer(0.04, quad_segs=200))
    plain = client.get("/api/v1/zones.geojson?zoom=15")
    packed = client.get("/api/v1/zones.geojson?zoom=15", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    assert packed.headers["Content-Encoding"] == "gzip" and len(packed.data) < len(plain.data) / 2
    assert json.loads(gzip.decompress(packed.data)) == plain.get_json()


def test_a_hostile_zone_name_in_the_list_of_zones_without_position_stays_text(client, ctx):
    make_zone("<img src=x onerror=alert(1)>${alert(1)}", province=ELSEWHERE, board="<b>Ban</b> \"quản lý\"", figures={})
    page = client.get(f"/map/unplaced?province={ELSEWHERE}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;${alert(1)}" in page
    assert "<b>Ban</b>" not in page and "&lt;b&gt;Ban&lt;/b&gt;" in page
