"""One zone index serves every lookup: built once per change of the zones, rebuilt in every worker after a publish.

Publishing a boundary places again, in one pass, the enterprises it now holds and those it let go.
"""
from __future__ import annotations

from sqlalchemy import event
from shapely.geometry import MultiPolygon, box

from registry import create_app
from registry.audit.service import acting_as
from registry.enterprises import service
from registry.enterprises.generator import check_digit
from registry.enterprises.models import Enterprise
from registry.extensions import db
from registry.zones import service as zones
from registry.zones.boundaries import publish_boundary
from registry.zones.models import Zone

from .conftest import test_config

DUNG_QUAT_EZ = (108.6, 15.1, 108.95, 15.5)
OLD_PARK = (108.75, 15.15, 108.8, 15.2)
NEW_PARK = (108.85, 15.35, 108.9, 15.4)


def zone_with_box(name, bounds, parent=None):
    zone = zones.create_zone(None, {"name_vi": name, "kind": "industrial_park", "province_code": "51",
                                    **({"parent_id": parent.id} if parent else {})})
    publish_boundary(None, zone, MultiPolygon([box(*bounds)]))
    return zone


def tax_code(number: int) -> str:
    """Return a valid tax code (its tenth digit checks the nine before) for a small number."""
    serial = 1_000_000 + number
    while check_digit(prefix := f"05{serial:07d}") is None:
        serial += 1000  # keeps the codes of different numbers apart
    return prefix + check_digit(prefix)


def enterprise_at(number: int, latitude: float, longitude: float) -> Enterprise:
    return service.create_enterprise(None, {"tax_code": tax_code(number), "name_vi": f"Công ty Thử {number}",
                                            "province_code": "51", "latitude": latitude, "longitude": longitude})


class Statements:
    """The SQL statements the app sends while the block runs."""

    def __init__(self):
        self.sent: list[str] = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *_exc):
        event.remove(db.engine, "before_cursor_execute", self._note)

    def _note(self, _connection, _cursor, statement, *_args):
        self.sent.append(statement)

    def reading(self, table: str) -> list[str]:
        return [s for s in self.sent if s.lstrip().upper().startswith("SELECT") and f"FROM {table} " in s.replace("\n", " ")]


def test_publishing_a_boundary_places_again_inside_and_outside_it_in_one_pass(ctx, client):
    with acting_as("tests"):
        economic_zone = zone_with_box("Khu kinh tế Dung Quất (thử)", DUNG_QUAT_EZ)
        park = zone_with_box("KCN Tịnh Phong (thử)", OLD_PARK, parent=economic_zone)
        left_behind = [enterprise_at(n, 15.16 + n / 1000, 108.76) for n in range(20)]  # in the park's old outline
        taken_in = [enterprise_at(100 + n, 15.36 + n / 1000, 108.86) for n in range(20)]  # in the new one, in the EZ today
        far_away = enterprise_at(900, 16.0, 108.2)  # Đà Nẵng, in no zone
        db.session.commit()
        assert {e.zone_id for e in left_behind} == {park.id} and {e.zone_id for e in taken_in} == {economic_zone.id}
        assert far_away.zone_id is None

        with Statements() as statements:
            publish_boundary(None, park, MultiPolygon([box(*NEW_PARK)]))
        db.session.commit()

    placed = dict(db.session.execute(db.select(Enterprise.id, Enterprise.zone_id)).all())
    assert {placed[e.id] for e in left_behind} == {economic_zone.id}
    assert {placed[e.id] for e in taken_in} == {park.id}
    assert placed[far_away.id] is None
    # The zones are read once, into the index, instead of once per enterprise around the park;
    # the enterprises' positions once, then the 40 that moved are loaded together to be changed.
    assert sum("boundary_wkb IS NOT NULL" in s for s in statements.sent) == 1
    assert not [s for s in statements.reading("zone") if "min_lon <=" in s]
    positions = [s for s in statements.reading("enterprise") if "enterprise.tax_code" not in s]
    loads = [s for s in statements.reading("enterprise") if "enterprise.id IN" in s]
    assert len(positions) == 1 and len(loads) == 1
    # Besides those, each changed record is read once by the audit trail, before it is written.
    assert len(statements.reading("enterprise")) <= 2 + len(left_behind) + len(taken_in)
    page = client.get(f"/zones/{park.id}").get_data(as_text=True)
    assert "Công ty Thử 100" in page and "Công ty Thử 0<" not in page


def test_the_index_is_built_once_and_asked_again_without_reading_the_zones(ctx):
    with acting_as("tests"):
        economic_zone = zone_with_box("Khu kinh tế Dung Quất (thử)", DUNG_QUAT_EZ)
        park = zone_with_box("KCN Tịnh Phong (thử)", OLD_PARK, parent=economic_zone)
        db.session.commit()
    assert zones.zone_at(15.17, 108.77).id == park.id  # builds the index
    db.session.commit()
    with Statements() as statements:
        assert zones.zone_at(15.3, 108.7).id == economic_zone.id
        assert zones.zone_at(15.6, 108.7) is None
    asked = [s for s in statements.sent if not s.startswith("BEGIN")]
    # Each lookup asks for the zones' data version; the one that found a zone loads it by its id.
    assert len(asked) == 3 and sum("FROM data_version" in s for s in asked) == 2, asked
    assert not any("boundary_wkb IS NOT NULL" in s for s in asked)


def test_a_boundary_published_by_one_worker_is_seen_by_another(app, ctx):
    with acting_as("tests"):
        park_id = zone_with_box("KCN Tịnh Phong (thử)", OLD_PARK).id
        db.session.commit()
    other_worker = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    try:
        with other_worker.app_context():
            assert zones.zone_at(15.17, 108.77).id == park_id  # the other worker builds and keeps its index
            assert zones.zone_at(15.37, 108.87) is None
            db.session.remove()
        with acting_as("tests"):
            publish_boundary(None, db.session.get(Zone, park_id), MultiPolygon([box(*NEW_PARK)]))
            db.session.commit()
        with other_worker.app_context():
            assert zones.zone_at(15.37, 108.87).id == park_id
            assert zones.zone_at(15.17, 108.77) is None
            db.session.remove()
    finally:
        with other_worker.app_context():
            db.engine.dispose()


def test_inside_the_publishing_transaction_lookups_see_the_new_boundary(ctx):
    with acting_as("tests"):
        park = zone_with_box("KCN Tịnh Phong (thử)", OLD_PARK)
        db.session.commit()
        assert zones.zone_at(15.17, 108.77).id == park.id  # kept for this data version
        publish_boundary(None, park, MultiPolygon([box(*NEW_PARK)]))
        inside = enterprise_at(1, 15.37, 108.87)
        outside = enterprise_at(2, 15.17, 108.77)
        assert inside.zone_id == park.id and outside.zone_id is None
        db.session.rollback()
    assert zones.zone_at(15.17, 108.77).id == park.id  # nothing kept from the transaction rolled back
