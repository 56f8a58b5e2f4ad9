"""The header search: one list across zones, provinces, catalog items and enterprises, best match first."""
from __future__ import annotations

import re

import pytest
from stdnum.vn import mst

from registry.audit.service import acting_as
from registry.enterprises.service import create_enterprise
from registry.extensions import db
from registry.zones.models import Zone
from registry.zones.reference import load_reference_zones


def _tax_code(serial: int) -> str:
    base = f"0100{serial:05d}"
    return base + mst.calc_check_digit(base)


def _enterprises(app, *names_and_provinces) -> None:
    with app.app_context(), acting_as("tests"):
        for serial, (name, province) in enumerate(names_and_provinces, start=1):
            create_enterprise(None, {"tax_code": _tax_code(serial), "name_vi": name, "province_code": province}, check_similar=False)
        db.session.commit()


def _hits(client, query: str, language: str = "vi") -> list[str]:
    """The titles of the search page's hits, in the order shown."""
    page = client.get("/search/", query_string={"q": query, "lang": language}).get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'<li class="hit-\w+">.*?<a href="[^"]*">(.*?)</a>', page)]


@pytest.fixture(autouse=True)
def reference_zones(app):
    """The zones shipped with the registry (Dung Quất, Tịnh Phong …), as a new installation has them."""
    with app.app_context(), acting_as("tests"):
        load_reference_zones()
        db.session.commit()


@pytest.fixture
def companies(app, reference_zones):
    _enterprises(
        app,
        ("Công ty Cổ phần Xi măng Dung Quất Thanh Hóa", "38"),
        ("Công ty TNHH Vận tải Đà Nẵng Xanh", "38"),
        ("Công ty TNHH Môi trường Đà Nẵng", "48"),
        ("Công ty TNHH Tái chế Dung Quất", "51"),
    )


def test_dung_quat_finds_the_economic_zone_first(client, companies):
    hits = _hits(client, "dung quat")
    assert hits[0] == "Khu kinh tế Dung Quất"
    assert "Công ty TNHH Tái chế Dung Quất" in hits and "Công ty Cổ phần Xi măng Dung Quất Thanh Hóa" in hits


def test_da_nang_finds_the_city_before_companies_named_after_it(client, companies):
    hits = _hits(client, "da nang")
    assert hits[0] == "Thành phố Đà Nẵng"
    assert hits.index("Công ty TNHH Môi trường Đà Nẵng") < hits.index("Công ty TNHH Vận tải Đà Nẵng Xanh") or len(hits) > 2


def test_names_match_with_or_without_diacritics_and_with_d_for_đ(client, companies):
    assert _hits(client, "Đà Nẵng")[0] == "Thành phố Đà Nẵng"
    assert _hits(client, "DA NANG")[0] == "Thành phố Đà Nẵng"
    assert _hits(client, "khu kinh te dung quat")[0] == "Khu kinh tế Dung Quất"
    assert _hits(client, "tinh phong")[0] == "Khu công nghiệp Tịnh Phong"


def test_english_names_find_zones_and_provinces_on_english_pages(client):
    assert _hits(client, "dung quat economic zone", "en")[0] == "Dung Quat Economic Zone"
    assert _hits(client, "hanoi", "en")[0] == "Hanoi"


def test_a_name_that_begins_with_the_words_ranks_above_one_that_holds_them_inside(client, app):
    _enterprises(app, ("Công ty TNHH Xanh Sông Hồng", "01"), ("Công ty TNHH Sông Hồng Xanh", "01"))
    hits = _hits(client, "song hong")
    assert hits.index("Công ty TNHH Sông Hồng Xanh") < hits.index("Công ty TNHH Xanh Sông Hồng")


def test_the_last_word_may_be_unfinished_but_earlier_words_are_whole(client):
    assert "Khu kinh tế Dung Quất" in _hits(client, "dung qu")
    assert "Khu kinh tế Dung Quất" not in _hits(client, "dun quat")


def test_catalog_items_and_the_map_follow_the_same_rule(client, app):
    with app.app_context():
        for zone in db.session.scalars(db.select(Zone)):
            zone.latitude, zone.longitude = 15.2, 108.75  # on the map as points
        db.session.commit()
    assert any("lọc bụi" in hit for hit in _hits(client, "loc bu"))
    assert not any("lọc bụi" in hit for hit in _hits(client, "oc bui"))  # a word is matched from its beginning
    def zones_on_the_map(query):
        found = client.get("/api/v1/zones.geojson", query_string={"q": query, "lang": "vi"}).get_json()["features"]
        return [feature["properties"]["name"] for feature in found]

    assert zones_on_the_map("tinh ph") == ["Khu công nghiệp Tịnh Phong"]
    assert zones_on_the_map("inh phong") == []
