"""Measure the matching engine: one proposal against 3,000 generated zones, and 1,000 proposals in a batch.

    python benchmarks/matching_bench.py [--sites 3000] [--runs 200] [--batch 1000] [--naive-runs 20] [--naive-batch 30] [--web-runs 100] [--naive-web-runs 5]

Generates zones in the 34 provinces (kinds, statuses, commune classes, free land, rents, infrastructure,
priority groups, enterprises nearby) and incentive rules: national ones shaped on FACTS §5 and a handful
per province. Times `registry.matching.engine.match` against a naive matcher measured in the same run:
the same formulas (it calls the engine's criteria and valuation functions), but every zone looks up its
rules itself — re-scanning the whole rule list per zone and instrument and re-checking dates and project
conditions there — and every match is built in full detail. Both answers are compared, zone by zone.
Wall time and CPU time are reported (the machine may be shared); results go to benchmarks/results/.
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

from vietnam_provinces import Province

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry.matching.engine import (  # noqa: E402
    CRITERIA,
    INSTRUMENTS,
    AppliedIncentive,
    Assumptions,
    Exclusion,
    Match,
    Policy,
    Proposal,
    SectorMap,
    Site,
    match,
    match_many,
    prepare,
    project_start,
)
from registry.matching.engine.core import contributions_of, scaled_weights, weights_of  # noqa: E402
from registry.matching.engine.filters import failures  # noqa: E402
from registry.matching.engine.incentives import M2_PER_HA, VALUED, project_holds, rent_per_m2_year, site_holds, strength  # noqa: E402
from registry.matching.engine.scoring import Criteria  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 1894
ON = date(2026, 12, 1)
PROVINCES = [f"{p.code.value:02d}" for p in Province.iter_all()]
KINDS = ["industrial_park"] * 5 + ["industrial_cluster"] * 8 + ["economic_zone", "high_tech_park", "recycling_cluster", "eco_cluster"]
GROUPS = ["A", "A1", "A2", "B", "C", "C1", "C2", "C3", "D", "E", "F", "G"]
ACTIVITIES = ["equipment_manufacturing", "recycling_plant", "waste_to_energy", "hazardous_waste_treatment", "monitoring_services"]
SECTORS = SectorMap(
    activities={"recycling_plant": "incentive", "waste_to_energy": "special", "hazardous_waste_treatment": "special"},
    catalog={"C": "incentive", "E": "special", "A": "incentive"},
    activity_kinds={"hazardous_waste_treatment": frozenset({"industrial_park", "industrial_cluster", "recycling_cluster", "economic_zone"})},
)


def generate_sites(rng: random.Random, count: int) -> list[Site]:
    sites = []
    for i in range(count):
        priced = rng.random() < 0.6
        sites.append(
            Site(
                id=i + 1,
                code=f"Z-{i + 1:05d}",
                kind=rng.choice(KINDS),
                status=rng.choices(["operating", "under_construction", "planned"], [8, 1, 1])[0],
                province=rng.choice(PROVINCES),
                area_classes=frozenset(rng.choices([(), ("kk",), ("dbkk",)], [6, 3, 1])[0]),
                available_ha=None if rng.random() < 0.08 else round(rng.expovariate(1 / 60), 1),
                available_as_of=None if rng.random() < 0.1 else date(rng.randint(2023, 2026), rng.randint(1, 12), 1),
                land_price_usd_m2=round(rng.uniform(30, 250), 1) if priced else None,
                land_rent_vnd_m2_year=None if priced or rng.random() < 0.3 else rng.randint(10_000, 150_000),
                wastewater_capacity_m3_day=rng.choice([None, 0, 1000, 2000, 5000, 10000, 20000]),
                port_km=None if rng.random() < 0.2 else round(rng.uniform(0, 250), 1),
                has_power=rng.choices([True, None, False], [8, 1, 1])[0],
                priority_groups=tuple(rng.sample(GROUPS, rng.randint(0, 3))),
                nearby={group: rng.randint(0, 40) for group in rng.sample(GROUPS, rng.randint(0, 4))},
            )
        )
    return sites


def generate_policies(rng: random.Random) -> list[Policy]:
    """National rules shaped on FACTS §5 (levels by how favourable), then five rules per province."""
    national = [
        ("cit-dbkk", "cit", {"rate": 10, "rate_years": 15, "exempt_years": 4, "reduce50_years": 9}, {"dbkk"}, "any", 40, date(2025, 10, 1), None),
        ("cit-kk", "cit", {"rate": 17, "rate_years": 10, "exempt_years": 2, "reduce50_years": 4}, {"kk"}, "any", 30, date(2025, 10, 1), None),
        ("cit-sector", "cit", {"rate": 10, "rate_years": 15, "exempt_years": 4, "reduce50_years": 9}, set(), "special", 40, date(2025, 10, 1), None),
        ("cit-park-old", "cit", {"exempt_years": 2, "reduce50_years": 4}, {"industrial_park", "industrial_cluster"}, "any", 10, date(2014, 2, 15), date(2025, 9, 30)),
        ("rent-xdcb", "land_rent", {"exempt_rent_years": 3}, set(), "incentive", 10, date(2024, 8, 1), None),
        ("rent-kk", "land_rent", {"exempt_rent_years": 7}, {"kk"}, "any", 20, date(2024, 8, 1), None),
        ("rent-dbkk", "land_rent", {"exempt_rent_years": 11}, {"dbkk"}, "any", 30, date(2024, 8, 1), None),
        ("rent-incentive-kk", "land_rent", {"exempt_rent_years": 11}, {"kk", "industrial_cluster"}, "incentive", 30, date(2024, 8, 1), None),
        ("rent-incentive-dbkk", "land_rent", {"exempt_rent_years": 15}, {"dbkk"}, "incentive", 40, date(2024, 8, 1), None),
        ("rent-special-dbkk", "land_rent", {"whole_term": True}, {"dbkk"}, "special", 50, date(2024, 8, 1), None),
        ("duty-inputs", "import_duty", {"exempt_years": 5}, {"dbkk"}, "special", 20, date(2016, 9, 1), None),
        ("ccn-budget", "budget_support", {"support_pct": 30}, {"industrial_cluster"}, "any", 10, date(2024, 5, 15), None),
    ]
    policies = [
        Policy(n + 1, code, instrument, benefit, effective_from=start, effective_to=end, area_classes=frozenset(areas),
               sector_class=sector, level=level, legal_basis="illustrative", confidence="M")
        for n, (code, instrument, benefit, areas, sector, level, start, end) in enumerate(national)
    ]
    for province in PROVINCES:
        for k in range(5):
            instrument = rng.choice(["land_rent", "land_rent", "budget_support", "credit", "relocation", "technology_transfer"])
            benefit = {"land_rent": {"exempt_rent_years": rng.choice([2, 3, 5]), "reduction_pct": rng.choice([0, 25, 50])}}.get(
                instrument, {"support_pct": rng.choice([10, 20, 30])}
            )
            policies.append(
                Policy(
                    len(policies) + 1,
                    f"{province}-{k}",
                    instrument,
                    benefit,
                    effective_from=date(rng.randint(2022, 2026), 1, 1),
                    effective_to=rng.choice([None, None, date(2030, 12, 31), date(2025, 12, 31)]),
                    scope_province=province,
                    level=rng.choice([5, 15, 25, 35]),
                    sector_class=rng.choice(["any", "incentive", "special"]),
                    area_classes=frozenset(rng.sample(["kk", "dbkk", "industrial_park", "industrial_cluster"], rng.randint(0, 2))),
                    min_capital_vnd=rng.choice([None, None, 50_000_000_000, 500_000_000_000]),
                    min_jobs=rng.choice([None, None, 100, 500]),
                    new_project_only=rng.random() < 0.3,
                    legal_basis="illustrative",
                )
            )
    return policies


def generate_proposals(rng: random.Random, count: int) -> list[Proposal]:
    proposals = []
    for _ in range(count):
        low = round(rng.choice([1, 2, 5, 10, 20, 30, 50]) * rng.uniform(0.8, 1.2), 1)
        strict = rng.random() < 0.4
        proposals.append(
            Proposal(
                activity=rng.choice(ACTIVITIES),
                catalog_codes=tuple(rng.sample(GROUPS, rng.randint(1, 3))),
                land_min_ha=low,
                land_max_ha=round(low * rng.uniform(1, 3), 1),
                capital_vnd=rng.choice([20, 100, 500, 2000]) * 1_000_000_000,
                jobs=rng.choice([20, 100, 300, 800]),
                start_year=rng.choice([2026, 2027, 2028]),
                new_project=rng.random() < 0.8,
                provinces=tuple(rng.sample(PROVINCES, rng.randint(1, 4))) if strict or rng.random() < 0.5 else (),
                strict_provinces=strict,
                wastewater_m3_day=rng.choice([None, None, 500, 2000]),
                port_within_km=rng.choice([None, None, None, 50.0, 100.0]),
                needs_power=rng.random() < 0.5,
                margin=rng.choice([0.05, 0.1, 0.15]),
                revenue_vnd_year=rng.choice([50, 200, 1000]) * 1_000_000_000,
            )
        )
    return proposals


def naive_match(proposal, sites, policies, sector_map, on, assumptions):
    """The same answer without hoisting: each zone scans every rule for each instrument, all in detail."""
    start = project_start(proposal, on)
    weights = weights_of(proposal)
    scaled = scaled_weights(weights)
    found, excluded = [], []
    for site in sites:
        reasons = failures(proposal, site, sector_map)
        if reasons:
            excluded.append(Exclusion(site.id, site.code, tuple(reasons)))
            continue
        sector_classes = sector_map.sector_classes(proposal.activity, proposal.catalog_codes)
        classes = site.classes()
        rent, source = rent_per_m2_year(site, assumptions)
        applied = []
        for instrument in INSTRUMENTS:
            holding = [
                p for p in policies
                if p.instrument == instrument
                and project_holds(p, proposal, sector_classes, start)
                and site_holds(p, site.province, classes)
            ]
            if not holding:
                continue
            holding.sort(key=lambda p: (-p.level, -strength(p, assumptions), p.code))
            winner = holding[0]
            measure = VALUED.get(instrument)
            if measure is None:
                value = None
            elif instrument == "cit":
                value = round(measure(winner.benefit, assumptions) * proposal.revenue_vnd_year * proposal.margin)
            else:
                value = None if rent is None else round(measure(winner.benefit, assumptions) * proposal.land_min_ha * M2_PER_HA * rent)
            applied.append(AppliedIncentive(instrument, winner.id, winner.code, winner.level, winner.benefit, winner.legal_basis,
                                            winner.article, winner.confidence, value or 0, value is not None,
                                            tuple(p.code for p in holding[1:])))
        cit = sum(a.value_vnd for a in applied if a.instrument == "cit")
        land = sum(a.value_vnd for a in applied if a.instrument == "land_rent")
        criteria = Criteria(proposal, assumptions, on)
        values = criteria.values(site, cit + land, rent)
        score = sum([value * weight for value, weight in zip(values, scaled)])
        contributions = contributions_of(values, criteria.reasons(site, cit + land, rent, source), weights)
        found.append((score, Match(site.id, site.code, 0, round(score, 2), values, cit + land, land, cit, True,
                                   contributions, tuple(applied), {"rent_vnd_m2_year": rent})))
    found.sort(key=lambda pair: (-pair[0], pair[1].site_code, pair[1].site_id))
    return [m for _, m in found], excluded


def timed(call) -> tuple[float, float, object]:
    """Wall and CPU time of one call; the garbage of earlier calls is collected first, not charged to it."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    answer = call()
    return time.perf_counter() - wall, time.process_time() - cpu, answer


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(walls: list[float], cpus: list[float]) -> dict:
    ms = 1000
    return {
        "runs": len(walls),
        "wall_p50_ms": round(statistics.median(walls) * ms, 2),
        "wall_p95_ms": round(percentile(walls, 0.95) * ms, 2),
        "cpu_p50_ms": round(statistics.median(cpus) * ms, 2),
        "cpu_p95_ms": round(percentile(cpus, 0.95) * ms, 2),
    }


def same_answer(engine_result, naive_matches) -> bool:
    return [(m.site_id, m.score, m.value_vnd) for m in engine_result.matches] == [(m.site_id, m.score, m.value_vnd) for m in naive_matches]


# --- the whole POST /api/v1/proposals through the real app ---------------------------------------------------

def build_database(directory: Path, sites: list[Site], policies: list[Policy]):
    """A migrated SQLite registry holding the generated zones (with their dated free-land figures and communes'
    difficulty listings) and rules; returns the app and the zone id of each generated site id."""
    from sqlalchemy import insert

    from benchmarks.build import create_empty, make_app
    from registry.extensions import db
    from registry.incentives.models import CommuneDifficulty, IncentivePolicy
    from registry.places.models import Commune
    from registry.zones.figures import DatePrecision, SourceKind, ZoneFigure
    from registry.zones.models import Zone

    database = directory / "matching.sqlite"
    create_empty(database)
    app = make_app(database, {"RATELIMIT_ENABLED": False, "USD_VND_RATE": 25_000})
    with app.app_context():
        communes: dict[str, list[str]] = defaultdict(list)
        for code, province in db.session.execute(db.select(Commune.code, Commune.province_code).order_by(Commune.code)):
            communes[province].append(code)
        used: dict[str, int] = defaultdict(int)
        zones, listings = [], []
        for site in sites:
            commune = None
            if communes[site.province]:
                commune = communes[site.province][used[site.province] % len(communes[site.province])]
                used[site.province] += 1
                for level in site.area_classes:
                    listings.append({"commune_code": commune, "province_code": site.province, "level": level,
                                     "decision_number": "benchmark", "effective_from": date(2021, 1, 1), "effective_to": None})
            zones.append({"code": site.code, "name_vi": f"Khu {site.code}", "name_folded": f"khu {site.code.lower()}", "kind": site.kind,
                          "status": site.status, "province_code": site.province, "commune_codes": [commune] if commune else [],
                          "available_ha": site.available_ha, "land_price_usd_m2": site.land_price_usd_m2,
                          "wastewater_capacity_m3_day": site.wastewater_capacity_m3_day, "port_km": site.port_km,
                          "power_note": "110 kV" if site.has_power else "", "priority_groups": list(site.priority_groups), "sources": {}})
        db.session.execute(insert(Zone), zones)
        ids = dict(db.session.execute(db.select(Zone.code, Zone.id)).all())
        db.session.execute(insert(ZoneFigure), [
            {"zone_id": ids[site.code], "metric": "available", "value": site.available_ha, "as_of": site.available_as_of,
             "as_of_precision": DatePrecision.MONTH if site.available_as_of else None, "source_kind": SourceKind.BOARD}
            for site in sites if site.available_ha is not None])
        if listings:
            db.session.execute(insert(CommuneDifficulty), listings)
        db.session.execute(insert(IncentivePolicy), [
            {"code": policy.code, "title_vi": policy.code, "instrument": policy.instrument, "sector_class": policy.sector_class,
             "area_classes": sorted(policy.area_classes), "min_capital_vnd": policy.min_capital_vnd, "min_jobs": policy.min_jobs,
             "new_project_only": policy.new_project_only, "province_code": policy.scope_province, "benefit": dict(policy.benefit),
             "legal_basis": policy.legal_basis or "illustrative", "effective_from": policy.effective_from,
             "effective_to": policy.effective_to, "level": policy.level, "confidence": policy.confidence or "M", "status": "published"}
            for policy in policies])
        db.session.commit()
        db.session.remove()
    return app


def naive_run(proposal, **_ignored):
    """service.run as a first implementation writes it: per zone a query for its figures, one for its commune's
    listing and one for the rules of its province, each zone's rules scanned per instrument (naive_match)."""
    from registry.extensions import db
    from registry.incentives import queries as incentive_queries
    from registry.matching import service, sites as matching_sites
    from registry.matching.engine import Result
    from registry.zones import figures
    from registry.zones.models import Zone

    start = date(proposal.start_year, 1, 1)
    wanted = service.engine_proposal(proposal)
    assumptions = matching_sites.assumptions(proposal)
    found, excluded = [], []
    for zone in db.session.scalars(db.select(Zone).order_by(Zone.id)):
        shown = figures.figures_of([zone.id])[zone.id].get("available") or []
        commune = (zone.commune_codes or [None])[0]
        classes = matching_sites.area_classes([commune] if commune else [], start).get(commune) or frozenset()
        site = matching_sites._site(zone, shown, classes, {})
        rules = [matching_sites.policy_of(row) for row in incentive_queries.policies_in_force([zone.province_code], start)]
        matches, left_out = naive_match(wanted, [site], rules, matching_sites.sector_map(), date.today(), assumptions)
        found.extend(matches)
        excluded.extend(left_out)
    found.sort(key=lambda m: (-m.score, m.site_code, m.site_id))
    return Result(wanted, date.today(), project_start(wanted, date.today()), None, weights_of(wanted),
                  tuple(m._replace(rank=rank) for rank, m in enumerate(found, 1)), tuple(excluded), (), None, {})


def time_posts(client, bodies: list[dict]) -> tuple[list[float], list[float], list[int]]:
    walls, cpus, matched = [], [], []
    for body in bodies:
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        answer = client.post("/api/v1/proposals", json=body)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert answer.status_code == 201, answer.get_data(as_text=True)[:500]
        matched.append(len(answer.get_json()["matches"]))
    return walls, cpus, matched


def web_part(sites: list[Site], policies: list[Policy], runs: int, naive_runs: int) -> dict:
    """POST /api/v1/proposals through the Flask test client on the generated registry, against naive_run."""
    import tempfile

    from registry.matching import service

    body = {"email": "investor@example.com", "consent": True, "name": "Nhà máy tái chế nhựa", "activity": "recycling_plant",
            "catalog_codes": [], "land_min_ha": 10, "land_max_ha": 30, "capital_amount": 500_000_000_000, "capital_currency": "VND",
            "jobs": 150, "start_year": 2027, "provinces": ["51", "52"], "wastewater_m3_day": 1000, "needs_power": True,
            "revenue_vnd_year": 300_000_000_000}
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        app = build_database(Path(directory), sites, policies)
        built_s = time.perf_counter() - started
        client = app.test_client()
        first_wall, first_cpu, _ = time_posts(client, [body])  # reads and prepares the zones for this data version
        walls, cpus, matched = time_posts(client, [body] * runs)
        real = service.run
        service.run = naive_run
        try:
            nwalls, ncpus, nmatched = time_posts(client, [body] * naive_runs)
        finally:
            service.run = real

    return {"database_built_s": round(built_s, 1), "first_post": {"wall_ms": round(first_wall[0] * 1000, 1), "cpu_ms": round(first_cpu[0] * 1000, 1)},
            "engine": summary(walls, cpus) | {"matches": matched[0]},
            "naive": summary(nwalls, ncpus) | {"matches": nmatched[0]} if nwalls else None,
            "same_count": bool(nmatched) and matched[0] == nmatched[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--naive-runs", type=int, default=20)
    parser.add_argument("--naive-batch", type=int, default=30, help="naive proposals timed for the batch (extrapolated)")
    parser.add_argument("--detail", type=int, default=20, help="matches of the one proposal in full detail (-1: all)")
    parser.add_argument("--web-runs", type=int, default=100, help="POST /api/v1/proposals through the app (0: skip)")
    parser.add_argument("--naive-web-runs", type=int, default=5)
    parser.add_argument("--beside", type=Path, metavar="TREE",
                        help="also run TREE's benchmarks/matching_bench.py (another checkout, e.g. the code before) with the same "
                             "arguments, in turn with this one, and compare")
    parser.add_argument("--turns", type=int, default=2, help="with --beside: how many times each tree runs, in turn")
    args = parser.parse_args()
    if args.beside:
        beside(args)
        return
    detail = None if args.detail < 0 else args.detail

    rng = random.Random(SEED)
    sites = generate_sites(rng, args.sites)
    policies = generate_policies(rng)
    proposals = generate_proposals(rng, args.batch)
    assumptions = Assumptions(vnd_per_usd=25_000)
    single = Proposal(
        activity="recycling_plant", catalog_codes=("C2",), land_min_ha=10, land_max_ha=30, capital_vnd=500_000_000_000,
        jobs=150, start_year=2027, provinces=("51", "52"), wastewater_m3_day=1000, needs_power=True, revenue_vnd_year=300_000_000_000,
    )
    load = os.getloadavg()
    print(f"{len(sites)} zones in {len(PROVINCES)} provinces, {len(policies)} rules; load {load[0]:.1f} on {os.cpu_count()} cores")

    prepared = prepare(sites)

    def engine_call(proposal, level=detail):
        return match(proposal, prepared, policies, SECTORS, ON, assumptions=assumptions, detail=level)

    for _ in range(3):
        engine_call(single)
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu, result = timed(lambda: engine_call(single))
        walls.append(wall)
        cpus.append(cpu)
    engine_single = summary(walls, cpus) | {"matches": len(result.matches), "excluded": len(result.excluded), "detail": detail}
    walls, cpus = [], []
    for _ in range(max(5, args.runs // 10)):
        wall, cpu, full = timed(lambda: engine_call(single, None))
        walls.append(wall)
        cpus.append(cpu)
    engine_full = summary(walls, cpus)
    walls, cpus = [], []
    for _ in range(args.naive_runs):
        wall, cpu, (naive, _) = timed(lambda: naive_match(single, sites, policies, SECTORS, ON, assumptions))
        walls.append(wall)
        cpus.append(cpu)
    naive_single = summary(walls, cpus)
    agree = same_answer(full, naive)
    del full, naive
    strict = dataclasses.replace(single, provinces=("51", "52"), strict_provinces=True)
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu, narrow = timed(lambda: engine_call(strict))
        walls.append(wall)
        cpus.append(cpu)
    engine_strict = summary(walls, cpus) | {"matches": len(narrow.matches), "excluded": len(narrow.excluded)}

    wall, cpu, results = timed(lambda: match_many(proposals, prepared, policies, SECTORS, ON, assumptions=assumptions))
    engine_batch = {"proposals": len(proposals), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                    "matches": sum(len(r.matches) for r in results)}
    sample = proposals[: args.naive_batch]
    nwall, ncpu, naive_answers = timed(lambda: [naive_match(p, sites, policies, SECTORS, ON, assumptions)[0] for p in sample])
    scale = len(proposals) / max(1, len(sample))
    naive_batch = {"proposals_timed": len(sample), "wall_s": round(nwall, 2), "cpu_s": round(ncpu, 2),
                   "wall_s_for_batch": round(nwall * scale, 1), "cpu_s_for_batch": round(ncpu * scale, 1)}
    batch_agree = all(
        [(m.site_id, m.score) for m in r.matches] == [(m.site_id, m.score) for m in n] for r, n in zip(results, naive_answers)
    )

    load_after_engine = os.getloadavg()
    web = web_part(sites, policies, args.web_runs, args.naive_web_runs) if args.web_runs else None
    load_after_web = os.getloadavg()
    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in load],
        "load_average_after_engine": [round(x, 2) for x in load_after_engine],
        "load_average_after_web": [round(x, 2) for x in load_after_web],
        "cpu_seconds_of_the_process": round(time.process_time(), 1),
        "web": web,
        "zones": len(sites),
        "rules": len(policies),
        "single": {"engine": engine_single, "engine_every_match_in_detail": engine_full, "engine_strict_two_provinces": engine_strict,
                   "naive": naive_single,
                   "same_answer": agree, "speedup_wall_p95": round(naive_single["wall_p95_ms"] / engine_single["wall_p95_ms"], 1)},
        "batch": {"engine": engine_batch, "naive": naive_batch, "same_answer": batch_agree,
                  "speedup_wall": round(naive_batch["wall_s_for_batch"] / max(engine_batch["wall_s"], 1e-9), 1)},
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"matching-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    s, b = report["single"], report["batch"]
    print(f"one proposal, {engine_single['matches']} matches (first {detail or 'all'} in detail), {engine_single['excluded']} excluded:")
    print(f"  engine  wall p50 {engine_single['wall_p50_ms']} ms  p95 {engine_single['wall_p95_ms']} ms  "
          f"(cpu p95 {engine_single['cpu_p95_ms']} ms)   target p95 <= 20 ms")
    print(f"  engine, every match in detail: wall p95 {engine_full['wall_p95_ms']} ms (cpu p95 {engine_full['cpu_p95_ms']} ms)")
    print(f"  the same, strictly in two provinces ({engine_strict['matches']} matches): wall p50 {engine_strict['wall_p50_ms']} ms  "
          f"p95 {engine_strict['wall_p95_ms']} ms (cpu p95 {engine_strict['cpu_p95_ms']} ms)")
    print(f"  naive   wall p50 {naive_single['wall_p50_ms']} ms  p95 {naive_single['wall_p95_ms']} ms  "
          f"(cpu p95 {naive_single['cpu_p95_ms']} ms)   {s['speedup_wall_p95']}x, same answer: {agree}")
    print(f"{len(proposals)} proposals in a batch:")
    print(f"  engine  wall {engine_batch['wall_s']} s (cpu {engine_batch['cpu_s']} s)   target <= 30 s")
    print(f"  naive   {len(sample)} timed: wall {nwall:.1f} s -> {naive_batch['wall_s_for_batch']} s for the batch   "
          f"{b['speedup_wall']}x, same answer: {batch_agree}")
    if web and web["naive"]:
        e, n = web["engine"], web["naive"]
        print(f"POST /api/v1/proposals through the app ({e['matches']} matches; database built in {web['database_built_s']} s; "
              f"first POST, reading the zones: cpu {web['first_post']['cpu_ms']} ms):")
        print(f"  engine  wall p50 {e['wall_p50_ms']} ms  p95 {e['wall_p95_ms']} ms  (cpu p50 {e['cpu_p50_ms']} p95 {e['cpu_p95_ms']} ms)"
              "   target p95 <= 100 ms")
        print(f"  naive   wall p50 {n['wall_p50_ms']} ms  p95 {n['wall_p95_ms']} ms  (cpu p95 {n['cpu_p95_ms']} ms)   "
              f"{round(n['cpu_p95_ms'] / max(e['cpu_p95_ms'], 1e-9), 1)}x at cpu p95, same number of matches: {web['same_count']}")
    print(f"load average: at the start {load[0]:.1f}, after the engine {load_after_engine[0]:.1f}, after the app {load_after_web[0]:.1f}")
    print(f"written {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


def beside(args) -> None:
    """Run the other tree's script and this one in turn (other, this, other, this …), each in its own process with the
    same arguments, and print the CPU figures side by side with the load average around each."""
    import subprocess

    own = ("--beside", "--turns")  # this run's own options, not passed on
    passed = [arg for n, arg in enumerate(sys.argv[1:]) if arg not in own and sys.argv[n] not in own]
    passed = [arg for arg in passed if not arg.startswith(tuple(f"{option}=" for option in own))]
    trees = {"before": args.beside.resolve(), "this": Path(__file__).resolve().parent.parent}
    runs = []
    for turn in range(args.turns):
        for name, tree in trees.items():
            results = tree / "benchmarks" / "results"
            seen = set(results.glob("matching-*.json")) if results.exists() else set()
            load = os.getloadavg()[0]
            subprocess.run([sys.executable, str(tree / "benchmarks" / "matching_bench.py"), *passed], cwd=tree, check=True,
                           env={**os.environ, "PYTHONPATH": str(tree)})
            written = sorted(set(results.glob("matching-*.json")) - seen)
            runs.append({"tree": name, "turn": turn + 1, "load_before": round(load, 2), "report": json.loads(written[-1].read_text())})
    rows = [("engine, one proposal, CPU p50 / p95 ms", lambda r: (r["single"]["engine"]["cpu_p50_ms"], r["single"]["engine"]["cpu_p95_ms"])),
            ("engine, strictly in two provinces, CPU p50 / p95 ms",
             lambda r: (r["single"]["engine_strict_two_provinces"]["cpu_p50_ms"], r["single"]["engine_strict_two_provinces"]["cpu_p95_ms"])),
            ("engine, every match in detail, CPU p50 / p95 ms",
             lambda r: (r["single"]["engine_every_match_in_detail"]["cpu_p50_ms"], r["single"]["engine_every_match_in_detail"]["cpu_p95_ms"])),
            ("batch of proposals, CPU s", lambda r: (r["batch"]["engine"]["cpu_s"],)),
            ("POST /api/v1/proposals, CPU p50 / p95 ms", lambda r: (r["web"]["engine"]["cpu_p50_ms"], r["web"]["engine"]["cpu_p95_ms"])
             if r.get("web") else ())]
    print()
    for run in runs:
        report = run["report"]
        figures = "; ".join(f"{label} {' / '.join(str(x) for x in pick(report))}" for label, pick in rows if pick(report))
        print(f"{run['tree']} (turn {run['turn']}, load {run['load_before']} -> {report['load_average_after_web'][0]}): {figures}")
        print(f"  same answer as the naive matcher: one proposal {report['single']['same_answer']}, batch {report['batch']['same_answer']}")
    out = RESULTS / f"matching-beside-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    RESULTS.mkdir(exist_ok=True)
    out.write_text(json.dumps({"trees": {name: str(tree) for name, tree in trees.items()}, "runs": runs}, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
