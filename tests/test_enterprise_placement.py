"""Enterprises are placed in the smallest zone holding their location, and placed again when boundaries change."""
from __future__ import annotations

import re

from shapely.geometry import MultiPolygon, box

from registry.audit.service import acting_as
from registry.enterprises import service
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.zones import service as zones
from registry.zones.boundaries import publish_boundary


def zone_with_box(name, bounds, parent=None):
    zone = zones.create_zone(None, {"name_vi": name, "kind": "industrial_park", "province_code": "51",
                                    **({"parent_id": parent.id} if parent else {})})
    publish_boundary(None, zone, MultiPolygon([box(*bounds)]))
    return zone


def test_the_smallest_zone_wins_and_a_new_boundary_places_again(ctx):
    with acting_as("tests"):
        economic_zone = zone_with_box("Khu kinh tế Thử", (108.6, 15.1, 108.95, 15.5))
        park = zone_with_box("KCN Thử", (108.75, 15.15, 108.8, 15.2), parent=economic_zone)
        inside_park = service.create_enterprise(None, {"tax_code": "0100233488", "name_vi": "Công ty A", "province_code": "51",
                                                       "latitude": 15.18, "longitude": 108.77})
        elsewhere = service.create_enterprise(None, {"tax_code": "0314409058", "name_vi": "Công ty B", "province_code": "51",
                                                     "latitude": 15.45, "longitude": 108.9})
        assert inside_park.zone_id == park.id and elsewhere.zone_id == economic_zone.id
        publish_boundary(None, park, MultiPolygon([box(108.70, 15.10, 108.72, 15.12)]))
        db.session.commit()
        assert db.session.get(Enterprise, inside_park.id).zone_id == economic_zone.id


def test_imported_enterprises_are_placed_in_zones(ctx, app, tmp_path):
    with acting_as("tests"):
        park = zone_with_box("KCN Nhập", (105.7, 10.2, 105.8, 10.4))
        db.session.commit()
    path = tmp_path / "list.csv"
    path.write_text("Mã số thuế,Tên doanh nghiệp,Tỉnh,Vĩ độ,Kinh độ\n0100233488,Công ty Nhập,82,10.31,105.76\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", "enterprises", str(path), "--map", "Vĩ độ=latitude", "--map", "Kinh độ=longitude"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(db.select(Enterprise.zone_id)).one() == park.id


def test_the_api_exports_the_filtered_list(client, ctx):
    with acting_as("tests"):
        service.create_enterprise(None, {"tax_code": "0100233488", "name_vi": "=Công ty Xuất", "province_code": "51"})
        service.create_enterprise(None, {"tax_code": "0314409058", "name_vi": "Công ty Khác", "province_code": "01"})
        db.session.commit()
    answer = client.get("/api/v1/enterprises.csv?province=51")
    text = answer.get_data().decode("utf-8-sig")
    assert answer.status_code == 200 and "'=Công ty Xuất" in text and "Công ty Khác" not in text
    assert client.get("/api/v1/enterprises.xlsx").mimetype.endswith("spreadsheetml.sheet")


def test_the_zone_filter_includes_the_parks_inside_an_economic_zone(client, ctx):
    with acting_as("tests"):
        economic_zone = zone_with_box("Khu kinh tế Lọc", (108.6, 15.1, 108.95, 15.5))
        park = zone_with_box("KCN Lọc", (108.75, 15.15, 108.8, 15.2), parent=economic_zone)
        service.create_enterprise(None, {"tax_code": "0100233488", "name_vi": "Công ty Trong KCN", "province_code": "51",
                                         "latitude": 15.18, "longitude": 108.77})
        service.create_enterprise(None, {"tax_code": "0314409058", "name_vi": "Công ty Ngoài", "province_code": "51"})
        db.session.commit()
    names = lambda **args: [e["name_vi"] for e in client.get("/api/v1/enterprises", query_string=args).get_json()["items"]]
    assert names(zone=park.id) == ["Công ty Trong KCN"]
    assert names(zone=economic_zone.id) == ["Công ty Trong KCN"]
    assert names(zone="not-a-zone") == []
    detail = client.get(f"/api/v1/enterprises/{db.session.scalars(db.select(Enterprise.id).where(Enterprise.zone_id == park.id)).one()}")
    assert detail.get_json()["zone"]["name_vi"] == "KCN Lọc"
    page = client.get("/enterprises/").get_data(as_text=True)
    assert f"zone={park.id}" in page and "KCN Lọc" in page


def test_the_zone_page_lists_its_enterprises_and_maps_them_through_the_api(client, ctx):
    with acting_as("tests"):
        economic_zone = zone_with_box("Khu kinh tế Trang", (108.6, 15.1, 108.95, 15.5))
        park = zone_with_box("KCN Trang", (108.75, 15.15, 108.8, 15.2), parent=economic_zone)
        service.create_enterprise(None, {"tax_code": "0100233488", "name_vi": "Công ty Trong Công viên", "province_code": "51",
                                         "latitude": 15.18, "longitude": 108.77})
        db.session.commit()
    page = client.get(f"/zones/{economic_zone.id}").get_data(as_text=True)
    assert "Công ty Trong Công viên" in page  # placed in the park inside the economic zone
    assert re.search(rf'"url":\s*"/api/v1/enterprises\.geojson\?zone={economic_zone.id}"', page)
    points = client.get(f"/api/v1/enterprises.geojson?zone={park.id}").get_json()["features"]
    assert [p["properties"]["name"] for p in points] == ["Công ty Trong Công viên"]
