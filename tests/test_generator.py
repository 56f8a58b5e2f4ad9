"""The shared generator of invented enterprises: deterministic, valid codes, real places, points in Vietnam."""
from __future__ import annotations

import csv
import io
from collections import Counter

from stdnum.vn import mst

from registry.enterprises.generator import CSV_HEADERS, check_digit, generate_profiles, write_csv
from registry.enterprises.service import PROFILE_FIELDS, VIETNAM_BOUNDS, clean_profile
from registry.extensions import db
from registry.places.models import Commune, Province


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    first = list(generate_profiles(500, seed=7))
    assert first == list(generate_profiles(500, seed=7))
    assert first != list(generate_profiles(500, seed=8))
    assert [p["tax_code"] for p in generate_profiles(50, seed=7)] == [p["tax_code"] for p in first[:50]]


def test_profiles_have_the_input_shape_of_create_enterprise():
    profile = next(generate_profiles(1))
    assert set(profile) == set(PROFILE_FIELDS)
    assert 1 <= len(profile["items"]) <= 4
    assert {link["relation"] for link in profile["items"]} <= {"manufactures", "supplies", "services", "uses"}


def test_twenty_thousand_tax_codes_are_valid_unique_and_include_branches():
    codes = [p["tax_code"] for p in generate_profiles(20_000)]
    assert all(mst.is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes)
    lengths = Counter(len(code) for code in codes)
    assert lengths[13] > 100 and lengths[10] > 18_000


def test_the_check_digit_follows_the_tax_office_weights():
    assert check_digit("031440905") == "8"  # 0314409058, a well-formed example code
    assert all(check_digit(p) is None or mst.is_valid(p + check_digit(p)) for p in (f"{n:09d}" for n in range(10_000_001, 10_000_400)))


def test_names_are_vietnamese_firms_with_legal_forms_and_shared_words():
    names = [p["name_vi"] for p in generate_profiles(5_000)]
    assert all(n.startswith(("Công ty", "Chi nhánh", "Doanh nghiệp tư nhân", "Hợp tác xã", "Tổng Công ty")) for n in names)
    assert sum("Môi trường" in n for n in names) > 1_000
    assert sum("Tái chế" in n for n in names) > 100
    assert any("ệ" in n or "ữ" in n or "ạ" in n for n in names)
    assert len(set(names)) > 4_000


def test_places_exist_communes_belong_to_their_province_and_points_lie_in_vietnam(ctx):
    profiles = list(generate_profiles(5_000))
    communes = dict(db.session.execute(db.select(Commune.code, Commune.province_code)).all())
    provinces = set(db.session.scalars(db.select(Province.code)))
    assert {p["province_code"] for p in profiles} == provinces
    assert all(communes[p["commune_code"]] == p["province_code"] for p in profiles)
    (lat_low, lat_high), (lng_low, lng_high) = VIETNAM_BOUNDS["latitude"], VIETNAM_BOUNDS["longitude"]
    located = [p for p in profiles if p["latitude"] is not None]
    assert len(located) > 4_000
    assert all(lat_low <= p["latitude"] <= lat_high and lng_low <= p["longitude"] <= lng_high for p in located)


def test_sizes_lean_to_micro_and_small_firms():
    sizes = Counter(p["size_class"] for p in generate_profiles(5_000))
    assert sizes["micro"] > sizes["small"] > sizes["medium"] > 0 and sizes["large"] > 0


def test_generated_profiles_pass_the_services_validation(ctx):
    for profile in generate_profiles(200, seed=11):
        cleaned = clean_profile(profile)
        assert cleaned["tax_code"] == profile["tax_code"]
        assert len(cleaned["items"]) == len(profile["items"])


def test_the_csv_has_vietnamese_headers_and_one_line_per_profile():
    buffer = io.StringIO()
    assert write_csv(buffer, 30, seed=3) == 30
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert list(rows[0]) == list(CSV_HEADERS.values())
    assert rows[0]["Mã số thuế"] == next(generate_profiles(1, seed=3))["tax_code"]
    assert len(rows) == 30
