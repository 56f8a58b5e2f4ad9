"""Boundary uploads: every bad file answered in words and nothing changed; preview, publish, restore, placement."""
from __future__ import annotations

import io
import json
import re
import zipfile

import geopandas
import maps
import pytest
from shapely.geometry import Polygon

from registry.enterprises.models import Enterprise
from registry.enterprises.service import create_enterprise
from registry.extensions import db
from registry.zones.messages import MESSAGES, geodata_message
from registry.zones.models import BoundaryVersion, Zone

from .conftest import csrf_token
from .factories import BOARD_A, make_zone

SQUARE = [[105.75, 10.30], [105.77, 10.30], [105.77, 10.32], [105.75, 10.32], [105.75, 10.30]]
BIGGER = [[105.74, 10.29], [105.78, 10.29], [105.78, 10.33], [105.74, 10.33], [105.74, 10.29]]


def geojson(*geometries) -> bytes:
    features = [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def polygon(ring=SQUARE) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def zipped(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def shapefile_without_prj(tmp_path) -> bytes:
    frame = geopandas.GeoDataFrame({"ten": ["KCN Sa Đéc"]}, geometry=[Polygon(SQUARE)], crs="EPSG:4326")
    frame.to_file(tmp_path / "sa_dec.shp", engine="pyogrio")
    return zipped({p.name: p.read_bytes() for p in sorted(tmp_path.glob("sa_dec.*")) if p.suffix != ".prj"})


KML_POINTS = (b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
              b"<Placemark><name>Cong</name><Point><coordinates>105.76,10.31</coordinates></Point></Placemark></Document></kml>")


@pytest.fixture
def zone_id(app):
    with app.app_context():
        return make_zone(total_ha=1000).id  # the test square maps about 486 ha: a mismatch past 20 %


@pytest.fixture
def editor(client, accounts, zone_id):
    accounts.user("editor.a@example.vn", role="zone_editor", name=BOARD_A, kind="zone_board", province="82")
    accounts.sign_in(client, "editor.a@example.vn")
    return client


def upload(client, zone_id: int, data: bytes | None, filename: str = "ranh-gioi.geojson", crs: str = "", token: str = ""):
    form = {"csrf_token": csrf_token(client, f"/zones/{zone_id}/boundary"), "crs": crs, "token": token}
    if data is not None:
        form["file"] = (io.BytesIO(data), filename)
    return client.post(f"/zones/{zone_id}/boundary?lang=en", data=form, content_type="multipart/form-data")


def state(app, zone_id: int) -> tuple:
    with app.app_context():
        zone = db.session.get(Zone, zone_id)
        return zone.version, zone.boundary_wkb, db.session.scalar(db.select(db.func.count()).select_from(BoundaryVersion))


def english(code: str, **params) -> str:
    return str(MESSAGES[code]) % params if params else str(MESSAGES[code])


BAD_FILES = {
    "empty geometry": (geojson({"type": "Polygon", "coordinates": []}), "a.geojson", "empty_geometry"),
    "points for a polygon": (geojson({"type": "Point", "coordinates": [105.76, 10.31]}), "a.geojson", "points_not_polygons"),
    "latitude and longitude swapped": (geojson(polygon([[y, x] for x, y in SQUARE])), "a.geojson", "lat_lon_swapped"),
    "corrupt zip": (b"PK\x03\x04 this is not really a zip archive", "ranh-gioi.zip", "corrupt_zip"),
    "KML with only points": (KML_POINTS, "ranh-gioi.kml", "points_not_polygons"),
    "unsupported file type": (b"x,y\n1,2\n", "ranh-gioi.csv", "unsupported_format"),
    "not GeoJSON at all": (b"{not json", "ranh-gioi.geojson", "unreadable_file"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_each_bad_file_gets_a_clear_message_and_nothing_changes(app, editor, zone_id, case):
    data, filename, code = BAD_FILES[case]
    before = state(app, zone_id)
    response = upload(editor, zone_id, data, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    first_words = str(MESSAGES[code]).split("%(")[0].split("“")[0].strip()
    assert first_words in page.replace("&#34;", '"').replace("&#39;", "'")
    assert state(app, zone_id) == before


def test_swapped_coordinates_are_named_as_such(app, editor, zone_id):
    page = upload(editor, zone_id, geojson(polygon([[y, x] for x, y in SQUARE]))).get_data(as_text=True)
    assert "Latitude and longitude appear to be swapped" in page


def test_zip_bombs_are_not_opened(app, editor, zone_id):
    before = state(app, zone_id)
    ratio_bomb = zipped({"sa_dec.shp": b"\0" * (2 * 2**20), "sa_dec.shx": b"", "sa_dec.dbf": b""})
    page = upload(editor, zone_id, ratio_bomb, "bomb.zip").get_data(as_text=True)
    assert "The zip archive was not opened: the compression ratio is" in page
    crowded = zipped({f"part{i}.txt": b"x" for i in range(201)})
    page = upload(editor, zone_id, crowded, "crowded.zip").get_data(as_text=True)
    assert "the number of files is 201, over the limit of 200" in page
    assert state(app, zone_id) == before


def test_the_library_refuses_files_over_its_limit_and_says_so():
    with pytest.raises(maps.GeodataError) as refused:
        maps.read_boundary_file(b" " * (2**20 + 1), "big.geojson", max_bytes=2**20)
    assert refused.value.code == "too_large"
    assert geodata_message("too_large", refused.value.params) == "The file is 1.0 MB; the limit is 1.0 MB."
    uncompressed = geodata_message("zip_bomb", {"rule": "uncompressed_bytes", "found": 600 * 2**20, "limit": 500 * 2**20})
    assert "the uncompressed size is 600.0 MB, over the limit of 500 MB" in uncompressed


def test_a_request_over_the_app_limit_gets_the_413_page(app, editor, zone_id):
    before = state(app, zone_id)
    # A hand-made multipart body: the test client would spool a file part to a temporary file left open on 413.
    token = csrf_token(editor, f"/zones/{zone_id}/boundary")
    body = (b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token.encode()
            + b"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.geojson\"\r\n\r\n"
            + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1) + b"\r\n--b--\r\n")
    response = editor.post(f"/zones/{zone_id}/boundary?lang=en", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert "50 MB" in response.get_data(as_text=True)
    assert state(app, zone_id) == before


def test_every_maps_code_has_a_translated_message():
    assert set(maps.MESSAGES) | {"far_from_recorded"} <= set(MESSAGES)
    assert geodata_message("far_from_recorded", {"km": 40, "limit_km": 15}).startswith("The new boundary's centre lies 40 km")


def test_a_shapefile_without_prj_asks_for_the_crs_and_keeps_the_file(app, editor, zone_id, tmp_path):
    response = upload(editor, zone_id, shapefile_without_prj(tmp_path), "sa_dec.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "has no .prj file" in page and "We kept your file sa_dec.zip" in page
    token = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page).group(1)
    chosen = upload(editor, zone_id, None, crs="EPSG:4326", token=token)
    assert chosen.status_code == 302 and f"/boundary/{token}" in chosen.headers["Location"]
    assert state(app, zone_id)[2] == 0


def test_a_staged_file_is_only_reachable_by_its_uploader(app, client, accounts, editor, zone_id, tmp_path):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"',
                      upload(editor, zone_id, shapefile_without_prj(tmp_path), "sa_dec.zip").get_data(as_text=True)).group(1)
    other = app.test_client()
    accounts.user("officer.dt@example.vn", name="Sở Công Thương Tiền Giang", province="82")
    accounts.sign_in(other, "officer.dt@example.vn")
    assert other.get(f"/zones/{zone_id}/boundary/{token}").status_code == 404


def publish_from_preview(client, zone_id: int, location: str):
    page = client.get(location + ("&" if "?" in location else "?") + "lang=en").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+/publish)"', page).group(1)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
    return page, client.post(action, data={"csrf_token": csrf_token(client, location), "version": version, "crs": ""})


def test_preview_then_publish_creates_version_one_with_who_and_when(app, editor, zone_id):
    response = upload(editor, zone_id, geojson(polygon()))
    assert response.status_code == 302 and state(app, zone_id)[2] == 0
    page, published = publish_from_preview(editor, zone_id, response.headers["Location"])
    assert "Publish as version 1" in page and "registry-map" in page
    assert "differs from the mapped area" in page
    assert published.status_code == 302
    with app.app_context():
        version = db.session.scalar(db.select(BoundaryVersion))
        assert version.number == 1 and version.created_by_label == "editor.a@example.vn"
        assert db.session.get(Zone, zone_id).boundary_approximate is False
    detail = editor.get(f"/zones/{zone_id}?lang=en").get_data(as_text=True)
    assert "ranh-gioi.geojson" in detail and "Nguyễn Văn An" in detail


def test_a_self_intersecting_polygon_is_repaired_and_reported(app, editor, zone_id):
    bowtie = [[105.75, 10.30], [105.77, 10.32], [105.77, 10.30], [105.75, 10.32], [105.75, 10.30]]
    response = upload(editor, zone_id, geojson(polygon(bowtie)))
    page = editor.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "invalid polygon(s), such as a boundary crossing itself, were repaired" in page
    assert state(app, zone_id)[2] == 0


def test_a_boundary_far_from_the_recorded_position_is_flagged(app, editor):
    with app.app_context():
        far_zone = make_zone("Khu công nghiệp Tân Kiều", latitude=10.6, longitude=105.9).id
    response = upload(editor, far_zone, geojson(polygon()))
    page = editor.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "km from the zone&#39;s recorded position" in page


def test_a_stale_publish_is_refused_with_both_boundaries_shown(app, editor, zone_id):
    first = upload(editor, zone_id, geojson(polygon()))
    second = upload(editor, zone_id, geojson(polygon(BIGGER)))
    page = editor.get(second.headers["Location"] + "?lang=en").get_data(as_text=True)
    stale = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
    action = re.search(r'action="([^"]+/publish)"', page).group(1)
    publish_from_preview(editor, zone_id, first.headers["Location"])
    response = editor.post(action + "?lang=en", data={"csrf_token": csrf_token(editor, second.headers["Location"]), "version": stale, "crs": ""})
    assert response.status_code == 409
    assert "The zone changed while you were checking" in response.get_data(as_text=True)
    assert state(app, zone_id)[2] == 1


def test_any_version_can_be_restored(app, editor, zone_id):
    for ring in (SQUARE, BIGGER):
        publish_from_preview(editor, zone_id, upload(editor, zone_id, geojson(polygon(ring))).headers["Location"])
    detail = editor.get(f"/zones/{zone_id}?lang=en").get_data(as_text=True)
    assert "Restore version 1" in detail
    version = re.search(r'name="version" value="(\d+)"', detail).group(1)
    response = editor.post(f"/zones/{zone_id}/versions/1/restore", data={"csrf_token": csrf_token(editor, f"/zones/{zone_id}"), "version": version})
    assert response.status_code == 302
    with app.app_context():
        newest = db.session.scalar(db.select(BoundaryVersion).order_by(BoundaryVersion.number.desc()))
        assert newest.number == 3 and newest.restored_from == 1
        assert db.session.get(Zone, zone_id).boundary_wkb == newest.boundary_wkb
    stale = editor.post(f"/zones/{zone_id}/versions/2/restore", data={"csrf_token": csrf_token(editor, f"/zones/{zone_id}"), "version": version})
    assert stale.status_code == 302 and state(app, zone_id)[2] == 3


def test_an_enterprise_is_placed_in_the_zone_when_its_boundary_is_published(app, editor, zone_id):
    with app.app_context():
        enterprise = create_enterprise(None, {"tax_code": "0100109106", "name_vi": "Công ty TNHH Xử lý Nước Sa Đéc",
                                               "province_code": "82", "latitude": 10.31, "longitude": 105.76}, source="tests")
        db.session.commit()
        enterprise_id = enterprise.id
        assert enterprise.zone_id is None
    publish_from_preview(editor, zone_id, upload(editor, zone_id, geojson(polygon())).headers["Location"])
    with app.app_context():
        assert db.session.get(Enterprise, enterprise_id).zone_id == zone_id
    assert "Công ty TNHH Xử lý Nước Sa Đéc" in editor.get(f"/zones/{zone_id}").get_data(as_text=True)


def test_a_file_of_more_features_or_vertices_than_the_settings_allow_is_refused_in_words(app, editor, zone_id):
    before = state(app, zone_id)
    features, app.config["BOUNDARY_MAX_FEATURES"] = app.config["BOUNDARY_MAX_FEATURES"], 3
    try:
        squares = [polygon([[x + 0.03 * n, y] for x, y in SQUARE]) for n in range(4)]
        page = upload(editor, zone_id, geojson(*squares)).get_data(as_text=True)
        assert "The file holds 4 features; at most 3 are read from one upload." in page
    finally:
        app.config["BOUNDARY_MAX_FEATURES"] = features
    vertices, app.config["BOUNDARY_MAX_VERTICES"] = app.config["BOUNDARY_MAX_VERTICES"], 4
    try:
        response = upload(editor, zone_id, geojson(polygon()))
        assert response.status_code == 422
        assert "have 5 vertices; at most 4 are read from one upload" in response.get_data(as_text=True)
    finally:
        app.config["BOUNDARY_MAX_VERTICES"] = vertices
    assert state(app, zone_id) == before


def test_a_restore_refused_after_something_was_flushed_keeps_nothing(app, editor, zone_id, monkeypatch):
    from registry.zones import boundary_views, service

    for ring in (SQUARE, BIGGER):
        publish_from_preview(editor, zone_id, upload(editor, zone_id, geojson(polygon(ring))).headers["Location"])

    def restore_then_refuse(actor, zone, old, expected_version):
        zone.name_vi = "Đổi dở dang"
        db.session.flush()
        raise service.ZoneConflict(zone)

    monkeypatch.setattr(boundary_views.boundaries, "restore", restore_then_refuse)
    detail = editor.get(f"/zones/{zone_id}?lang=en").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', detail).group(1)
    answer = editor.post(f"/zones/{zone_id}/versions/1/restore?lang=en",
                         data={"csrf_token": csrf_token(editor, f"/zones/{zone_id}"), "version": version})
    assert answer.status_code == 302
    assert "nothing was restored" in editor.get(f"/zones/{zone_id}?lang=en").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Zone, zone_id).name_vi != "Đổi dở dang"
