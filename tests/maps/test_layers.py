"""Compact GeoJSON layers, bbox parameters and which zone a point falls in."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

from maps.errors import GeodataError
from maps.layers import (
    bboxes_intersect,
    decimals_for_zoom,
    feature_collection,
    parse_bbox,
    round_coordinates,
    rows_in_bbox,
    smallest_containing,
    tolerance_for_zoom,
)

from .files import DUNG_QUAT, jagged_coastline, square


def decimals_in(feature_collection_dict: dict) -> int:
    coordinates = shapely.get_coordinates(shape(feature_collection_dict["features"][0]["geometry"]))
    return max(len(repr(float(value)).split(".")[1]) for value in coordinates.ravel())


def test_tolerance_halves_with_each_zoom_level():
    assert tolerance_for_zoom(10) == pytest.approx(tolerance_for_zoom(9) / 2)
    assert tolerance_for_zoom(0) == pytest.approx(360 / 256 / 2)
    assert tolerance_for_zoom(99) == tolerance_for_zoom(20)


@pytest.mark.parametrize(("zoom", "decimals"), [(0, 1), (6, 2), (10, 3), (13, 4), (16, 5), (20, 5), (None, 5)])
def test_fewer_decimals_are_sent_at_low_zoom(zoom, decimals):
    assert decimals_for_zoom(zoom) == decimals


def test_coordinates_are_rounded_to_five_decimals(hanoi_square):
    collection = feature_collection([(7, hanoi_square, {"name": "KCN Thăng Long"})])

    assert decimals_in(collection) <= 5
    feature = collection["features"][0]
    assert feature["id"] == 7
    assert feature["properties"] == {"name": "KCN Thăng Long"}
    assert shape(feature["geometry"]).equals_exact(round_coordinates(hanoi_square, 5), 0)


def test_a_collection_is_plain_json(hanoi_square):
    collection = feature_collection([(1, hanoi_square, {}), (2, None, {"note": "no boundary yet"})])

    assert json.loads(json.dumps(collection)) == collection
    assert collection["features"][1]["geometry"] is None


def test_simplifying_for_a_low_zoom_shrinks_a_boundary_and_keeps_it_valid():
    coastline = jagged_coastline(*DUNG_QUAT)

    detailed = feature_collection([(1, coastline, {})])
    overview = feature_collection([(1, coastline, {})], zoom=8)

    overview_shape = shape(overview["features"][0]["geometry"])
    assert overview_shape.is_valid
    assert shapely.get_num_coordinates(overview_shape) < shapely.get_num_coordinates(coastline) / 10
    assert len(json.dumps(overview)) < len(json.dumps(detailed)) / 5
    assert decimals_in(overview) <= 3


def test_points_keep_full_precision_at_low_zoom():
    collection = feature_collection([(1, Point(105.8512345, 21.0298765), {})], zoom=3)

    assert collection["features"][0]["geometry"]["coordinates"] == [105.85123, 21.02988]


@pytest.mark.parametrize("text", ["105.5,20.8,106.2,21.4", " 105.5, 20.8 ,106.2,21.4 "])
def test_a_bbox_parameter_is_parsed(text):
    assert parse_bbox(text) == (105.5, 20.8, 106.2, 21.4)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("105.5,20.8,106.2", "count"),
        ("105.5,20.8,106.2,21.4,3", "count"),
        ("", "count"),
        ("a,b,c,d", "not_a_number"),
        ("105.5,nan,106.2,21.4", "not_a_number"),
        ("105.5,20.8,inf,21.4", "not_a_number"),
        ("105.5,20.8,186.2,21.4", "out_of_range"),
        ("105.5,-95,106.2,21.4", "out_of_range"),
        ("106.2,20.8,105.5,21.4", "min_not_below_max"),
        ("105.5,21.4,106.2,21.4", "min_not_below_max"),
    ],
)
def test_a_bad_bbox_parameter_is_refused_with_a_reason(text, reason):
    with pytest.raises(GeodataError) as raised:
        parse_bbox(text)

    assert raised.value.code == "bad_bbox"
    assert raised.value.params["reason"] == reason


def test_rows_outside_the_bbox_are_left_out(hanoi_square, dung_quat_square):
    rows = [(1, hanoi_square, {}), (2, dung_quat_square, {}), (3, None, {})]

    kept = rows_in_bbox(rows, parse_bbox("105,20.5,106.5,21.5"))

    assert [row[0] for row in kept] == [1]


def test_bboxes_that_touch_intersect():
    assert bboxes_intersect((105, 20, 106, 21), (106, 21, 107, 22))
    assert not bboxes_intersect((105, 20, 106, 21), (106.1, 20, 107, 21))


def test_a_park_inside_an_economic_zone_wins_the_lookup():
    economic_zone = square(*DUNG_QUAT, side_m=20_000)
    industrial_park = square(*DUNG_QUAT, side_m=3_000)
    factory = (DUNG_QUAT[0] + 0.001, DUNG_QUAT[1] + 0.001)

    assert smallest_containing(factory, [("KKT Dung Quất", economic_zone), ("KCN Tịnh Phong", industrial_park)]) \
        == "KCN Tịnh Phong"


def test_a_point_outside_the_park_falls_back_to_the_zone():
    economic_zone = square(*DUNG_QUAT, side_m=20_000)
    industrial_park = square(*DUNG_QUAT, side_m=3_000)
    port = Point(DUNG_QUAT[0] + 0.05, DUNG_QUAT[1])

    assert smallest_containing(port, [("KCN", industrial_park), ("KKT", economic_zone)]) == "KKT"


def test_a_point_in_no_zone_finds_none(hanoi_square):
    assert smallest_containing(DUNG_QUAT, [(1, hanoi_square)]) is None


def test_a_point_on_a_boundary_counts_as_inside(hanoi_square):
    corner = hanoi_square.exterior.coords[0]

    assert smallest_containing(corner, [(1, hanoi_square)]) == 1


def test_rounding_leaves_no_long_fractions():
    rounded = round_coordinates(Point(105.123456789, 21.987654321), 3)

    assert rounded.x == 105.123 and rounded.y == 21.988
    assert not np.any(np.isnan(shapely.get_coordinates(rounded)))
    assert math.isclose(rounded.x, 105.123)
