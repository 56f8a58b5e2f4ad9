"""Reading boundary uploads: each format, reprojection, and every way a file can be wrong."""
from __future__ import annotations

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point

from maps.errors import GeodataError
from maps.reading import ShapeLimits, read_boundary_file
from maps.validation import area_hectares

from .files import (
    BANGKOK,
    DUNG_QUAT,
    HANOI,
    frame,
    frame_without_crs,
    geojson,
    shapefile_members,
    shapefile_zip,
    single_file,
    square,
    zip_bytes,
)

ONE_METRE = 1e-5  # degrees, roughly


def error_code(data: bytes, filename: str, **options: object) -> str:
    with pytest.raises(GeodataError) as raised:
        read_boundary_file(data, filename, **options)
    assert str(raised.value) != raised.value.code, "the English message lacks a parameter"
    return raised.value.code


def notice_codes(upload) -> list[str]:
    return [notice.code for notice in upload.notices]


def assert_square_at(upload, lon: float, lat: float) -> None:
    assert isinstance(upload.geometry, MultiPolygon)
    assert upload.geometry.centroid.distance(Point(lon, lat)) < ONE_METRE
    assert area_hectares(upload.geometry) == pytest.approx(100, rel=0.001)


def write(data, file_format: str, tmp_path) -> tuple[bytes, str]:
    """Write a frame as a user would upload it; return the bytes and file name."""
    if file_format == "shapefile":
        return shapefile_zip(data, tmp_path), "khu.zip"
    if file_format == "kmz":
        return zip_bytes({"doc.kml": single_file(data, "KML")}), "khu.kmz"
    driver, extension = {"geojson": ("GeoJSON", "geojson"), "gpkg": ("GPKG", "gpkg"),
                         "kml": ("KML", "kml"), "libkml": ("LIBKML", "kml")}[file_format]
    return single_file(data, driver), f"khu.{extension}"


@pytest.mark.parametrize("file_format", ["geojson", "gpkg", "shapefile", "kml", "libkml", "kmz"])
def test_each_format_in_wgs84_reads_back_the_same_square(file_format, hanoi_square, tmp_path):
    data, filename = write(frame([hanoi_square]), file_format, tmp_path)

    upload = read_boundary_file(data, filename)

    assert_square_at(upload, *HANOI)
    assert upload.source_crs == "EPSG:4326"
    assert upload.notices == ()
    assert upload.attributes[0]["ten"] == "Khu 0"


@pytest.mark.parametrize("file_format", ["geojson", "gpkg", "shapefile"])
@pytest.mark.parametrize(("place", "epsg"), [(HANOI, "EPSG:3405"), (DUNG_QUAT, "EPSG:3406")])
def test_vn2000_utm_files_are_reprojected_to_wgs84(file_format, place, epsg, tmp_path):
    data, filename = write(frame([square(*place)], epsg), file_format, tmp_path)

    upload = read_boundary_file(data, filename)

    assert upload.source_crs == epsg
    assert_square_at(upload, *place)


def test_vietnamese_attribute_text_survives_a_shapefile_with_cpg(hanoi_square, tmp_path):
    data = shapefile_zip(frame([hanoi_square], ten=["Khu công nghiệp Thăng Long – Đông Anh"]), tmp_path)

    upload = read_boundary_file(data, "thang_long.zip")

    assert upload.attributes == ({"ten": "Khu công nghiệp Thăng Long – Đông Anh"},)


def test_a_shapefile_without_cpg_is_read_with_a_notice_about_its_text(hanoi_square, tmp_path):
    upload = read_boundary_file(shapefile_zip(frame([hanoi_square]), tmp_path, drop=(".cpg",)), "khu.zip")

    assert notice_codes(upload) == ["missing_cpg"]


def test_a_shapefile_in_a_folder_of_the_zip_is_found(hanoi_square, tmp_path):
    data = shapefile_zip(frame([hanoi_square], "EPSG:3405"), tmp_path, prefix="ban_do/ranh_gioi/")

    assert_square_at(read_boundary_file(data, "khu.zip"), *HANOI)


def test_a_shapefile_without_prj_asks_for_the_crs_then_reads_with_it(hanoi_square, tmp_path):
    data = shapefile_zip(frame([hanoi_square], "EPSG:3405"), tmp_path, drop=(".prj",))

    assert error_code(data, "khu.zip") == "missing_prj"
    upload = read_boundary_file(data, "khu.zip", crs="3405")
    assert upload.source_crs == "EPSG:3405"
    assert_square_at(upload, *HANOI)


def test_a_geopackage_without_crs_asks_for_one(hanoi_square):
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        data = single_file(frame_without_crs(frame([hanoi_square], "EPSG:3405")), "GPKG")

    assert error_code(data, "khu.gpkg") == "missing_crs"
    assert_square_at(read_boundary_file(data, "khu.gpkg", crs="EPSG:3405"), *HANOI)


def test_metres_in_a_geojson_without_crs_ask_for_the_crs(hanoi_square):
    # A GeoJSON file without a "crs" member means WGS84, but VN-2000 metres are common in practice.
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        data = single_file(frame_without_crs(frame([hanoi_square], "EPSG:3405")), "GeoJSON")

    assert error_code(data, "khu.geojson") == "coordinates_not_degrees"
    upload = read_boundary_file(data, "khu.geojson", crs="EPSG:3405")
    assert_square_at(upload, *HANOI)
    assert notice_codes(upload) == ["crs_overridden"]


def test_an_unknown_crs_choice_is_refused(hanoi_square, tmp_path):
    data = shapefile_zip(frame([hanoi_square]), tmp_path, drop=(".prj",))

    assert error_code(data, "khu.zip", crs="EPSG:99999") == "unknown_crs"


def test_swapped_latitude_and_longitude_are_recognised():
    lon, lat = HANOI
    ring = [[lat, lon], [lat, lon + 0.01], [lat + 0.01, lon + 0.01], [lat + 0.01, lon], [lat, lon]]

    assert error_code(geojson({"type": "Polygon", "coordinates": [ring]}), "khu.geojson") == "lat_lon_swapped"


def test_swapped_easting_and_northing_are_recognised(hanoi_square):
    utm = frame([hanoi_square], "EPSG:3405")
    swapped = utm.set_geometry(shapely.transform(utm.geometry.array, lambda xy: xy[:, ::-1]))

    data = single_file(swapped, "GPKG")

    assert error_code(data, "khu.gpkg") == "lat_lon_swapped"


def test_a_boundary_outside_vietnam_is_refused():
    assert error_code(single_file(frame([square(*BANGKOK)]), "GeoJSON"), "bangkok.geojson") == "outside_vietnam"


def test_a_self_intersecting_polygon_is_repaired_and_reported():
    lon, lat = HANOI
    bowtie = [[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]

    upload = read_boundary_file(geojson({"type": "Polygon", "coordinates": [bowtie]}), "khu.geojson")

    assert upload.geometry.is_valid
    assert len(upload.geometry.geoms) == 2
    assert notice_codes(upload) == ["repaired_invalid_geometry"]


def test_a_polygon_without_area_cannot_be_repaired():
    lon, lat = HANOI
    flat = [[lon, lat], [lon + 0.01, lat], [lon + 0.02, lat], [lon, lat]]

    code = error_code(geojson({"type": "Polygon", "coordinates": [flat]}), "khu.geojson")

    assert code == "self_intersection_unrepairable"


@pytest.mark.parametrize("geometry", [None, {"type": "Polygon", "coordinates": []}])
def test_features_without_geometry_are_refused(geometry):
    assert error_code(geojson(geometry), "khu.geojson") == "empty_geometry"


def test_points_are_refused_where_a_boundary_is_expected():
    point = {"type": "Point", "coordinates": list(HANOI)}

    assert error_code(geojson(point), "khu.geojson") == "points_not_polygons"
    assert error_code(single_file(frame([Point(HANOI)]), "KML"), "khu.kml") == "points_not_polygons"


def test_a_kml_with_only_lines_has_no_polygons(hanoi_square):
    assert error_code(single_file(frame([hanoi_square.exterior]), "KML"), "duong.kml") == "no_polygons"


def test_a_kml_document_without_placemarks_has_no_polygons():
    empty = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document></Document></kml>'

    assert error_code(empty, "trong.kml") == "no_polygons"


def test_points_beside_polygons_are_ignored_with_a_notice(hanoi_square):
    upload = read_boundary_file(single_file(frame([hanoi_square, Point(HANOI)]), "GeoJSON"), "khu.geojson")

    assert notice_codes(upload) == ["non_polygons_ignored"]
    assert_square_at(upload, *HANOI)


def test_heights_are_dropped_with_a_notice():
    lon, lat = HANOI
    ring = [[lon, lat, 12.5], [lon + 0.01, lat, 12.5], [lon + 0.01, lat + 0.01, 12.5], [lon, lat, 12.5]]

    upload = read_boundary_file(geojson({"type": "Polygon", "coordinates": [ring]}), "khu.geojson")

    assert not upload.geometry.has_z
    assert notice_codes(upload) == ["z_dropped"]


def test_separate_parcels_become_one_multipolygon(hanoi_square):
    east = square(HANOI[0] + 0.05, HANOI[1])

    upload = read_boundary_file(single_file(frame([hanoi_square, east]), "GeoJSON"), "khu.geojson")

    assert len(upload.geometry.geoms) == 2
    assert area_hectares(upload.geometry) == pytest.approx(200, rel=0.001)


def test_a_file_over_the_size_limit_is_refused_before_reading():
    assert error_code(bytes(50 * 1024 * 1024 + 1), "khu.geojson") == "too_large"
    assert error_code(b"{}" * 10, "khu.geojson", max_bytes=10) == "too_large"


@pytest.mark.parametrize("filename", ["khu.shp", "khu.csv", "khu", "khu.geojson.exe"])
def test_unsupported_formats_are_named(filename):
    assert error_code(b"data", filename) == "unsupported_format"


@pytest.mark.parametrize("filename", ["khu.geojson", "khu.gpkg", "khu.kml"])
def test_garbage_is_unreadable(filename):
    assert error_code(b"this is not geodata", filename) == "unreadable_file"


def test_uppercase_extensions_are_accepted(hanoi_square):
    assert_square_at(read_boundary_file(single_file(frame([hanoi_square]), "GeoJSON"), "KHU.GEOJSON"), *HANOI)


def test_a_kmz_is_checked_like_any_zip(hanoi_square):
    members = {f"images/{n}.png": b"" for n in range(201)} | {"doc.kml": single_file(frame([hanoi_square]), "KML")}

    assert error_code(zip_bytes(members), "khu.kmz") == "zip_bomb"
    assert error_code(zip_bytes({"readme.txt": b"nothing"}), "khu.kmz") == "no_kml"


def test_shapefile_parts_in_upper_case_are_read(hanoi_square, tmp_path):
    members = shapefile_members(frame([hanoi_square]), tmp_path)

    upload = read_boundary_file(zip_bytes({name.upper(): data for name, data in members.items()}), "KHU.ZIP")

    assert_square_at(upload, *HANOI)


def test_geopackage_layers_in_different_crs_are_each_reprojected(hanoi_square, dung_quat_square, tmp_path):
    path = tmp_path / "khu.gpkg"
    frame([hanoi_square], "EPSG:3405").to_file(path, layer="ha_noi")
    frame([dung_quat_square], "EPSG:3406").to_file(path, layer="dung_quat")

    upload = read_boundary_file(path.read_bytes(), "khu.gpkg")

    assert upload.source_crs == "EPSG:3405, EPSG:3406"
    assert area_hectares(upload.geometry) == pytest.approx(200, rel=0.001)
    assert [row["ten"] for row in upload.attributes] == ["Khu 0", "Khu 0"]


def test_every_shapefile_in_a_zip_is_read(hanoi_square, dung_quat_square, tmp_path):
    members = shapefile_members(frame([hanoi_square], "EPSG:3405"), tmp_path, name="ha_noi")
    members |= shapefile_members(frame([dung_quat_square], "EPSG:3406"), tmp_path, name="dung_quat")

    upload = read_boundary_file(zip_bytes(members), "khu.zip")

    assert len(upload.geometry.geoms) == 2
    assert upload.source_crs == "EPSG:3406, EPSG:3405"  # in member name order: dung_quat, ha_noi


def test_a_polygon_without_area_beside_a_good_one_is_dropped_with_a_notice(hanoi_square):
    lon, lat = HANOI
    flat = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.01, lat], [lon + 0.02, lat], [lon, lat]]]}
    good = {"type": "Polygon", "coordinates": [[list(point) for point in hanoi_square.exterior.coords]]}

    upload = read_boundary_file(geojson(good, flat), "khu.geojson")

    assert_square_at(upload, *HANOI)
    assert notice_codes(upload) == ["repaired_invalid_geometry"]


def squares_around(lon: float, lat: float, count: int) -> list:
    return [square(lon + 0.02 * (n % 10), lat + 0.02 * (n // 10), 500) for n in range(count)]


@pytest.mark.parametrize("file_format", ["geojson", "gpkg", "kml", "shapefile"])
def test_a_file_with_more_features_than_allowed_is_refused_with_the_count(file_format, tmp_path):
    data, filename = write(frame(squares_around(*HANOI, 6)), file_format, tmp_path)

    with pytest.raises(GeodataError) as refused:
        read_boundary_file(data, filename, shape_limits=ShapeLimits(max_features=5))

    assert (refused.value.code, refused.value.params) == ("too_many_features", {"count": 6, "limit": 5})
    assert len(read_boundary_file(data, filename, shape_limits=ShapeLimits(max_features=6)).geometry.geoms) == 6


def test_features_are_counted_across_the_shapefiles_of_a_zip(hanoi_square, dung_quat_square, tmp_path):
    members = shapefile_members(frame([hanoi_square, square(HANOI[0] + 0.05, HANOI[1])], "EPSG:3405"), tmp_path, name="ha_noi")
    members |= shapefile_members(frame([dung_quat_square], "EPSG:3406"), tmp_path, name="dung_quat")

    assert error_code(zip_bytes(members), "khu.zip", shape_limits=ShapeLimits(max_features=2)) == "too_many_features"


def test_a_shape_with_more_vertices_than_allowed_is_refused_with_the_count():
    circle = Point(*HANOI).buffer(0.01, quad_segs=8)  # 33 vertices, the first repeated at the end
    ring = [list(point) for point in circle.exterior.coords]

    with pytest.raises(GeodataError) as refused:
        read_boundary_file(geojson({"type": "Polygon", "coordinates": [ring]}), "khu.geojson", shape_limits=ShapeLimits(max_vertices=32))

    assert (refused.value.code, refused.value.params) == ("too_many_vertices", {"count": 33, "limit": 32})
