"""The zone index: the smallest zone holding a point, one point or many; distances and reprojected points."""
from __future__ import annotations

import random

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon

import maps
from maps import ZoneIndex

from .files import DUNG_QUAT, HANOI, square

FACTORY_IN_PARK = (DUNG_QUAT[0] + 0.001, DUNG_QUAT[1] + 0.001)
PORT_OUTSIDE_PARK = (DUNG_QUAT[0] + 0.05, DUNG_QUAT[1])
OPEN_SEA = (110.5, 15.4)


@pytest.fixture
def dung_quat() -> ZoneIndex:
    """Dung Quất economic zone (20 km square) with an industrial park (3 km) inside it, and a park in Hà Nội."""
    return ZoneIndex([
        ("KKT Dung Quất", square(*DUNG_QUAT, side_m=20_000), None),
        ("KCN Tịnh Phong", square(*DUNG_QUAT, side_m=3_000).wkb, None),
        ("KCN Thăng Long", shapely.to_wkb(MultiPolygon([square(*HANOI)]), hex=True), 100.0),
    ])


def test_a_factory_in_an_industrial_park_inside_dung_quat_goes_to_the_park(dung_quat):
    assert dung_quat.zone_at(*FACTORY_IN_PARK) == "KCN Tịnh Phong"


def test_a_point_in_the_economic_zone_but_outside_the_park_goes_to_the_economic_zone(dung_quat):
    assert dung_quat.zone_at(*PORT_OUTSIDE_PARK) == "KKT Dung Quất"


def test_a_point_on_no_zone_finds_none(dung_quat):
    assert dung_quat.zone_at(*OPEN_SEA) is None
    assert ZoneIndex([]).zone_at(*HANOI) is None and len(ZoneIndex([])) == 0


def test_a_point_on_a_boundary_counts_as_inside():
    park = square(*HANOI)
    corner = park.exterior.coords[0]

    assert ZoneIndex([(7, park, None)]).zone_at(*corner) == 7


def test_the_areas_given_decide_which_zone_is_smallest():
    big, small = square(*HANOI, side_m=5_000), square(*HANOI, side_m=1_000)
    # An area stated with the row is trusted over the shape: here it says the big square is smaller.
    index = ZoneIndex([("big", big, 1.0), ("small", small, 100.0)])

    assert index.zone_at(*HANOI) == "big"


def test_many_points_at_once_equal_one_by_one(dung_quat):
    rng = random.Random(10)
    longitudes = [rng.uniform(105.5, 109.2) for _ in range(2_000)] + [FACTORY_IN_PARK[0], PORT_OUTSIDE_PARK[0], HANOI[0]]
    latitudes = [rng.uniform(15.2, 21.2) for _ in range(2_000)] + [FACTORY_IN_PARK[1], PORT_OUTSIDE_PARK[1], HANOI[1]]
    # Many points near the zones too, so that every zone is found in both ways.
    longitudes += [DUNG_QUAT[0] + rng.uniform(-0.12, 0.12) for _ in range(500)]
    latitudes += [DUNG_QUAT[1] + rng.uniform(-0.12, 0.12) for _ in range(500)]

    at_once = dung_quat.zones_at(longitudes, latitudes)

    assert at_once == [dung_quat.zone_at(lon, lat) for lon, lat in zip(longitudes, latitudes)]
    assert {"KKT Dung Quất", "KCN Tịnh Phong", "KCN Thăng Long", None} <= set(at_once)
    assert dung_quat.zones_at([], []) == []


def test_many_points_need_as_many_longitudes_as_latitudes(dung_quat):
    with pytest.raises(ValueError):
        dung_quat.zones_at([108.8, 108.9], [15.4])


def test_the_index_measures_from_a_zone_to_a_point(dung_quat):
    assert dung_quat.distance_km("KCN Tịnh Phong", *FACTORY_IN_PARK) == 0
    # The port lies 0.05° east of the centre, about 5.4 km, and the park's edge 1.5 km east of it.
    assert dung_quat.distance_km("KCN Tịnh Phong", *PORT_OUTSIDE_PARK) == pytest.approx(3.9, abs=0.1)
    assert dung_quat.distance_km("no such zone", *FACTORY_IN_PARK) is None


def test_distance_from_a_zone_to_a_point_is_zero_inside_and_to_the_edge_outside():
    park = square(*DUNG_QUAT, side_m=2_000)

    assert maps.distance_to_km(park, *DUNG_QUAT) == 0
    # 0.1° of longitude east of the centre, at 15.4° N, is about 10.7 km; the edge is 1 km nearer.
    assert maps.distance_to_km(park, DUNG_QUAT[0] + 0.1, DUNG_QUAT[1]) == pytest.approx(9.7, abs=0.1)


def test_hanoi_to_da_nang_is_about_610_km():
    da_nang = (16.05, 108.2)

    assert maps.distance_km(HANOI[1], HANOI[0], *da_nang) == pytest.approx(610, rel=0.02)
    assert maps.distance_km(*da_nang, *da_nang) == 0


def test_a_box_around_a_circle_holds_the_circle():
    min_lon, min_lat, max_lon, max_lat = maps.box_around(DUNG_QUAT[1], DUNG_QUAT[0], 10)

    for lon, lat in ((min_lon, DUNG_QUAT[1]), (max_lon, DUNG_QUAT[1]), (DUNG_QUAT[0], min_lat), (DUNG_QUAT[0], max_lat)):
        assert maps.distance_km(DUNG_QUAT[1], DUNG_QUAT[0], lat, lon) == pytest.approx(10, rel=0.01)


def test_a_vn2000_point_is_reprojected_to_wgs84():
    to_wgs84 = maps.reprojection_to_wgs84("EPSG:3405")  # VN-2000 / UTM zone 48N
    lon, lat = HANOI
    easting, northing = Transformer.from_crs("EPSG:4326", "EPSG:3405", always_xy=True).transform(lon, lat)

    assert to_wgs84.transform(easting, northing) == pytest.approx(HANOI, abs=1e-6)
    longitudes, latitudes = to_wgs84.transform_many([easting, easting], [northing, northing])
    assert list(longitudes) == pytest.approx([lon, lon], abs=1e-6) and list(latitudes) == pytest.approx([lat, lat], abs=1e-6)


def test_wgs84_needs_no_reprojection():
    assert maps.reprojection_to_wgs84("") is None
    assert maps.reprojection_to_wgs84("EPSG:4326") is None
    with pytest.raises(maps.GeodataError):
        maps.reprojection_to_wgs84("EPSG:999999")

