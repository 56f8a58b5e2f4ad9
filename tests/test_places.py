"""Provinces and communes of the 2025 map, from vietnam-provinces."""
from collections import Counter

import pytest

from registry.extensions import db
from registry.places import service
from registry.places.models import Commune, Province


def test_reference_data_has_34_provinces_and_3321_communes(ctx):
    assert db.session.scalar(db.select(db.func.count()).select_from(Province)) == 34
    kinds = Counter(db.session.scalars(db.select(Commune.division_type)))
    assert kinds == {"xã": 2621, "phường": 687, "đặc khu": 13}


def test_provinces_carry_english_names_regions_and_their_pre_2025_parts(ctx):
    quang_ngai = service.get_province("51")
    assert quang_ngai.name_vi == "Quảng Ngãi"
    assert quang_ngai.name_en == "Quang Ngai"
    assert [p.name_vi for p in quang_ngai.parts] == ["Quảng Ngãi", "Kon Tum"]
    assert quang_ngai.region == "north_central_coast"
    assert quang_ngai.regions_of_parts == ["north_central_coast", "central_highlands"]
    assert service.get_province(79).name_en == "Ho Chi Minh City"
    assert service.get_province("01").is_city


@pytest.mark.parametrize(
    "name, code",
    [("tỉnh Bình Định", "52"), ("TINH BINH DINH", "52"), ("Kon Tum", "51"), ("Thừa Thiên Huế", "46"),
     ("thành phố Hồ Chí Minh", "79"), ("Bà Rịa - Vũng Tàu", "79"), ("Đắk Nông", "68")],
)
def test_a_pre_2025_province_name_is_placed_on_todays_map(ctx, name, code):
    assert service.place_legacy(name).code == code


def test_unknown_codes_raise_a_clear_error(ctx):
    with pytest.raises(service.UnknownPlace, match="99"):
        service.get_province("99")
    with pytest.raises(service.UnknownPlace):
        service.get_commune("abc")
    hoan_kiem = service.get_commune("70")
    assert hoan_kiem.name_vi == "Phường Hoàn Kiếm" and hoan_kiem.name_en == "Hoan Kiem Ward"
    with pytest.raises(service.UnknownPlace, match="Hoàn Kiếm"):
        service.get_commune("00070", service.get_province("51"))


def test_reloading_reference_data_changes_nothing(ctx):
    assert service.load_reference_places() == 3321
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Commune)) == 3321


def test_province_list_groups_by_region_with_commune_counts(client):
    page = client.get("/provinces/").get_data(as_text=True)
    assert "Đồng bằng sông Hồng" in page or "Red River Delta" in page
    assert "Quảng Ngãi + Kon Tum" in page
    assert page.count('href="/provinces/') >= 34


def test_province_page_lists_its_communes_and_special_zones(client):
    page = client.get("/provinces/51").get_data(as_text=True)
    assert "<h1>Quảng Ngãi" in page
    assert "Đặc khu Lý Sơn" in page
    assert "Quảng Ngãi + Kon Tum" in page


def test_unknown_province_page_is_a_404_not_a_500(client):
    response = client.get("/provinces/99")
    assert response.status_code == 404
    assert client.get("/provinces/xyz").status_code == 404


def test_api_lists_the_provinces_and_one_with_its_communes(client):
    listing = client.get("/api/v1/provinces").get_json()
    assert listing["total"] == 34 and len(listing["items"]) == 34
    assert {"code": "52", "name_vi": "Gia Lai"}.items() <= listing["items"][22].items()
    one = client.get("/api/v1/provinces/22").get_json()
    assert one["name_vi"] == "Quảng Ninh" and len(one["communes"]) == 54
    assert client.get("/api/v1/provinces/00").status_code == 404
    placed = client.get("/api/v1/provinces/resolve", query_string={"name": "tỉnh Bình Định"}).get_json()
    assert placed["code"] == "52"
