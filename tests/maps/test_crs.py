"""The CRS choices offered when a file has none, and parsing what the user picks."""
from __future__ import annotations

import pytest

from maps.crs import crs_choices, crs_label, parse_crs
from maps.errors import GeodataError


def test_the_four_national_systems_come_first():
    codes = [choice.code for choice in crs_choices()]

    assert codes[:4] == ["EPSG:4326", "EPSG:4756", "EPSG:3405", "EPSG:3406"]


def test_provincial_tm3_zones_come_from_the_epsg_registry_once_each():
    tm3 = crs_choices()[4:]
    codes = [choice.code for choice in tm3]

    assert all(choice.name.startswith("VN-2000 / TM-3") for choice in tm3)
    assert len(codes) == len(set(codes))
    assert "EPSG:9210" in codes  # VN-2000 / TM-3 105-45, used around Hà Nội
    assert all(choice.bounds is not None for choice in tm3)


@pytest.mark.parametrize("text", ["EPSG:3405", "3405", " epsg:3405 "])
def test_a_code_may_be_typed_with_or_without_its_authority(text):
    assert crs_label(parse_crs(text)) == "EPSG:3405"


@pytest.mark.parametrize("text", ["", "abc", "EPSG:99999", "4978", "x" * 5000])
def test_unusable_crs_text_is_refused_with_a_code(text):
    # 4978 is geocentric (x, y, z from the Earth's centre): never a map boundary's CRS.
    with pytest.raises(GeodataError) as raised:
        parse_crs(text)

    assert raised.value.code == "unknown_crs"


def test_a_crs_without_epsg_code_is_labelled_by_name():
    crs = parse_crs("+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m")

    assert crs_label(crs) == crs.name
