"""Measure placing enterprises in zones: the zone index against one query per enterprise, in one run.

    python benchmarks/placement_bench.py [--enterprises 10000] [--rounds 3]

Builds a temporary SQLite registry with its reference data and 50 zones more (5 economic zones, each with 9 industrial parks
inside it; boundaries of a few hundred vertices) and enterprises scattered over the first
economic zone and around it, then measures:

- re-placing after a boundary change: the first economic zone gets a new, shifted boundary, and
  every enterprise inside its old or new box is placed again (`registry.enterprises.placement.
  replace_around`), against the way it was done before the zone index: `zone_at` per enterprise,
  each a bbox query of the zones and a point-in-polygon test of the candidates (kept below as
  `one_query_per_enterprise`, the baseline);
- placing many (`place_many`, as imports do) against the same per-enterprise lookup;
- one `zone_at` lookup with the kept index against the bbox query.

Each publish is rolled back, so every round starts from the same data. Timings are best-of-rounds
wall times; the ratios (baseline ÷ index) are what to read, on any machine. Results go to
benchmarks/results/placement-<time>.json.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from shapely.geometry import MultiPolygon, Point, Polygon
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import maps  # noqa: E402
from registry import create_app  # noqa: E402
from registry.audit.service import acting_as  # noqa: E402
from registry.database import init_database  # noqa: E402
from registry.enterprises import placement  # noqa: E402
from registry.enterprises.models import Enterprise, Status  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.text import fold  # noqa: E402
from registry.zones import service as zones  # noqa: E402
from registry.zones.boundaries import publish_boundary, set_geometry  # noqa: E402
from registry.zones.models import Zone, ZoneKind  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 1894
ECONOMIC_ZONES = [(15.35, 108.75), (10.95, 106.85), (20.85, 106.68), (16.05, 108.2), (10.03, 105.78)]  # (lat, lon)
EZ_RADIUS = 0.15  # degrees
PARK_RADIUS = 0.03
SHIFT = 0.05  # the new boundary of the first economic zone lies this far east
FIRST_ZONE = "bench-ez-0"


def outline(lat: float, lon: float, radius: float, rng: random.Random) -> MultiPolygon:
    """A round boundary of about 400 vertices, stretched a little east or west."""
    stretch = rng.uniform(0.9, 1.1)
    circle = Point(0, 0).buffer(radius, quad_segs=100)
    return MultiPolygon([Polygon([(lon + x * stretch, lat + y) for x, y in circle.exterior.coords])])


def build(database: Path, enterprise_count: int) -> dict[str, float]:
    app = make_app(database)
    rng = random.Random(SEED)
    with app.app_context(), acting_as("benchmark"):
        init_database(app, demo=False)
        started = time.perf_counter()
        for number, (lat, lon) in enumerate(ECONOMIC_ZONES):
            economic_zone = new_zone(f"bench-ez-{number}", f"Khu kinh tế Thử {number}", ZoneKind.ECONOMIC_ZONE,
                                     outline(lat, lon, EZ_RADIUS, rng))
            db.session.flush()
            for row in range(3):
                for column in range(3):
                    park = new_zone(f"bench-park-{number}-{row}{column}", f"KCN Thử {number}-{row}{column}", ZoneKind.INDUSTRIAL_PARK,
                                    outline(lat + (row - 1) * 0.08, lon + (column - 1) * 0.08, PARK_RADIUS, rng))
                    park.parent_id = economic_zone.id
        db.session.commit()
        zones_s = time.perf_counter() - started
        lat, lon = ECONOMIC_ZONES[0]
        rows = []
        for number in range(enterprise_count):
            name = f"Công ty Thử nghiệm {number}"
            rows.append({"tax_code": f"{number:010d}", "name_vi": name, "name_folded": fold(name), "province_code": "51",
                         "latitude": lat + rng.uniform(-1.3, 1.3) * EZ_RADIUS,
                         "longitude": lon + rng.uniform(-1.3, 1.3) * EZ_RADIUS + SHIFT / 2, "status": Status.PUBLISHED})
        db.session.execute(insert(Enterprise), rows)
        placement.place_many(list(db.session.scalars(db.select(Enterprise.id))))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"zones_s": zones_s}


def make_app(database: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "AUTO_INIT": False, "DEMO_DATA": False,
                       "ENV": "testing", "SECRET_KEY": "benchmark-only-" + "x" * 40})


def new_zone(code: str, name: str, kind: ZoneKind, boundary: MultiPolygon) -> Zone:
    zone = Zone(code=code, name_vi=name, name_folded=fold(name), kind=kind, province_code="51",
                priority_groups=[], commune_codes=[], sources={})
    set_geometry(zone, boundary, approximate=False)
    db.session.add(zone)
    return zone


def zone_at_by_query(latitude: float, longitude: float) -> int | None:
    """The lookup before the zone index: the zones whose box holds the point, then the smallest covering it."""
    candidates = db.session.scalars(
        db.select(Zone).where(Zone.min_lon <= longitude, Zone.max_lon >= longitude, Zone.min_lat <= latitude, Zone.max_lat >= latitude)
    ).all()
    return maps.smallest_containing((longitude, latitude), [(z.id, maps.from_wkb(z.boundary_wkb)) for z in candidates if z.boundary_wkb])


def one_query_per_enterprise(zone, previous_box=None, **_ignored) -> int:
    """The baseline: re-placing as it was done before the zone index, one zone lookup per enterprise."""
    boxes = [b for b in (previous_box, (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat)) if b and None not in b]
    condition = Enterprise.zone_id == zone.id
    for min_lon, min_lat, max_lon, max_lat in boxes:
        condition = condition | (Enterprise.longitude.between(min_lon, max_lon) & Enterprise.latitude.between(min_lat, max_lat))
    changed = 0
    for enterprise in db.session.scalars(db.select(Enterprise).where(condition)):
        before = enterprise.zone_id
        enterprise.zone_id = zone_at_by_query(enterprise.latitude, enterprise.longitude) if enterprise.has_location else None
        changed += enterprise.zone_id != before
    db.session.flush()
    return changed


def time_replacing(app, handler, rounds: int) -> tuple[float, int]:
    """Publish the shifted boundary with `handler` listening, and roll back; the best time and how many are in the zone."""
    zones.boundary_changed.disconnect(placement.replace_around)
    zones.boundary_changed.connect(handler, weak=False)
    best, inside = float("inf"), 0
    lat, lon = ECONOMIC_ZONES[0]
    try:
        for _ in range(rounds):
            with app.app_context(), acting_as("benchmark"):
                zone = db.session.scalar(db.select(Zone).where(Zone.code == FIRST_ZONE))
                shifted = outline(lat, lon + SHIFT, EZ_RADIUS, random.Random(SEED))
                started = time.perf_counter()
                publish_boundary(None, zone, shifted)
                best = min(best, time.perf_counter() - started)
                inside = db.session.scalar(db.select(db.func.count()).select_from(Enterprise).where(Enterprise.zone_id == zone.id))
                db.session.rollback()
                db.session.remove()
    finally:
        zones.boundary_changed.disconnect(handler)
        placement.install()
    return best, inside


def time_placing_many(app, rounds: int) -> dict[str, float]:
    with app.app_context():
        ids = list(db.session.scalars(db.select(Enterprise.id)))
        rows = db.session.execute(db.select(Enterprise.latitude, Enterprise.longitude)).all()
        index_s = by_query_s = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            placement.place_many(ids)
            index_s = min(index_s, time.perf_counter() - started)
            db.session.rollback()
            started = time.perf_counter()
            [zone_at_by_query(row.latitude, row.longitude) for row in rows]
            by_query_s = min(by_query_s, time.perf_counter() - started)
            db.session.rollback()
        db.session.remove()
    return {"place_many_index_s": index_s, "place_many_by_query_s": by_query_s, "place_many_ratio": by_query_s / index_s}


def time_one_lookup(app, lookups: int = 2000) -> dict[str, float]:
    rng = random.Random(SEED + 1)
    lat, lon = ECONOMIC_ZONES[0]
    points = [(lat + rng.uniform(-EZ_RADIUS, EZ_RADIUS), lon + rng.uniform(-EZ_RADIUS, EZ_RADIUS)) for _ in range(lookups)]
    with app.app_context():
        zones.zone_at(*points[0])  # builds and keeps the index
        started = time.perf_counter()
        found_index = [zones.zone_at(*point) for point in points]
        index_ms = (time.perf_counter() - started) * 1000 / lookups
        started = time.perf_counter()
        found_query = [zone_at_by_query(*point) for point in points]
        query_ms = (time.perf_counter() - started) * 1000 / lookups
        assert [z.id if z else None for z in found_index] == found_query
        db.session.remove()
    return {"zone_at_index_ms": index_ms, "zone_at_by_query_ms": query_ms, "zone_at_ratio": query_ms / index_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "placement.sqlite"
        results: dict[str, float | int | str] = {"enterprises": args.enterprises, "zones": 5 * 10}
        results.update(build(database, args.enterprises))
        app = make_app(database)
        index_s, moved_index = time_replacing(app, placement.replace_around, args.rounds)
        by_query_s, moved_query = time_replacing(app, one_query_per_enterprise, args.rounds)
        assert moved_index == moved_query, (moved_index, moved_query)
        results.update(replace_index_s=index_s, replace_by_query_s=by_query_s, replace_ratio=by_query_s / index_s,
                       enterprises_in_zone_after=moved_index)
        results.update(time_placing_many(app, args.rounds))
        results.update(time_one_lookup(app))
        with app.app_context():
            db.engine.dispose()
    results["at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"placement-{results['at'].replace(':', '')}.json").write_text(json.dumps(results, indent=2))
    for key, value in results.items():
        print(f"{key:28} {value:.4f}" if isinstance(value, float) else f"{key:28} {value}")


if __name__ == "__main__":
    main()
