"""The map answers fast without changing what it answers: enterprise views counted from positions kept in
memory, layers written as text, and zones stored before the per-zoom shapes getting them on `flask init`."""
from __future__ import annotations

import json

import pytest
from shapely.geometry import Point, box
from sqlalchemy import event, update

from maps.display_levels import display_levels
from maps.storage import display_geometry
from registry.enterprises.models import Enterprise, Status
from registry.extensions import db
from registry.mapping.embed import zone_layer_data
from registry.zones.models import Zone

from .factories import make_published_enterprises, make_zone, officer_token

ELSEWHERE = "56"  # Khánh Hòa: none of the reference zones is there
DENSE_VIEW = "bbox=105.6,10.2,105.8,10.4&zoom=12"


@pytest.fixture
def crowded(ctx, monkeypatch, app):
    """Forty enterprises in a grid over a few streets, twelve of them making catalog item A.01, and three far off."""
    monkeypatch.setitem(app.config, "MAP_POINTS_IN_VIEW", 10)
    streets = [(105.70 + 0.003 * (n % 8), 10.30 + 0.003 * (n // 8)) for n in range(28)]
    makers = [(105.71 + 0.002 * n, 10.31) for n in range(12)]
    far = [(107.5, 12.2), (107.51, 12.21), (108.9, 15.1)]
    return (make_published_enterprises(streets + far) + make_published_enterprises(makers, catalog="A.01", first=100))


def statements_sent(app, client, url: str) -> list[str]:
    """Ask for `url` and return the SQL the app sent for it."""
    sent = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return sent


def test_a_dense_map_view_is_counted_without_scanning_the_enterprises_again(app, client, crowded):
    first = client.get(f"/api/v1/enterprises.geojson?{DENSE_VIEW}").get_json()
    assert first["clustered"] is True and first["total"] == 40
    # Panning to the next view over the same streets: counted from the positions read for the first.
    sent = statements_sent(app, client, "/api/v1/enterprises.geojson?bbox=105.65,10.25,105.85,10.45&zoom=12")
    assert not [sql for sql in sent if "GROUP BY" in sql.upper() or "count(" in sql.lower()], sent


VIEWS = [
    DENSE_VIEW,
    "bbox=105.6,10.2,105.8,10.4&zoom=15",
    "bbox=104,9,109,16&zoom=6",
    "bbox=105.705,10.295,105.711,10.301&zoom=14",  # few enough for points
    "bbox=105.705,10.295,105.711,10.301&zoom=14&limit=1",
    "bbox=107,12,108,13&zoom=9",
    "zoom=5",
    f"{DENSE_VIEW}&limit=3",
    f"{DENSE_VIEW}&catalog=A.01",
    "bbox=105.6,10.2,105.8,10.4&zoom=16&catalog=A.01",
    f"{DENSE_VIEW}&province=82",
    f"{DENSE_VIEW}&province=51",
    f"{DENSE_VIEW}&size=small",  # a filter the map does not send: the database answers
]


@pytest.mark.parametrize("view", VIEWS)
def test_the_kept_positions_answer_each_view_as_the_database_does(app, client, crowded, monkeypatch, view):
    kept = client.get(f"/api/v1/enterprises.geojson?{view}").get_json()
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)  # nothing kept: every view counted in the database
    assert client.get(f"/api/v1/enterprises.geojson?{view}").get_json() == kept


def test_a_newly_published_enterprise_counts_in_the_next_view(client, crowded):
    before = client.get(f"/api/v1/enterprises.geojson?{DENSE_VIEW}").get_json()
    make_published_enterprises([(105.75, 10.35)], name="Công ty Mới Mở", first=200)
    after = client.get(f"/api/v1/enterprises.geojson?{DENSE_VIEW}").get_json()
    assert after["total"] == before["total"] + 1
    assert sum(f["properties"].get("count", 1) for f in after["features"]) == after["total"]


def test_an_officer_sees_the_pending_records_of_their_province_on_the_map_and_visitors_do_not(app, client, runner, accounts, crowded):
    token = officer_token(runner, accounts)  # a province officer of Quảng Ngãi
    ids = make_published_enterprises([(108.80 + 0.001 * n, 15.10) for n in range(12)], province="51", first=300)
    db.session.execute(update(Enterprise).where(Enterprise.id.in_(ids)).values(status=Status.PENDING))
    db.session.commit()
    view = "/api/v1/enterprises.geojson?bbox=108.7,15,108.85,15.2&zoom=12"
    assert client.get(view).get_json()["features"] == []
    pending = client.get(f"{view}&status=pending", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert pending["clustered"] is True and pending["total"] == 12


def test_names_that_need_escaping_come_back_as_they_were_written(client, ctx):
    hostile = 'Công ty "Ngoặc" \\ </script>\u2028\x07 ✓'
    make_published_enterprises([(109.2, 12.2)], province=ELSEWHERE, name=hostile)
    points = client.get("/api/v1/enterprises.geojson?bbox=109,12,109.5,12.5&zoom=12").get_json()
    assert [f["properties"]["name"] for f in points["features"]] == [f"{hostile} 0"]
    named = 'KCN "Ngoặc" \\ </script>\u2028 ✓'
    zone = make_zone(named, province=ELSEWHERE, boundary=box(109.0, 12.0, 109.1, 12.1))
    layer = json.loads(client.get(f"/api/v1/zones.geojson?province={ELSEWHERE}&zoom=6").get_data(as_text=True))
    assert next(f for f in layer["features"] if f["id"] == zone.id)["properties"]["name"] == named


def test_the_map_layer_describes_a_zone_as_its_own_map_does(app, client, ctx):
    zone = make_zone("KCN Mô Tả", province=ELSEWHERE, boundary=box(109.0, 12.0, 109.1, 12.1), published_occupancy=87.5)
    layer = client.get(f"/api/v1/zones.geojson?province={ELSEWHERE}&zoom=6").get_json()
    drawn = next(f for f in layer["features"] if f["id"] == zone.id)
    with app.test_request_context("/"):
        own = zone_layer_data([db.session.get(Zone, zone.id)])["features"][0]
    assert drawn["properties"] == own["properties"]


def test_the_map_shows_the_published_occupancy_of_a_zone_as_its_page_does(client, ctx):
    # 90 of 100 industrial hectares leased computes 90 %; the board published 75 %.
    zone = make_zone("KCN Đã Công Bố", province=ELSEWHERE, boundary=box(109.0, 12.0, 109.1, 12.1), published_occupancy=75.0)
    for zoom in (6, 15):
        layer = client.get(f"/api/v1/zones.geojson?province={ELSEWHERE}&zoom={zoom}").get_json()
        assert next(f for f in layer["features"] if f["id"] == zone.id)["properties"]["occupancy"] == 75.0


def test_init_gives_zones_stored_before_the_per_zoom_shapes_their_shapes(runner, english, ctx):
    shape = Point(109.05, 12.25).buffer(0.05, quad_segs=200)
    zone = make_zone("KCN Từ Trước", province=ELSEWHERE, boundary=shape)
    # What migration 0015 leaves on a zone stored before it.
    db.session.execute(update(Zone).where(Zone.id == zone.id).values(display_z6=None, display_z9=None, display_z12=None))
    db.session.commit()
    db.session.expire_all()

    first = runner.invoke(args=["init", "--no-demo"])
    assert first.exit_code == 0, first.output
    assert "map shapes per zoom level for 1 existing zones" in first.output
    db.session.expire_all()
    stored = db.session.get(Zone, zone.id)
    expected = display_levels(display_geometry(shape))
    assert {level: getattr(stored, f"display_z{level}") for level in (6, 9, 12)} == expected
    db.session.rollback()

    again = runner.invoke(args=["init", "--no-demo"])
    assert again.exit_code == 0 and "existing zones" not in again.output
