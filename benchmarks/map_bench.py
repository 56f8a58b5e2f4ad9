"""Measure the map: page size, GeoJSON sizes, bbox query latency, against 10,000 points embedded as Folium markers.

    python benchmarks/map_bench.py [--zones 3000] [--enterprises 100000] [--queries 200]

Builds a temporary SQLite registry with generated zone polygons (hundreds of vertices each,
stored through registry.zones.boundaries.set_geometry) and enterprise points across Vietnam,
then measures through the app's own test client. Results go to benchmarks/results/.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import folium
import numpy as np
import shapely
from folium.plugins import MarkerCluster
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import maps  # noqa: E402
from registry import create_app  # noqa: E402
from registry.audit.service import acting_as  # noqa: E402
from registry.database import init_database  # noqa: E402
from registry.enterprises.generator import generate_profiles  # noqa: E402
from registry.enterprises.models import Enterprise, Status  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.mapping import layers  # noqa: E402
from registry.places.service import all_provinces  # noqa: E402
from registry.text import fold  # noqa: E402
from registry.zones.boundaries import set_geometry  # noqa: E402
from registry.zones.models import Zone, ZoneKind  # noqa: E402
from registry.zones.queries import ZoneFilters  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 1894
# Industrial areas along the country, north to south: zones are scattered around these.
ANCHORS = [
    (22.4, 104.0), (21.6, 105.8), (21.3, 105.6), (21.18, 106.07), (21.0, 105.8), (21.0, 107.3), (20.85, 106.68),
    (19.8, 105.8), (18.7, 105.7), (18.3, 105.9), (17.5, 106.6), (16.46, 107.6), (16.05, 108.2), (15.1, 108.8),
    (13.8, 109.2), (12.7, 108.0), (12.25, 109.2), (11.0, 108.1), (10.95, 106.85), (11.0, 106.65), (10.8, 106.7),
    (10.5, 107.2), (10.6, 106.4), (10.03, 105.78), (9.18, 105.15),
]


def zone_polygon(rng: random.Random, lat: float, lon: float) -> Polygon:
    """Return an irregular polygon of 150-700 vertices and 1-5 km across, like a surveyed park boundary."""
    count = rng.randint(150, 700)
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    radius = rng.uniform(0.008, 0.03)
    phases = [rng.uniform(0, 2 * np.pi) for _ in range(3)]
    wobble = 1 + 0.18 * np.sin(3 * angles + phases[0]) + 0.08 * np.sin(7 * angles + phases[1]) + 0.03 * np.sin(23 * angles + phases[2])
    xs = lon + radius * wobble * np.cos(angles) / np.cos(np.radians(lat))
    ys = lat + radius * wobble * np.sin(angles)
    return Polygon(zip(xs, ys, strict=True))


def build(database: Path, zone_count: int, enterprise_count: int) -> dict[str, float]:
    """Create the database with reference data, zones and enterprises; return the seconds each took."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "AUTO_INIT": False, "DEMO_DATA": False,
                      "ENV": "testing", "SECRET_KEY": "benchmark-only-" + "x" * 40})
    timings = {}
    rng = random.Random(SEED)
    with app.app_context(), acting_as("benchmark"):
        init_database(app, demo=False)
        provinces = [p.code for p in all_provinces()]
        started = time.perf_counter()
        vertices = 0
        for number in range(zone_count):
            lat, lon = rng.choice(ANCHORS)
            shape = zone_polygon(rng, lat + rng.uniform(-0.4, 0.4), lon + rng.uniform(-0.4, 0.4))
            vertices += len(shape.exterior.coords)
            total = round(rng.uniform(50, 2000), 1)
            leased = round(total * rng.uniform(0.1, 0.9), 1)
            name = f"Khu công nghiệp Thử nghiệm {number}"
            zone = Zone(code=f"bench-{number}", name_vi=name, name_folded=fold(name), kind=rng.choice(list(ZoneKind)),
                        province_code=rng.choice(provinces), total_ha=total, industrial_ha=total, leased_ha=leased,
                        available_ha=round(total - leased, 1), priority_groups=[], commune_codes=[], sources={})
            set_geometry(zone, MultiPolygon([shape]), approximate=False)
            db.session.add(zone)
            if number % 500 == 499:
                db.session.commit()
        db.session.commit()
        timings["zones_s"] = time.perf_counter() - started
        timings["zone_vertices"] = vertices
        started = time.perf_counter()
        batch = []
        for number, profile in enumerate(generate_profiles(enterprise_count, SEED)):
            batch.append({"tax_code": f"{number:010d}", "name_vi": profile["name_vi"], "name_en": profile.get("name_en", ""),
                          "province_code": profile["province_code"], "latitude": profile["latitude"],
                          "longitude": profile["longitude"], "status": Status.PUBLISHED, "name_folded": fold(profile["name_vi"])})
            if len(batch) == 5000:
                db.session.execute(insert(Enterprise), batch)
                batch = []
        if batch:
            db.session.execute(insert(Enterprise), batch)
        db.session.commit()
        timings["enterprises_s"] = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


CPU_MS: dict[str, list[float]] = {}  # this process's CPU time per request, by kind: steadier than wall time on a shared machine


def timed_get(client, url: str, kind: str = "") -> tuple[bytes, float]:
    started, cpu = time.perf_counter(), time.process_time()
    answer = client.get(url)
    elapsed = time.perf_counter() - started
    if kind:
        CPU_MS.setdefault(kind, []).append((time.process_time() - cpu) * 1000)
    assert answer.status_code == 200, (url, answer.status_code)
    return answer.data, elapsed


def sql_query_times(app, boxes: list[tuple[float, float, float, float]]) -> dict[str, float]:
    """Time the spatial queries alone: the SQL bbox prefilter on indexed columns, and for zones the shapely finish."""
    zone_times, point_times = [], []
    with app.test_request_context("/"):
        for box in boxes:
            started = time.perf_counter()
            rows = db.session.execute(layers.zone_statement(ZoneFilters(bbox=box))).all()
            window = shapely.box(*box)
            [row for row in rows if row.min_lon is None or window.intersects(shapely.box(row.min_lon, row.min_lat, row.max_lon, row.max_lat))]
            zone_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            db.session.execute(db.select(Enterprise.id, Enterprise.longitude, Enterprise.latitude).where(
                Enterprise.status == Status.PUBLISHED, Enterprise.longitude.between(box[0], box[2]),
                Enterprise.latitude.between(box[1], box[3])).limit(layers.MAX_POINTS)).all()
            point_times.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    return {"zone_sql_p95_ms": percentile(zone_times, 0.95), "point_sql_p95_ms": percentile(point_times, 0.95),
            "zone_sql_p50_ms": percentile(zone_times, 0.5), "point_sql_p50_ms": percentile(point_times, 0.5)}


def folium_baseline(features: list[dict]) -> tuple[int, int, float]:
    """Embed the points as Folium markers with (escaped) popups in a MarkerCluster: bytes, gzipped bytes, seconds."""
    started = time.perf_counter()
    m = maps.build_map("/vendor/x")
    cluster = MarkerCluster()
    maps.use_local_assets(cluster, "/vendor/x")
    cluster.add_to(m)
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        popup = folium.Popup(maps.safe_popup_html({"name": feature["properties"]["name"]}))
        folium.Marker([lat, lon], popup=popup).add_to(cluster)
    page = m.get_root().render().encode()
    return len(page), len(gzip.compress(page)), time.perf_counter() - started


def first_view_bytes(client, page: bytes) -> dict[str, int]:
    """Sum what a browser fetches from us for the map's first view: the page, its assets and its first two layers.

    The page's scripts and styles are read from its HTML; the layers are those the page script asks
    for at the opening view (Vietnam at zoom 5, the box padded by half). Map tiles come from the tile
    server, not from us, and are left out.
    """
    text = page.decode()
    assets = sorted(set(re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', text)))
    sizes = {"page": len(page)}
    for url in assets:
        sizes[url] = len(client.get(url).data)
    box = "89.00000,-0.50000,124.00000,32.50000"  # a 1366 px wide view of Vietnam at zoom 5, padded by half
    for url in (f"/api/v1/zones.geojson?bbox={box}&zoom=5", f"/api/v1/enterprises.geojson?bbox={box}&zoom=5"):
        answer = client.get(url, headers={"Accept-Encoding": "gzip"})
        sizes[url] = len(answer.data)
    return sizes


def measure(database: Path, queries: int) -> dict[str, float]:
    """Measure page and layer sizes, bbox latency and the Folium baseline through the test client."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "AUTO_INIT": False, "DEMO_DATA": False,
                      "ENV": "testing", "SECRET_KEY": "benchmark-only-" + "x" * 40})
    client = app.test_client()
    rng = random.Random(SEED + 1)
    results: dict[str, float] = {}
    health = [timed_get(client, "/healthz", "healthz")[1] * 1000 for _ in range(queries)]
    results.update(healthz_p50_ms=percentile(health, 0.5), healthz_p95_ms=percentile(health, 0.95))
    page, _ = timed_get(client, "/map")
    results["map_html_bytes"] = len(page)
    zones, zones_s = timed_get(client, "/api/v1/zones.geojson", "country_first")
    _, zones_again_s = timed_get(client, "/api/v1/zones.geojson", "country_again")
    results.update(zones_features=len(json.loads(zones)["features"]), zones_bytes=len(zones),
                   zones_gzip_bytes=len(gzip.compress(zones)), zones_s=zones_s, zones_again_s=zones_again_s)
    points, points_s = timed_get(client, "/api/v1/enterprises.geojson?bbox=102,8,110,23.5&limit=10000")
    features = json.loads(points)["features"]
    results.update(points=len(features), points_bytes=len(points), points_gzip_bytes=len(gzip.compress(points)), points_s=points_s)
    zone_times, point_times, point_counts, boxes = [], [], [], []
    plain_times, plain_counts = [], []
    for _ in range(queries):
        lat, lon = rng.choice(ANCHORS)
        lat, lon = lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.3, 0.3)
        boxes.append((lon - 0.22, lat - 0.14, lon + 0.22, lat + 0.14))  # a 1024x640 view at zoom 11
        box = ",".join(f"{value:.5f}" for value in boxes[-1])
        zone_times.append(timed_get(client, f"/api/v1/zones.geojson?bbox={box}&zoom=11", "zone_bbox")[1] * 1000)
        # What the map asks since grid cells: the view with its zoom.
        data, seconds = timed_get(client, f"/api/v1/enterprises.geojson?bbox={box}&zoom=11", "point_bbox")
        point_times.append(seconds * 1000)
        point_counts.append(len(json.loads(data)["features"]))
        # What it asked before, and what other API clients may still ask: every point of the box.
        data, seconds = timed_get(client, f"/api/v1/enterprises.geojson?bbox={box}")
        plain_times.append(seconds * 1000)
        plain_counts.append(len(json.loads(data)["features"]))
    results.update(zone_bbox_p50_ms=percentile(zone_times, 0.5), zone_bbox_p95_ms=percentile(zone_times, 0.95),
                   point_bbox_p50_ms=percentile(point_times, 0.5), point_bbox_p95_ms=percentile(point_times, 0.95),
                   point_bbox_mean_points=statistics.mean(point_counts), point_bbox_max_features=max(point_counts),
                   point_bbox_first_ms=point_times[0],  # the first view reads every position the map keeps
                   plain_bbox_p50_ms=percentile(plain_times, 0.5), plain_bbox_p95_ms=percentile(plain_times, 0.95),
                   plain_bbox_mean_points=statistics.mean(plain_counts))
    for kind, values in CPU_MS.items():
        results.update({f"{kind}_cpu_p50_ms": percentile(values, 0.5), f"{kind}_cpu_p95_ms": percentile(values, 0.95)})
    results.update(sql_query_times(app, boxes))
    first_view = first_view_bytes(client, page)
    results.update(first_view_bytes=sum(first_view.values()), first_view_parts=first_view)
    baseline_bytes, baseline_gzip, baseline_s = folium_baseline(features)
    results.update(baseline_html_bytes=baseline_bytes, baseline_gzip_bytes=baseline_gzip, baseline_build_s=baseline_s)
    results.update(
        ratio_page_bytes=baseline_bytes / results["map_html_bytes"],
        ratio_transfer_gzip=baseline_gzip / (len(gzip.compress(page)) + results["points_gzip_bytes"]),
        ratio_build_time=baseline_s / points_s,
        ratio_zone_bbox_healthz=results["zone_bbox_p95_ms"] / results["healthz_p95_ms"],
        ratio_point_bbox_healthz=results["point_bbox_p95_ms"] / results["healthz_p95_ms"],
    )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def table(figures: dict[str, float]) -> str:
    """Render the figures as the Markdown table of the README."""
    kb = 1024
    rows = [
        ("Data", f"{figures['zone_count']:,} zones ({figures.get('zone_vertices', 0):,} vertices), {figures['enterprise_count']:,} enterprises", ""),
        ("`/map` page HTML", f"{figures['map_html_bytes'] / kb:.1f} KB", "≤ 50 KB"),
        ("Whole-country `zones.geojson` (no bbox, zoom guessed 6): first / again",
         f"{figures['zones_s'] * 1000:.0f} / {figures['zones_again_s'] * 1000:.0f} ms, "
         f"{figures['zones_gzip_bytes'] / kb:,.0f} KB gzipped ({figures['zones_bytes'] / kb:,.0f} KB raw)",
         "≤ 200 ms; ≤ 2 MB gzipped"),
        (f"{figures['points']:,} enterprise points `enterprises.geojson`",
         f"{figures['points_gzip_bytes'] / kb:.0f} KB gzipped ({figures['points_bytes'] / kb:,.0f} KB raw, {figures['points_s'] * 1000:.0f} ms)",
         "≤ 200 KB gzipped"),
        ("Zone bbox query (zoom 11 view), p50 / p95", f"{figures['zone_bbox_p50_ms']:.1f} / {figures['zone_bbox_p95_ms']:.1f} ms", "p95 ≤ 50 ms"),
        ("Enterprise bbox query with zoom=11 (same views), p50 / p95",
         f"{figures['point_bbox_p50_ms']:.1f} / {figures['point_bbox_p95_ms']:.1f} ms "
         f"(mean {figures['point_bbox_mean_points']:,.0f} features per answer, at most {figures['point_bbox_max_features']:,}; "
         f"the first view {figures.get('point_bbox_first_ms', 0):.0f} ms)",
         "p95 ≤ 50 ms"),
        ("Enterprise bbox query without zoom (every point), p50 / p95",
         f"{figures['plain_bbox_p50_ms']:.1f} / {figures['plain_bbox_p95_ms']:.1f} ms "
         f"(mean {figures['plain_bbox_mean_points']:,.0f} points per answer)", ""),
        ("Load average (1 min) before / after the measures",
         f"{figures.get('load_average_before', 0):.1f} / {figures.get('load_average_after', 0):.1f}", ""),
        ("`/healthz` through the same client, p50 / p95", f"{figures['healthz_p50_ms']:.2f} / {figures['healthz_p95_ms']:.2f} ms", ""),
        ("CPU time of this process per request, p50 / p95: zone bbox; enterprise bbox (zoom=11); `/healthz`",
         f"{figures['zone_bbox_cpu_p50_ms']:.1f} / {figures['zone_bbox_cpu_p95_ms']:.1f}; "
         f"{figures['point_bbox_cpu_p50_ms']:.1f} / {figures['point_bbox_cpu_p95_ms']:.1f}; "
         f"{figures['healthz_cpu_p50_ms']:.2f} / {figures['healthz_cpu_p95_ms']:.2f} ms", ""),
        ("CPU time of the whole-country `zones.geojson`: first / again",
         f"{figures['country_first_cpu_p50_ms']:.0f} / {figures['country_again_cpu_p50_ms']:.0f} ms", ""),
        ("Map's first view from our server (page, assets, zones and enterprises at zoom 5; tiles aside)",
         f"{figures['first_view_bytes'] / kb:,.0f} KB", "≤ 500 KB"),
        ("SQL bbox prefilter + shapely finish alone, zones p50 / p95",
         f"{figures['zone_sql_p50_ms']:.1f} / {figures['zone_sql_p95_ms']:.1f} ms", "p95 ≤ 50 ms"),
        ("SQL bbox query alone, enterprise points p50 / p95",
         f"{figures['point_sql_p50_ms']:.1f} / {figures['point_sql_p95_ms']:.1f} ms", "p95 ≤ 50 ms"),
        ("Baseline: same points as Folium markers in a MarkerCluster",
         f"{figures['baseline_html_bytes'] / kb / kb:.2f} MB HTML ({figures['baseline_gzip_bytes'] / kb:.0f} KB gzipped), "
         f"built in {figures['baseline_build_s']:.1f} s", ""),
        ("Ratio baseline / ours: page HTML", f"{figures['ratio_page_bytes']:,.0f}×", ""),
        ("Ratio baseline / ours: gzipped transfer (page + points)", f"{figures['ratio_transfer_gzip']:.1f}×", ""),
        ("Ratio baseline build / API answer time", f"{figures['ratio_build_time']:.1f}×", ""),
    ]
    lines = ["| measure | result | target |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=3000)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database", type=Path, help="keep the generated database here, and reuse it if it exists")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = options.database or Path(folder) / "map-bench.sqlite"
        figures: dict = {"zone_count": options.zones, "enterprise_count": options.enterprises}
        if database.exists():
            figures.update(reused_database=str(database))
        else:
            figures.update(build(database, options.zones, options.enterprises))
        figures["load_average_before"] = os.getloadavg()[0]
        figures.update(measure(database, options.queries))
        figures["load_average_after"] = os.getloadavg()[0]
    figures["run_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "map_bench.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "map_bench.md").write_text(table(figures) + "\n", encoding="utf-8")
    print(table(figures))


if __name__ == "__main__":
    main()
