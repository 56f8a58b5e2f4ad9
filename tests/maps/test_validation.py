"""Where a boundary lies and how large it is."""
from __future__ import annotations

import pytest
from shapely import box
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from maps.errors import GeodataError
from maps.validation import (
    VIETNAM_BBOX,
    area_hectares,
    area_mismatch,
    check_inside_vietnam,
    check_within_region,
    is_inside_vietnam,
)

from .files import BANGKOK, HANOI, square


def test_a_known_square_measures_100_hectares(hanoi_square):
    assert area_hectares(hanoi_square) == pytest.approx(100, rel=0.01)


def test_area_does_not_depend_on_ring_direction(hanoi_square):
    clockwise = orient(hanoi_square, -1.0)

    assert area_hectares(clockwise) == pytest.approx(area_hectares(hanoi_square))


def test_parts_drawn_in_opposite_directions_add_up(hanoi_square):
    east = orient(square(HANOI[0] + 0.05, HANOI[1]), -1.0)

    assert area_hectares(MultiPolygon([hanoi_square, east])) == pytest.approx(200, rel=0.01)


def test_a_hole_is_subtracted(hanoi_square):
    hole = square(*HANOI, side_m=500)
    with_hole = Polygon(hanoi_square.exterior, [hole.exterior])  # hole drawn counter-clockwise too

    assert area_hectares(with_hole) == pytest.approx(75, rel=0.01)


def test_a_declared_area_a_quarter_off_is_flagged():
    notice = area_mismatch(declared_ha=125, computed_ha=100)

    assert notice is not None
    assert notice.code == "area_mismatch"
    assert notice.params == {"declared_ha": 125, "computed_ha": 100, "percent": 25}


@pytest.mark.parametrize("declared", [80, 100, 119.9])
def test_a_declared_area_within_20_percent_passes(declared):
    assert area_mismatch(declared_ha=declared, computed_ha=100) is None


@pytest.mark.parametrize(
    ("name", "lon", "lat"),
    [("Hà Nội", *HANOI), ("Lũng Cú", 105.32, 23.36), ("Mũi Cà Mau", 104.72, 8.6),
     ("Hoàng Sa", 112.3, 16.5), ("Trường Sa", 114.3, 8.65), ("Phú Quốc", 103.96, 10.23)],
)
def test_mainland_and_islands_are_inside_vietnam(name, lon, lat):
    assert is_inside_vietnam(square(lon, lat))


def test_a_boundary_outside_vietnam_is_refused_with_its_bounds():
    with pytest.raises(GeodataError) as raised:
        check_inside_vietnam(square(*BANGKOK))

    assert raised.value.code == "outside_vietnam"
    assert raised.value.params["bounds"][0] == pytest.approx(BANGKOK[0], abs=0.01)


def test_the_vietnam_box_is_documented_generously():
    assert VIETNAM_BBOX == (102.0, 6.0, 117.9, 23.5)


def test_a_zone_inside_its_province_passes(hanoi_square):
    check_within_region(hanoi_square, box(105.0, 20.5, 106.5, 21.5))


def test_a_zone_half_outside_its_province_is_refused(hanoi_square):
    west_half_province = box(100.0, 20.0, HANOI[0], 22.0)

    with pytest.raises(GeodataError) as raised:
        check_within_region(hanoi_square, west_half_province)

    assert raised.value.code == "outside_region"
    assert raised.value.params["percent"] == pytest.approx(50, abs=1)


def test_a_sliver_over_the_border_is_tolerated(hanoi_square):
    min_lon, min_lat, max_lon, max_lat = hanoi_square.bounds
    border = (min_lon, min_lat, max_lon - (max_lon - min_lon) * 0.005, max_lat)

    check_within_region(hanoi_square, border)
