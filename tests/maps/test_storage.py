"""Geometry in database columns."""
from __future__ import annotations

import shapely
from shapely.geometry import Polygon

from maps.storage import bounds, centroid, display_geometry, from_geojson_text, from_wkb, to_geojson_text, to_wkb_hex

from .files import DUNG_QUAT, HANOI, jagged_coastline, square

TEN_METRES = 1e-4  # degrees, roughly


def test_wkb_hex_round_trips(hanoi_square):
    stored = to_wkb_hex(hanoi_square)

    assert isinstance(stored, str)
    assert from_wkb(stored).equals_exact(hanoi_square, 0)
    assert from_wkb(bytes.fromhex(stored)).equals_exact(hanoi_square, 0)


def test_geojson_text_round_trips(hanoi_square):
    assert from_geojson_text(to_geojson_text(hanoi_square)).equals_exact(hanoi_square, 1e-12)


def test_bounds_are_lon_lat_floats(hanoi_square):
    min_lon, min_lat, max_lon, max_lat = bounds(hanoi_square)

    assert min_lon < HANOI[0] < max_lon and min_lat < HANOI[1] < max_lat
    assert all(type(value) is float for value in (min_lon, min_lat, max_lon, max_lat))


def test_the_centroid_of_a_square_is_its_centre(hanoi_square):
    lon, lat = centroid(hanoi_square)

    assert abs(lon - HANOI[0]) < 1e-5 and abs(lat - HANOI[1]) < 1e-5


def test_a_u_shaped_zone_gets_a_centroid_on_its_land():
    lon, lat = HANOI
    u_shape = Polygon([(lon, lat), (lon + 0.03, lat), (lon + 0.03, lat + 0.03), (lon + 0.02, lat + 0.03),
                       (lon + 0.02, lat + 0.01), (lon + 0.01, lat + 0.01), (lon + 0.01, lat + 0.03), (lon, lat + 0.03)])

    assert not u_shape.covers(u_shape.centroid)
    assert u_shape.covers(shapely.Point(centroid(u_shape)))


def test_display_geometry_is_lighter_valid_and_close():
    coastline = jagged_coastline(*DUNG_QUAT, teeth=4000, depth=0.000005)  # teeth half a metre deep

    display = display_geometry(coastline)

    assert display.is_valid
    assert shapely.get_num_coordinates(display) < shapely.get_num_coordinates(coastline)
    assert display.hausdorff_distance(coastline) < TEN_METRES


def test_display_geometry_of_a_simple_square_keeps_its_shape(hanoi_square):
    display = display_geometry(hanoi_square)

    assert display.symmetric_difference(hanoi_square).area / hanoi_square.area < 1e-3


def test_display_geometry_keeps_a_sliver_thinner_than_its_grid():
    sliver = square(*HANOI, side_m=0.05)

    assert not display_geometry(sliver).is_empty
