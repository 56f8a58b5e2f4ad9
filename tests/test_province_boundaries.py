"""An operator loads the provinces' boundaries; checks become exact, province pages and every map draw them."""
from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from shapely.geometry import box

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.places import boundaries
from registry.places.models import ProvinceBoundary
from registry.zones.boundaries import review_notices, set_geometry

from .conftest import csrf_token
from .factories import load_province_boundaries, make_enterprise, make_zone, province_boundaries

REAL_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "vn-34-provinces-2026.geojson"
SHARED_FILE = REAL_FILE if REAL_FILE.exists() else Path("/work/shared/data/vn-34-provinces-2026.geojson")
# Demo positions (lat, lon) of Quảng Ngãi's and Đà Nẵng's seats: each lies in its own made-up cell.
QUANG_NGAI = (15.10, 108.75)
DA_NANG = (15.98, 108.15)


def stored(app) -> dict[str, ProvinceBoundary]:
    with app.app_context():
        return {row.province_code: (row.vertices, row.source) for row in db.session.scalars(db.select(ProvinceBoundary))}


def test_the_operator_loads_the_34_boundaries_and_the_command_says_what_it_wrote(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    result = load_province_boundaries(tmp_path, runner)
    assert result.exit_code == 0, result.output
    assert "Đang đọc và kiểm tra provinces.geojson" in result.output
    assert "Đã nạp ranh giới của 34 tỉnh, thành phố" in result.output
    rows = stored(app)
    assert len(rows) == 34 and rows["51"][1] == "provinces.geojson"
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity_type == "province_boundary")).all()
        assert {entry.entity_id for entry in entries} == set(rows) and {entry.actor_label for entry in entries} == {"cli"}
        outline = json.loads(db.session.get(ProvinceBoundary, "51").display_geojson)
        assert outline["type"] in {"Polygon", "MultiPolygon"}


def test_loading_again_replaces_the_boundaries(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    again = load_province_boundaries(tmp_path, runner, name="again.geojson")
    assert again.exit_code == 0, again.output
    assert "They replace the 34 boundaries loaded before." in again.output
    assert {source for _vertices, source in stored(app).values()} == {"again.geojson"}


@pytest.mark.parametrize(("file", "named"), ids=["missing", "unknown", "twice", "swapped", "invalid", "no_codes"], argvalues=[
    (province_boundaries(drop=("51",)), ["Provinces missing: 51 Quảng Ngãi."]),
    (province_boundaries(extra=("99",)), ["Codes that are not a province of 2025: 99."]),
    (province_boundaries(twice=("48",)), ["Provinces given more than once: 48 Thành phố Đà Nẵng."]),
    (province_boundaries(drop=("01",), extra=("02",)), ["Codes that are not a province of 2025: 02.", "Provinces missing: 01 Thành phố Hà Nội."]),
    (province_boundaries(bow_tie="66"), ["The boundary of Tỉnh 66 (code 66) is not a valid polygon", "repair it in a GIS"]),
    (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ma": "51"}, '
     b'"geometry": {"type": "Point", "coordinates": [108.8, 15.1]}}]}', ["No attribute gives the provinces' GSO codes"]),
])
def test_a_file_that_is_not_the_34_provinces_is_refused_naming_them_and_nothing_changes(app, runner, tmp_path, monkeypatch, file, named):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    before = stored(app)
    result = load_province_boundaries(tmp_path, runner, file, name="bad.geojson")
    assert result.exit_code == 1
    for words in named:
        assert words in result.output
    assert "Nothing was changed." in result.output
    assert stored(app) == before


def test_a_file_the_registry_cannot_read_is_refused_in_vietnamese(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    result = load_province_boundaries(tmp_path, runner, b"code,name\n51,Quang Ngai\n", name="provinces.csv")
    assert result.exit_code == 1
    assert "Không chấp nhận tệp có đuôi “.csv”" in result.output
    assert stored(app) == {}


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.setattr("maps.provinces.MAX_FILE_BYTES", 1000)
    result = load_province_boundaries(tmp_path, runner)
    assert result.exit_code == 1 and "the limit is 0 MB" in result.output
    assert stored(app) == {}


@pytest.mark.skipif(not SHARED_FILE.exists(), reason=f"the real province file is not here ({SHARED_FILE}); CI has no shared folder")
def test_the_real_file_of_the_34_provinces_loads_and_places_known_points(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    result = load_province_boundaries(tmp_path, runner, SHARED_FILE.read_bytes(), name=SHARED_FILE.name)
    assert result.exit_code == 0, result.output
    with app.app_context():
        # VSIP Quảng Ngãi and Hội An's old town
        assert boundaries.check_point("51", 108.80, 15.12).inside is True
        hoi_an = boundaries.check_point("51", 108.33, 15.88)
        assert hoi_an.exact and hoi_an.inside is False and hoi_an.found_in.code == "48"
    outlines = app.test_client().get("/map/provinces.geojson", headers={"Accept-Encoding": "gzip"})
    assert outlines.status_code == 200 and len(outlines.data) < 200 * 1024
    assert len(json.loads(gzip.decompress(outlines.data))["features"]) == 34


def test_points_are_checked_exactly_once_boundaries_are_loaded_with_a_tolerance_at_the_border(app, ctx, runner, tmp_path):
    assert boundaries.check_point("51", QUANG_NGAI[1], QUANG_NGAI[0]) == boundaries.PlaceCheck(exact=False)
    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    assert boundaries.check_point("51", QUANG_NGAI[1], QUANG_NGAI[0]).inside is True
    elsewhere = boundaries.check_point("51", DA_NANG[1], DA_NANG[0])
    assert elsewhere.exact and elsewhere.inside is False and elsewhere.found_in.code == "48"
    # 100 m across the border of the made-up cells still counts; 2 km does not.
    index = boundaries.province_index()
    border = index.geometry("51").boundary
    point = border.interpolate(0.5, normalized=True)
    centre = index.geometry("51").centroid
    step = (point.x - centre.x, point.y - centre.y)
    length = (step[0] ** 2 + step[1] ** 2) ** 0.5
    for metres, inside in ((100, True), (2000, False)):
        out = (point.x + step[0] / length * metres / 111_320, point.y + step[1] / length * metres / 111_320)
        assert index.holds_point("51", *out, app.config["PROVINCE_BORDER_TOLERANCE_M"]) is inside


def test_the_enterprise_page_tells_its_editors_which_check_applies_to_its_point(app, english, accounts, runner, tmp_path):
    client = english
    with app.app_context():
        inside = make_enterprise(latitude=QUANG_NGAI[0], longitude=QUANG_NGAI[1]).id
        astray = make_enterprise(tax_code="0314409058-002", latitude=DA_NANG[0], longitude=DA_NANG[1]).id
    assert "In its province" not in client.get(f"/enterprises/{inside}").get_data(as_text=True)  # visitors are not told
    accounts.user("officer@example.vn")
    accounts.sign_in(client, "officer@example.vn")
    assert "approximate, province boundaries not loaded" in client.get(f"/enterprises/{inside}").get_data(as_text=True)
    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    page = client.get(f"/enterprises/{inside}").get_data(as_text=True)
    assert "In its province: checked against the province&#39;s boundary." in page
    page = client.get(f"/enterprises/{astray}").get_data(as_text=True)
    assert "This point lies outside the boundary of Quảng Ngãi, in Thành phố Đà Nẵng" in page


def test_a_zone_boundary_is_checked_against_its_province_once_boundaries_are_loaded(app, ctx, runner, tmp_path):
    zone = make_zone(province="51", board=None)
    at_home = box(QUANG_NGAI[1] - 0.02, QUANG_NGAI[0] - 0.02, QUANG_NGAI[1] + 0.02, QUANG_NGAI[0] + 0.02)
    astray = box(DA_NANG[1] - 0.02, DA_NANG[0] - 0.02, DA_NANG[1] + 0.02, DA_NANG[0] + 0.02)
    assert not [n for n in review_notices(zone, astray) if n.code == "outside_province"]
    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    assert not [n for n in review_notices(zone, at_home) if n.code == "outside_province"]
    (notice,) = [n for n in review_notices(zone, astray) if n.code == "outside_province"]
    assert notice.params == {"percent": 100.0, "province": "Quảng Ngãi", "found_in": "Thành phố Đà Nẵng"}


def test_the_outlines_are_one_compact_cached_answer_named_in_every_map(app, client, runner, tmp_path):
    url = re.search(r'"outlines":"([^"]+)"', client.get("/map").get_data(as_text=True)).group(1)
    assert client.get(url).get_json() == {"type": "FeatureCollection", "features": []}
    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    answer = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert answer.headers["Content-Encoding"] == "gzip" and answer.headers["Content-Type"] == "application/geo+json"
    assert "max-age=600" in answer.headers["Cache-Control"]
    outlines = json.loads(gzip.decompress(answer.data))
    assert len(outlines["features"]) == 34 and outlines["features"][0]["properties"] == {"code": "01", "name": "Thành phố Hà Nội"}
    assert client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": answer.headers["ETag"]}).status_code == 304
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and json.loads(plain.data) == outlines
    with app.app_context():
        zone_id = make_zone(province="51", board=None, latitude=QUANG_NGAI[0], longitude=QUANG_NGAI[1]).id
    assert f'"outlines":"{url}"' in client.get(f"/zones/{zone_id}").get_data(as_text=True)


def test_the_province_page_maps_its_outline_and_lists_its_zones_with_kind_and_free_land(app, english, runner, tmp_path):
    client = english
    with app.app_context():
        for number in range(3):
            zone = make_zone(f"Khu công nghiệp Thử {number}", province="51", board=None)
            zone.available_ha = 10.0 * number or None
            db.session.commit()
        set_geometry(zone, box(108.7, 15.0, 108.8, 15.1), approximate=False)
        db.session.commit()
    page = client.get("/provinces/51").get_data(as_text=True)
    assert "Khu công nghiệp Thử 2" in page and "Industrial park" in page and "not given" in page
    assert '"style":"province"' not in page and "registryMapConfig_" in page
    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    page = client.get("/provinces/51").get_data(as_text=True)
    assert '"style":"province"' in page and '"name":"Province boundary"' in page
    rows = re.findall(r'<th scope="row"><a href="/zones/\d+">([^<]+)</a>', page)
    assert rows == ["Khu công nghiệp Thử 2", "Khu công nghiệp Thử 1", "Khu công nghiệp Thử 0"]  # most free land first


def test_a_province_with_many_zones_lists_the_first_and_links_to_the_rest(app, english, monkeypatch):
    client = english
    monkeypatch.setattr("registry.places.views.ZONES_SHOWN", 2)
    with app.app_context():
        for number in range(3):
            make_zone(f"Cụm công nghiệp Thử {number}", province="51", board=None)
    page = client.get("/provinces/51").get_data(as_text=True)
    assert len(re.findall(r'<th scope="row"><a href="/zones/', page)) == 2
    assert 'href="/zones/?province=51"' in page and "See all 3 zones" in page


def test_the_boundary_preview_says_which_check_applies_and_warns_of_a_boundary_in_another_province(app, client, accounts, runner, tmp_path):
    accounts.user("admin@example.vn", role="admin")
    accounts.sign_in(client, "admin@example.vn")
    with app.app_context():
        zone_id = make_zone(province="51", board=None, figures={}).id
    ring = [[DA_NANG[1] + dx, DA_NANG[0] + dy] for dx, dy in ((0, 0), (0.02, 0), (0.02, 0.02), (0, 0.02), (0, 0))]
    upload = json.dumps({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}).encode()

    def preview() -> str:
        form = {"csrf_token": csrf_token(client, f"/zones/{zone_id}/boundary"), "crs": "", "token": "",
                "file": (io.BytesIO(upload), "ranh-gioi.geojson")}
        sent = client.post(f"/zones/{zone_id}/boundary?lang=en", data=form, content_type="multipart/form-data")
        return client.get(sent.headers["Location"] + "?lang=en").get_data(as_text=True)

    page = preview()
    assert "In its province: approximate, province boundaries not loaded" in page and "outside the boundary of" not in page
    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    page = preview()
    assert "In its province: checked against the province&#39;s boundary." in page
    assert "100.0% of the new boundary lies outside the boundary of Quảng Ngãi, mostly in Thành phố Đà Nẵng" in page


def test_a_geopackage_in_vn2000_is_read_and_reprojected(app, runner, tmp_path, monkeypatch):
    import geopandas

    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    frame = geopandas.read_file(io.BytesIO(province_boundaries())).rename(columns={"code": "ma_tinh"}).to_crs("EPSG:3405")
    frame.to_file(tmp_path / "tinh.gpkg", engine="pyogrio")
    result = runner.invoke(args=["places", "import-boundaries", str(tmp_path / "tinh.gpkg")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert boundaries.check_point("51", QUANG_NGAI[1], QUANG_NGAI[0]).inside is True
