"""Reading a layer of many zones: one WGS84 boundary per feature, with its attributes, or why it has none."""
from __future__ import annotations

import pytest
import shapely
from shapely.geometry import Polygon

from maps.errors import GeodataError
from maps.reading import read_layer_file

from .files import DUNG_QUAT, HANOI, frame, shapefile_zip, single_file, square

ONE_METRE = 1e-5  # degrees, roughly


def test_each_feature_keeps_its_own_boundary_and_attributes(tmp_path):
    shapes = [square(*DUNG_QUAT), square(DUNG_QUAT[0] + 0.05, DUNG_QUAT[1])]
    data = shapefile_zip(frame(shapes, "EPSG:5898", ten=["KCN Một", "KCN Hai"], dien_tich=[100, 100]), tmp_path)

    upload = read_layer_file(data, "khu.zip")

    assert [feature.attributes["ten"] for feature in upload.features] == ["KCN Một", "KCN Hai"]
    assert [feature.number for feature in upload.features] == [1, 2]
    for feature, shape in zip(upload.features, shapes):
        assert feature.error is None
        assert shapely.hausdorff_distance(feature.geometry, shape) < ONE_METRE
    assert upload.source_crs == "EPSG:5898" and upload.format == "Shapefile"


def test_a_layer_without_prj_is_read_in_the_chosen_system(tmp_path):
    data = shapefile_zip(frame([square(*DUNG_QUAT)], "EPSG:5898"), tmp_path, drop=(".prj",))

    with pytest.raises(GeodataError) as raised:
        read_layer_file(data, "khu.zip")
    assert raised.value.code == "missing_prj"
    upload = read_layer_file(data, "khu.zip", "EPSG:5898")
    assert shapely.hausdorff_distance(upload.features[0].geometry, square(*DUNG_QUAT)) < ONE_METRE


def test_a_bad_feature_keeps_its_error_and_the_others_are_read():
    flat = Polygon([(108.8, 15.1), (108.8, 15.2), (108.8, 15.3), (108.8, 15.1)])
    data = single_file(frame([square(*DUNG_QUAT), flat]), "GeoJSON")

    first, second = read_layer_file(data, "khu.geojson").features

    assert first.error is None and second.geometry is None
    assert second.error.code == "self_intersection_unrepairable"


def test_metres_declared_as_degrees_refuse_the_whole_file():
    """Every feature is then wrong in the same way: the user must choose the system, not fix features."""
    projected = frame([square(*HANOI), square(HANOI[0] + 0.1, HANOI[1])], "EPSG:3405")
    data = single_file(projected.set_crs("EPSG:4326", allow_override=True), "GeoJSON")

    with pytest.raises(GeodataError) as raised:
        read_layer_file(data, "khu.geojson")
    assert raised.value.code == "coordinates_not_degrees"


def test_layers_in_different_systems_are_refused_naming_their_features(tmp_path):
    path = tmp_path / "khu.gpkg"
    frame([square(*DUNG_QUAT)] * 2, "EPSG:5898").to_file(path, layer="a")
    frame([square(*DUNG_QUAT)], "EPSG:3406").to_file(path, layer="b")

    with pytest.raises(GeodataError) as raised:
        read_layer_file(path.read_bytes(), "khu.gpkg")

    assert raised.value.code == "several_crs"
    assert raised.value.params["systems"] == "EPSG:5898: 1–2; EPSG:3406: 3"
