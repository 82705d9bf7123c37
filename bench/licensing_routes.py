"""`make bench-licensing-routes`: the inspectors' day on the demo city (issue 20, §2).

1. One inspector, 40 visits to parcels of one district with random opening hours: the whole plan (snapping, the
   travel-time matrix, OR-Tools, the legs' streets) — goal <= 2 s.
2. Ten inspectors, 40 visits each (400 parcels over the city), each starting from a district's centre — goal <= 10 s.
3. The routes' length beside the naive order (always the nearest next visit, over the same network): the ratio,
   with the opening hours and without them (the naive order ignores them; the pure ordering gain is the second).

The demo city's street network is built first when it is missing (a city generated before it existed)."""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from bench.payments import log  # noqa: E402 (the benchmarks' printing)

ONE_GOAL_S = 2.0
TEN_GOAL_S = 10.0
VISITS = int(os.environ.get("BENCH_ROUTE_VISITS", "40"))
INSPECTORS = int(os.environ.get("BENCH_ROUTE_INSPECTORS", "10"))
SEED = 20


def stops_of(parcels, rng, *, hours: bool):
    from licensing.routing import Stop

    out = []
    for pk, geom in parcels:
        opens, closes = (dt.time(rng.choice([7, 8, 9, 10])), dt.time(rng.choice([12, 13, 14, 15]))) if hours \
            else (None, None)
        out.append(Stop(key=f"parcel-{pk}", point=geom.centroid, opens=opens, closes=closes,
                        service_min=rng.choice([5, 5, 10])))
    return out


def run(muni, starts, stops):
    from licensing.routing import plan_routes

    began = time.perf_counter()
    plan = plan_routes(municipality=muni, starts=starts, stops=stops)
    return plan, time.perf_counter() - began


def figures(label, plan, took, goal):
    visited = sum(len(r.stops) for r in plan.routes)
    length = sum(r.length_m for r in plan.routes)
    naive = sum(r.naive_length_m for r in plan.routes)
    log(f"{label}: {took:.2f} s (snap + matrix {plan.matrix_s:.2f} s, solver {plan.solve_s:.2f} s, legs "
        f"{plan.legs_s:.2f} s) — goal <= {goal:.0f} s: {'met' if took <= goal else 'NOT met'}; {visited} visited, "
        f"{len(plan.unassigned)} left out; {length / 1000:.1f} km vs naive nearest-next {naive / 1000:.1f} km "
        f"(ratio {length / naive if naive else 0:.2f})")


def main() -> None:
    from accounts.models import Municipality
    from licensing.routing import Start
    from parcels.models import District, Parcel, StreetEdge
    from parcels.services.network import street_network_build

    muni = Municipality.objects.filter(code="al-rass-demo").first()
    if muni is None:
        raise SystemExit("no demo city: run `make demo-data` first")
    if not StreetEdge.objects.filter(municipality=muni).exists():
        began = time.perf_counter()
        built = street_network_build(municipality=muni, actor="bench")
        log(f"street network built in {time.perf_counter() - began:.2f} s: {built}")
    edges = StreetEdge.objects.filter(municipality=muni).count()
    log(f"demo city: {Parcel.objects.filter(municipality=muni, valid_to__isnull=True).count():,} parcels, "
        f"{edges:,} street edges")
    rng = random.Random(SEED)
    districts = list(District.objects.filter(municipality=muni).order_by("code"))
    district = districts[0]
    own = list(Parcel.objects.filter(municipality=muni, valid_to__isnull=True, geom__within=district.geom)
               .order_by("pk").values_list("pk", "geom"))
    picked = rng.sample(own, min(VISITS, len(own)))
    start = Start(key="inspector-1", point=district.geom.centroid, day_start=dt.time(7, 30), day_end=dt.time(15, 30))
    for hours in (True, False):
        plan, took = run(muni, [start], stops_of(picked, random.Random(SEED), hours=hours))
        figures(f"one inspector, {len(picked)} visits in {district.name_en}{'' if hours else ' (no opening hours)'}",
                plan, took, ONE_GOAL_S)

    everything = list(Parcel.objects.filter(municipality=muni, valid_to__isnull=True).order_by("pk")
                      .values_list("pk", "geom"))
    picked = rng.sample(everything, min(INSPECTORS * VISITS, len(everything)))
    starts = [Start(key=f"inspector-{k + 1}", point=districts[k % len(districts)].geom.centroid,
                    day_start=dt.time(7, 30), day_end=dt.time(15, 30)) for k in range(INSPECTORS)]
    for hours in (True, False):
        plan, took = run(muni, starts, stops_of(picked, random.Random(SEED), hours=hours))
        figures(f"{INSPECTORS} inspectors, {len(picked)} visits{'' if hours else ' (no opening hours)'}", plan, took,
                TEN_GOAL_S)
        log("  visits per inspector: " + ", ".join(str(len(r.stops)) for r in plan.routes))


if __name__ == "__main__":
    main()
