"""A GIS layer of many zones: a Quảng Ngãi board's zipped Shapefile in VN-2000 TM-3 imports through the CLI and the import page.

Each feature publishes the next boundary version of the zone it matches, or records the zone; one
bad feature stops them all, with the feature named.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import geopandas
import maps
import pytest
import shapely
from shapely.geometry import Polygon

from registry.extensions import db
from registry.zones.models import BoundaryVersion, Zone

from .conftest import csrf_token
from .factories import QUANG_NGAI_PARKS, make_zone, park_polygon, zone_layer_zip

METRE_IN_DEGREES = 1 / 111_320


@pytest.fixture
def tinh_phong(app):
    """KCN Tịnh Phong recorded in Quảng Ngãi without a boundary; KCN Quảng Phú is not recorded yet."""
    with app.app_context():
        return make_zone("KCN Tịnh Phong", board=None, province="51", figures={}).id


def versions(app) -> int:
    """Boundary versions published for zones of Quảng Ngãi (the reference data holds a few elsewhere)."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(BoundaryVersion).join(Zone).where(Zone.province_code == "51")
                                 .where(Zone.name_vi.like("KCN %")))


def zones_named(app, *names: str) -> dict[str, Zone]:
    with app.app_context():
        found = db.session.scalars(db.select(Zone).where(Zone.name_vi.in_(names))).all()
        db.session.expunge_all()
        return {zone.name_vi: zone for zone in found}


def assert_lands_where_drawn(zone: Zone, centre: tuple[float, float]) -> None:
    """The stored boundary lies within a metre of the WGS84 rectangle the layer was made from."""
    stored = maps.from_wkb(zone.boundary_wkb)
    assert shapely.hausdorff_distance(stored, park_polygon(*centre)) < METRE_IN_DEGREES


def written(tmp_path: Path, data: bytes, name: str = "khu_cong_nghiep.zip") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_vn2000_shapefile_without_prj_imports_through_the_cli_with_crs(app, runner, tmp_path, tinh_phong, english):
    layer = written(tmp_path, zone_layer_zip(prj=False))

    refused = runner.invoke(args=["import", "zones", layer, "--province", "51", "--kind", "industrial_park"])
    assert refused.exit_code == 1
    assert ".prj" in refused.output and "EPSG:5898" in refused.output  # Quảng Ngãi's own meridian is proposed
    assert versions(app) == 0

    result = runner.invoke(args=["import", "zones", layer, "--province", "51", "--kind", "industrial_park", "--crs", "EPSG:5898"])

    assert result.exit_code == 0, result.output
    assert "Feature 1: KCN Tịnh Phong" in result.output and "Feature 2: KCN Quảng Phú" in result.output
    zones = zones_named(app, *QUANG_NGAI_PARKS)
    assert zones["KCN Tịnh Phong"].id == tinh_phong  # matched by name in its province, not recorded twice
    assert zones["KCN Quảng Phú"].province_code == "51" and zones["KCN Quảng Phú"].kind == "industrial_park"
    for name, centre in QUANG_NGAI_PARKS.items():
        assert_lands_where_drawn(zones[name], centre)
    with app.app_context():
        published = db.session.scalars(db.select(BoundaryVersion).where(BoundaryVersion.zone_id.in_([z.id for z in zones.values()]))).all()
        assert {version.source_crs for version in published} == {"EPSG:5898"}


def test_a_layer_with_its_prj_needs_no_crs_and_a_second_import_publishes_new_versions(app, runner, tmp_path, tinh_phong, english):
    layer = written(tmp_path, zone_layer_zip())

    assert runner.invoke(args=["import", "zones", layer, "--province", "51"]).exit_code == 0
    again = runner.invoke(args=["import", "zones", layer, "--province", "51"])

    assert again.exit_code == 0, again.output
    assert "boundary version 2" in again.output
    assert versions(app) == 4
    assert len(zones_named(app, *QUANG_NGAI_PARKS)) == 2


def test_features_match_recorded_zones_by_code_first(app, runner, tmp_path, tinh_phong, english):
    with app.app_context():
        code = db.session.get(Zone, tinh_phong).code
    layer = written(tmp_path, zone_layer_zip({"Tên cũ của khu": QUANG_NGAI_PARKS["KCN Tịnh Phong"]}, ma=[code]))

    result = runner.invoke(args=["import", "zones", layer, "--province", "51"])

    assert result.exit_code == 0, result.output
    assert_lands_where_drawn(zones_named(app, "KCN Tịnh Phong")["KCN Tịnh Phong"], QUANG_NGAI_PARKS["KCN Tịnh Phong"])


def test_geojson_geopackage_and_kml_layers_import_too(app, runner, tmp_path, tinh_phong, english):
    frame = geopandas.GeoDataFrame({"ten": ["KCN Tịnh Phong"]}, geometry=[park_polygon(*QUANG_NGAI_PARKS["KCN Tịnh Phong"])],
                                   crs="EPSG:4326")
    for suffix, driver, crs in ((".geojson", "GeoJSON", "EPSG:4326"), (".gpkg", "GPKG", "EPSG:5898"), (".kml", "KML", "EPSG:4326")):
        path = tmp_path / f"khu{suffix}"
        # A KML placemark's name is its <name>, which GDAL writes from a "Name" column.
        (frame.rename(columns={"ten": "Name"}) if driver == "KML" else frame).to_crs(crs).to_file(path, driver=driver)
        result = runner.invoke(args=["import", "zones", str(path), "--province", "51"])
        assert result.exit_code == 0, (driver, result.output)
    kmz = tmp_path / "khu.kmz"
    kmz.write_bytes(zip_members({"doc.kml": (tmp_path / "khu.kml").read_bytes()}))
    saved_as_json = tmp_path / "khu.json"  # a GeoJSON saved as .json is told from a list of records by its content
    saved_as_json.write_bytes((tmp_path / "khu.geojson").read_bytes())
    for path in (kmz, saved_as_json):
        result = runner.invoke(args=["import", "zones", str(path), "--province", "51"])
        assert result.exit_code == 0, (path.name, result.output)
    assert versions(app) == 5


def zip_members(members: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refused(runner, tmp_path, data: bytes, *options: str, name: str = "khu.zip"):
    result = runner.invoke(args=["import", "zones", written(tmp_path, data, name), "--province", "51", *options])
    assert result.exit_code == 1, result.output
    return result.output


def test_bad_features_are_named_and_nothing_is_published(app, runner, tmp_path, tinh_phong, english):
    hanoi = park_polygon(105.85, 21.03)
    far = refused(runner, tmp_path, zone_layer_zip({"KCN Tịnh Phong": QUANG_NGAI_PARKS["KCN Tịnh Phong"], "KCN Hà Nội": hanoi}))
    assert re.search(r"Row 2, column “boundary”: KCN Hà Nội: The boundary lies \d+ km outside its province", far)

    flat = Polygon([(108.80, 15.10), (108.80, 15.11), (108.80, 15.12), (108.80, 15.10)])  # all on one line: no area to repair
    invalid = refused(runner, tmp_path, zone_layer_zip({"KCN Tịnh Phong": QUANG_NGAI_PARKS["KCN Tịnh Phong"], "KCN Phẳng": flat},
                                                       crs="EPSG:4326"))
    assert "Row 2" in invalid and "KCN Phẳng" in invalid

    repeated = refused(runner, tmp_path, zone_layer_zip({"KCN Mới": QUANG_NGAI_PARKS["KCN Quảng Phú"], "KCN mới": park_polygon(108.85, 15.0)}))
    assert "Row 2, column “ten”: KCN mới: Feature 1 already matches this zone, KCN mới." in repeated

    nameless = refused(runner, tmp_path, zone_layer_zip(), "--map", "ten=")
    assert "No attribute of the layer names its zones" in nameless

    with app.app_context():
        make_zone("KCN Quảng Phú", board=None, province="51", figures={})
        make_zone("KCN Quảng Phú", board=None, province="51", figures={})
    twice = refused(runner, tmp_path, zone_layer_zip())
    assert re.search(r"Row 2, .*KCN Quảng Phú: The feature matches several recorded zones", twice)

    assert versions(app) == 0
    assert len(zones_named(app, "KCN Hà Nội", "KCN Phẳng", "KCN Mới")) == 0


def test_layers_in_several_crs_are_refused_naming_the_features(app, runner, tmp_path, tinh_phong, english):
    path = tmp_path / "khu.gpkg"
    for layer, (name, centre), crs in zip(("a", "b"), QUANG_NGAI_PARKS.items(), ("EPSG:5898", "EPSG:3406")):
        geopandas.GeoDataFrame({"ten": [name]}, geometry=[park_polygon(*centre)], crs="EPSG:4326").to_crs(crs).to_file(path, layer=layer)

    output = refused(runner, tmp_path, path.read_bytes(), name="khu.gpkg")

    assert "different coordinate reference systems" in output and "EPSG:5898: 1" in output and "EPSG:3406: 2" in output
    assert versions(app) == 0


def test_an_archive_that_expands_too_far_is_not_opened(app, runner, tmp_path, english):
    assert "zip archive was not opened" in refused(runner, tmp_path, zip_members({"khu.shp": b"\0" * (20 * 2**20)}))


def upload_layer(client, data: bytes, filename: str = "khu_cong_nghiep.zip", crs: str = ""):
    form = {"csrf_token": csrf_token(client, "/zones/import"), "file": (io.BytesIO(data), filename), "province_code": "51",
            "kind": "industrial_park", "crs": crs}
    return client.post("/zones/import?lang=en", data=form, content_type="multipart/form-data")


def test_a_quang_ngai_officer_imports_the_layer_through_the_import_page(app, client, accounts, tinh_phong, english):
    accounts.user("officer.qn@example.vn", name="Sở Công Thương Quảng Ngãi", province="51")
    accounts.sign_in(client, "officer.qn@example.vn")
    page = client.get("/zones/import?lang=en").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]*)"', page.split('name="crs"')[1].split("</select>")[0])
    assert options[:2] == ["", "EPSG:5898"]  # the file's own system, then the officer's province's meridian
    assert "108°00′: Quảng Ngãi" in page

    missing = upload_layer(client, zone_layer_zip(prj=False))
    assert missing.status_code == 200 and ".prj" in missing.get_data(as_text=True)

    started = upload_layer(client, zone_layer_zip(prj=False), crs="EPSG:5898")
    assert started.status_code == 302
    columns_url = started.headers["Location"]
    columns = client.get(columns_url).get_data(as_text=True)
    assert "ten" in columns
    selects = re.findall(r'<select[^>]*name="(column_\d+)"', columns)
    chosen = {name: "" for name in selects}
    chosen[selects[0]] = "name_vi"
    confirmed = client.post(columns_url, data={"csrf_token": csrf_token(client, columns_url), **chosen})
    preview_url = confirmed.headers["Location"]
    preview = client.get(preview_url).get_data(as_text=True)
    assert "Import 2 zones" in preview

    committed = client.post(preview_url.replace("/preview", "/commit"), data={"csrf_token": csrf_token(client, preview_url)})

    assert committed.status_code == 302
    zones = zones_named(app, *QUANG_NGAI_PARKS)
    for name, centre in QUANG_NGAI_PARKS.items():
        assert_lands_where_drawn(zones[name], centre)
    listed = client.get(committed.headers["Location"]).get_data(as_text=True)
    assert "Published the boundaries of 2 zones" in listed
    assert "Feature 1: KCN Tịnh Phong" in listed and "Feature 2: KCN Quảng Phú" in listed


def test_an_officer_of_another_province_cannot_publish_a_quang_ngai_zone(app, client, accounts, tinh_phong, english):
    accounts.user("officer.lc@example.vn", name="Sở Công Thương Lào Cai", province="15")
    accounts.sign_in(client, "officer.lc@example.vn")
    form = {"csrf_token": csrf_token(client, "/zones/import"), "file": (io.BytesIO(zone_layer_zip()), "khu.zip"), "province_code": "",
            "kind": "industrial_park", "crs": ""}
    started = client.post("/zones/import?lang=en", data=form, content_type="multipart/form-data")
    columns_url = started.headers["Location"]
    confirmed = client.post(columns_url, data={"csrf_token": csrf_token(client, columns_url), "column_0": "name_vi"})
    preview = client.get(confirmed.headers["Location"]).get_data(as_text=True)

    assert "You may not edit KCN Tịnh Phong" in preview
    assert "Import 2 zones" not in preview
    assert versions(app) == 0


def test_with_province_boundaries_loaded_a_feature_outside_its_province_is_refused_by_them(app, runner, tmp_path, english):
    from .factories import load_province_boundaries

    assert load_province_boundaries(tmp_path, runner).exit_code == 0
    # A park drawn in Hà Nội, imported as a zone of Quảng Ngãi: the loaded outlines say where it lies.
    layer = written(tmp_path, zone_layer_zip({"KCN Lạc Chỗ": (105.85, 21.03)}, crs="EPSG:4326"))
    result = runner.invoke(args=["import", "zones", layer, "--province", "51"])
    assert result.exit_code == 1
    assert "outside the boundary of Quảng Ngãi" in result.output
    assert versions(app) == 0
