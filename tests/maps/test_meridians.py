"""Every province's VN-2000 TM-3 central meridian: the list, its systems, and points converted through them."""
from __future__ import annotations

import importlib
import json
import math
from pathlib import Path

import pytest
from pyproj import CRS, Geod, Transformer

from maps.crs import crs_choices
from maps.meridians import EPSG_CODES, PROVINCE_MERIDIANS, meridians, meridians_of, proj_definition, province_extent

meridian_list = importlib.import_module("maps.meridians")  # the module: `maps.meridians` is also its function
PROVINCES = Path(__file__).resolve().parents[2] / "registry" / "places" / "data" / "provinces.json"
WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563
QUANG_NGAI_CITY = (108.80, 15.12)  # lon, lat


def test_every_province_of_2025_has_the_meridians_of_all_its_parts_its_own_first():
    formed_from = {code: entry["formed_from"] for code, entry in json.loads(PROVINCES.read_text("utf-8"))["provinces"].items()}

    assert {code: [name for name, _m in parts] for code, parts in PROVINCE_MERIDIANS.items()} == formed_from
    assert sum(len(parts) for parts in PROVINCE_MERIDIANS.values()) == 63
    assert [meridian.label for meridian in meridians_of("51")] == ["108°00′", "107°30′"]  # Quảng Ngãi, then Kon Tum
    assert [meridian.label for meridian in meridians_of("48")] == ["107°45′"]  # Đà Nẵng and Quảng Nam share one
    assert meridians_of("99") == []


def test_each_part_is_named_in_the_epsg_area_of_use_of_its_meridians_system():
    for code, parts in PROVINCE_MERIDIANS.items():
        for name, minutes in parts:
            areas = meridian_list._areas_of_use(EPSG_CODES[minutes])
            assert any(meridian_list._folded(name) in meridian_list._folded(area) for area, _bounds in areas), (code, name, areas)


@pytest.mark.parametrize("meridian", meridians(), ids=lambda meridian: meridian.label)
def test_each_meridians_epsg_system_is_tm3_on_that_meridian(meridian):
    operation = CRS.from_user_input(meridian.crs).coordinate_operation
    params = {param.name: param.value for param in operation.params}

    assert params["Longitude of natural origin"] == pytest.approx(meridian.degrees)
    assert params["Scale factor at natural origin"] == pytest.approx(0.9999)
    assert params["False easting"] == 500_000
    assert CRS.from_user_input(meridian.crs).geodetic_crs.name == "VN-2000"


def meridian_arc(latitude: float) -> float:
    """Distance from the equator along a meridian of the WGS84 ellipsoid (the series of Snyder 1987, eq. 3-21)."""
    e2 = WGS84_F * (2 - WGS84_F)
    phi = math.radians(latitude)
    return WGS84_A * ((1 - e2 / 4 - 3 * e2**2 / 64 - 5 * e2**3 / 256) * phi
                      - (3 * e2 / 8 + 3 * e2**2 / 32 + 45 * e2**3 / 1024) * math.sin(2 * phi)
                      + (15 * e2**2 / 256 + 45 * e2**3 / 1024) * math.sin(4 * phi)
                      - (35 * e2**3 / 3072) * math.sin(6 * phi))


def test_a_point_on_quang_ngais_meridian_has_the_textbook_grid_coordinates():
    """On the central meridian a TM projection gives E = false easting and N = k0 × the meridian arc."""
    to_grid = Transformer.from_crs("EPSG:4756", meridians_of("51")[0].crs, always_xy=True)

    easting, northing = to_grid.transform(108.0, 15.0)

    assert easting == pytest.approx(500_000, abs=0.001)
    assert northing == pytest.approx(0.9999 * meridian_arc(15.0), abs=0.01)


def test_a_quang_ngai_point_round_trips_through_its_tm3_zone_within_a_millimetre():
    grid = meridians_of("51")[0].crs
    easting, northing = Transformer.from_crs("EPSG:4326", grid, always_xy=True).transform(*QUANG_NGAI_CITY)
    back = Transformer.from_crs(grid, "EPSG:4326", always_xy=True).transform(easting, northing)

    _a, _b, metres = Geod(ellps="WGS84").inv(*QUANG_NGAI_CITY, *back)
    assert metres < 0.001
    assert 570_000 < easting < 600_000  # 0.8° east of 108°00′ at 15° N is about 86 km


def test_the_defined_projection_agrees_with_the_epsg_zone_where_both_exist():
    """Where the registry lacks a meridian we write its PROJ definition; on 108°00′ it must match EPSG:5898."""
    x, y = 588_000.0, 1_672_000.0
    from_epsg = Transformer.from_crs("EPSG:5898", "EPSG:4326", always_xy=True).transform(x, y)
    from_definition = Transformer.from_crs(CRS.from_proj4(proj_definition(108 * 60)), "EPSG:4326", always_xy=True).transform(x, y)

    _a, _b, metres = Geod(ellps="WGS84").inv(*from_epsg, *from_definition)
    assert metres < 0.05


def test_a_meridian_the_registry_lacks_is_offered_as_its_defined_projection(monkeypatch):
    monkeypatch.setitem(EPSG_CODES, 108 * 60, 999_999)  # no such EPSG code
    meridian_list._known.cache_clear()
    quang_ngai = meridians_of("51")[0]

    assert quang_ngai.crs.startswith("+proj=tmerc +lat_0=0 +lon_0=108 +k=0.9999 +x_0=500000")
    assert CRS.from_user_input(quang_ngai.crs).is_projected
    meridian_list._known.cache_clear()


def test_the_crs_list_offers_the_provinces_own_meridians_first_and_names_every_provinces_zone():
    first = crs_choices("51")[:2]

    assert [choice.code for choice in first] == ["EPSG:5898", "EPSG:9216"]
    assert first[0].label == "VN-2000 / TM-3 zone 491 (EPSG:5898) · 108°00′: Quảng Ngãi"
    every = crs_choices()
    assert len(every) == len({choice.code for choice in every}) == len(crs_choices("51"))
    assert {meridian.crs for meridian in meridians()} <= {choice.code for choice in every}


def test_a_province_extent_holds_its_own_towns_and_not_anothers():
    lon, lat = QUANG_NGAI_CITY
    extent = province_extent("51")

    assert extent[0] <= lon <= extent[2] and extent[1] <= lat <= extent[3]
    assert not (extent[0] <= 105.85 <= extent[2] and extent[1] <= 21.03 <= extent[3])  # Hà Nội
    assert province_extent("99") is None
