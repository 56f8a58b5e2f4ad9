"""The zone list of a national instance: thousands of zones a page at a time, by free land or by name, filtered by words."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import insert

from registry.extensions import db
from registry.text import fold
from registry.zones.models import Zone, ZoneKind
from registry.zones.service import search_text

from .conftest import empty_database

ZONE_COUNT = 2_500
PLACES = ["An Phú", "Ấn Hòa", "Bình Minh", "Dung Quất", "Đồng Văn", "Ô Môn", "Ông Kèo", "Ơn Trì", "Tân Hương", "Sa Đéc", "Uông Bí", "Ưng Hòa"]
PROVINCES = ["51", "52", "82", "01", "79"]


def row_ids(page: str) -> list[int]:
    return [int(zone_id) for zone_id in re.findall(r'<th scope="row"><a href="/zones/(\d+)"', page)]


@pytest.fixture
def many_zones(app):
    """Generate ZONE_COUNT parks and clusters across five provinces; every seventh has no free-land figure."""
    rows = []
    for n in range(ZONE_COUNT):
        kind = ZoneKind.INDUSTRIAL_CLUSTER if n % 3 else ZoneKind.INDUSTRIAL_PARK
        words = "Cụm công nghiệp" if n % 3 else "Khu công nghiệp"
        name = f"{words} {PLACES[(n // 3) % len(PLACES)]} {n:04d}"
        rows.append({"code": f"GEN-{n:05d}", "name_vi": name, "name_en": "", "name_folded": fold(name), "search_folded": search_text(name, ""),
                     "kind": kind, "province_code": PROVINCES[n % len(PROVINCES)],
                     "available_ha": None if n % 7 == 0 else round((n * 37) % 1000 + n / 10_000, 4)})
    empty_database(app)  # without the reference zones a fresh database starts with
    with app.app_context():
        db.session.execute(insert(Zone), rows)
        db.session.commit()
        zones = {zone_id: (name, available) for zone_id, name, available in db.session.execute(db.select(Zone.id, Zone.name_vi, Zone.available_ha))}
    return zones


def test_the_list_shows_a_page_at_a_time_and_page_two_holds_the_next_zones(client, many_zones):
    first = client.get("/zones/?sort=available").get_data(as_text=True)
    assert "2.500 khu" in first and "Trang 1/50" in first
    assert 'href="/zones/?sort=available&amp;page=2" rel="next"' in first
    second = client.get("/zones/?sort=available&page=2").get_data(as_text=True)
    ids = row_ids(first) + row_ids(second)
    assert len(ids) == 100 and len(set(ids)) == 100
    figures = [many_zones[i][1] for i in ids]
    assert None not in figures and figures == sorted(figures, reverse=True)  # most free land first, page 2 carries on
    assert max(available for _name, available in many_zones.values() if available is not None) == figures[0]
    assert "(đang hiện 51–100)" in second and 'rel="prev"' in second


def test_walking_every_page_by_free_land_meets_each_zone_once_with_unknown_figures_last(client, many_zones):
    seen = []
    for page in range(1, 14):
        seen += row_ids(client.get(f"/zones/?sort=available&per_page=200&page={page}").get_data(as_text=True))
    assert sorted(seen) == sorted(many_zones)
    figures = [many_zones[i][1] for i in seen]
    known = [f for f in figures if f is not None]
    assert figures == known + [None] * (len(figures) - len(known)) and known == sorted(known, reverse=True)


def test_by_name_the_zones_are_in_vietnamese_dictionary_order_across_pages_and_in_the_api(client, many_zones):
    by_name = []
    for page in (1, 2):
        by_name += row_ids(client.get(f"/zones/?sort=name&q=khu cong nghiep&per_page=200&page={page}").get_data(as_text=True))
    names = [many_zones[i][0] for i in by_name]
    parks = sorted(name for name, _ in many_zones.values() if name.startswith("Khu"))
    assert len(by_name) == 400 and len(parks) == 834
    places_in_order = [name.split(" ", 3)[3].rsplit(" ", 1)[0] for name in names]
    first_seen = list(dict.fromkeys(places_in_order))
    assert first_seen == ["An Phú", "Ấn Hòa", "Bình Minh", "Dung Quất", "Đồng Văn", "Ô Môn"]  # a < ấ, d < đ, o < ô
    answer = client.get("/api/v1/zones?sort=name&q=khu cong nghiep&per_page=400").get_json()
    assert answer["total"] == 834 and [z["id"] for z in answer["items"]] == by_name


def test_a_text_filter_counts_its_zones_and_the_page_links_keep_it_the_order_and_the_page_size(client, many_zones):
    wanted = [i for i, (name, _) in many_zones.items() if "Đồng Văn" in name]
    page = client.get("/zones/?q=dong van&sort=name&per_page=20").get_data(as_text=True)
    assert f"{len(wanted)} khu" in page and len(row_ids(page)) == 20
    assert 'href="/zones/?q=dong+van&amp;sort=name&amp;page=2&amp;per_page=20" rel="next"' in page
    assert '<input type="hidden" name="per_page" value="20">' in page  # the filter form keeps the page size too
    rest = []
    for number in range(2, 20):
        rest += row_ids(client.get(f"/zones/?q=dong van&sort=name&per_page=20&page={number}").get_data(as_text=True))
    assert sorted(row_ids(page) + rest) == sorted(wanted)


def test_the_page_size_is_bounded_and_a_page_past_the_end_says_so(client, many_zones):
    assert len(row_ids(client.get("/zones/?per_page=100000").get_data(as_text=True))) == 200
    assert len(row_ids(client.get("/zones/?per_page=abc&page=-3").get_data(as_text=True))) == 50
    past = client.get("/zones/?province=51&page=999")
    assert past.status_code == 200
    text = past.get_data(as_text=True)
    assert "500 khu" in text and "Không có trang 999" in text and 'href="/zones/?province=51"' in text
