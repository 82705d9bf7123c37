"""`make bench-kingdom`: the hot paths when one cluster holds many municipalities (issue 23 §4).

The bench database holds the 1M-parcel demo city (`make bench-city`); this adds the twenty simulated
municipalities of ``fixtures.kingdom`` once (three of BENCH_KINGDOM_LARGE parcels, seventeen of
BENCH_KINGDOM_SMALL, BENCH_KINGDOM_CASES cases each), then measures, for the 1M city, a large and a small one:

- tiles z14 to z17 of the base map (every base layer, one statement as the tile endpoint runs it, uncached), at
  random parcels: p50/p95/max against the tile goal (≤ 200 ms);
- what is at a point (``geo.at_point.at_point_json``, one statement) at random parcels: p50/p99 against ≤ 10 ms
  (the goal is over HTTP: these are server figures);
- the inbox (``GET /api/v1/cases/?queue=mine`` through Django's test client, the full stack) as the staff member
  holding every queue: p50/p99 against ≤ 50 ms;
- the citizen's "my transactions" page (``/portal/transactions/``, full stack): p50/p95 server time (its goal,
  interactive on a phone ≤ 2 s, is measured by `make bench-portal`);
- and each path's plan read by ``runtime.locality`` on these real sizes: the scans beyond one municipality.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

LARGE = int(os.environ.get("BENCH_KINGDOM_LARGE", "100000"))
SMALL = int(os.environ.get("BENCH_KINGDOM_SMALL", "10000"))
CASES = int(os.environ.get("BENCH_KINGDOM_CASES", "200"))
TILES_PER_ZOOM, POINTS, PAGES = 30, 200, 100
TILE_GOAL_MS, AT_POINT_GOAL_MS, INBOX_GOAL_MS = 200.0, 10.0, 50.0


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def log(msg: str) -> None:
    print(msg, flush=True)


def sample_points(muni, n: int, rng: random.Random) -> list:
    from parcels.models import Parcel

    top = Parcel.objects.filter(municipality=muni).order_by("-pk").values_list("pk", flat=True).first()
    low = Parcel.objects.filter(municipality=muni).order_by("pk").values_list("pk", flat=True).first()
    out = []
    while len(out) < n:
        ids = [rng.randint(low, top) for _ in range(n)]
        out += [p.geom.point_on_surface for p in Parcel.objects.filter(pk__in=ids, municipality=muni).only("geom")]
    return out[:n]


def measure_tiles(points) -> dict[int, list[float]]:
    from tiles.grid import tiles_touching
    from tiles.sql import render
    from tiles.views import public_selection

    out = {}
    for z in (14, 15, 16, 17):
        times = []
        for pt in points[:TILES_PER_ZOOM]:
            tile = next(iter(tiles_touching((pt.x, pt.y, pt.x, pt.y), z, buffer=0)))
            selection, _key = public_selection("base", tile)
            started = time.perf_counter()
            render(selection, tile)
            times.append((time.perf_counter() - started) * 1000)
        out[z] = times
    return out


def measure_at_point(muni, points) -> list[float]:
    from geo.at_point import at_point_json

    at_point_json(municipality=muni, lon=points[0].x, lat=points[0].y, srid=4326)  # compiles the template
    times = []
    for pt in points:
        started = time.perf_counter()
        at_point_json(municipality=muni, lon=pt.x, lat=pt.y, srid=4326)
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure_pages(user, path: str, n: int) -> list[float]:
    """Server time of ``path`` through the full stack as ``user`` (bench/cases.py's measure, warm-up included)."""
    from bench.cases import measure_inbox

    return measure_inbox(user, [path], n)[0]


def locality(muni, staff, citizen, point) -> list[str]:
    """The scans beyond the municipality of each hot path, as planned on these tables."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from geo.at_point import at_point_statement
    from runtime.locality import statement_scans, violations
    from tiles.grid import tiles_touching
    from tiles.sql import tile_sql
    from tiles.views import public_selection

    found = {}
    tile = next(iter(tiles_touching((point.x, point.y, point.x, point.y), 16, buffer=0)))
    found["tile z16"] = statement_scans(*tile_sql(public_selection("base", tile)[0], tile))
    found["at-point"] = statement_scans(*at_point_statement(municipality=muni, lon=point.x, lat=point.y, srid=4326))
    for name, user, path in (("inbox", staff, "/api/v1/cases/?queue=mine"),
                             ("portal", citizen, "/portal/transactions/")):
        if user is None:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        found[name] = [s for q in ctx.captured_queries if q["sql"].split(None, 1)[0].upper() in ("SELECT", "WITH")
                       for s in statement_scans(q["sql"])]
    return [f"{name}: {v}" for name, scans in found.items() for v in violations(scans, muni.pk)]


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from accounts.models import Municipality
    from fixtures.kingdom import PLACES, kingdom_plan, load_kingdom, staff_username

    started = time.perf_counter()
    made = load_kingdom(kingdom_plan(large=3, large_parcels=LARGE, small_parcels=SMALL), cases=CASES, log=log)
    log(f"kingdom ready in {time.perf_counter() - started:.0f} s: {len(made)} simulated municipalities beside the "
        f"demo city")
    by_code = {m.municipality.code: m for m in made}
    subjects = []
    rass = Municipality.objects.filter(code="al-rass-demo").first()
    if rass is not None:
        reviewer = get_user_model().objects.filter(username="bench_cases").first()  # bench-cases' reviewer
        subjects.append(("al-rass-demo (1M parcels)", rass, reviewer, None))
    for place in (PLACES[0], PLACES[-1]):
        sim = by_code[place.code]
        size = LARGE if place is PLACES[0] else SMALL
        subjects.append((f"{place.code} ({size:,} parcels)", sim.municipality,
                         get_user_model().objects.get(username=staff_username(place)), sim.applicant.user))
    gc.collect()
    gc.freeze()
    rng = random.Random(23)
    rows = []
    for label, muni, staff, citizen in subjects:
        log(f"measuring {label} …")
        points = sample_points(muni, POINTS, rng)
        tiles = measure_tiles(points)
        at_point = measure_at_point(muni, points)
        inbox = measure_pages(staff, "/api/v1/cases/?queue=mine", PAGES) if staff else None
        portal = measure_pages(citizen, "/portal/transactions/", PAGES // 2) if citizen else None
        beyond = locality(muni, staff, citizen, points[0])
        rows.append((label, tiles, at_point, inbox, portal, beyond))

    log(f"\nbench-kingdom: {Municipality.objects.count()} municipalities in one database; server time, in-process")
    for label, tiles, at_point, inbox, portal, beyond in rows:
        log(f"\n  {label}")
        for z, t in tiles.items():
            verdict = "met" if max(t) <= TILE_GOAL_MS else "MISSED"
            log(f"    base tile z{z:<2} ({len(t)})      p50 {statistics.median(t):6.1f} ms  p95 {pct(t, 95):6.1f} ms  "
                f"max {max(t):6.1f} ms   goal <= {TILE_GOAL_MS:.0f} ms -> {verdict}")
        log(f"    at-point ({len(at_point)})           p50 {statistics.median(at_point):6.2f} ms  "
            f"p99 {pct(at_point, 99):6.2f} ms   goal p99 <= {AT_POINT_GOAL_MS:.0f} ms -> "
            f"{'met' if pct(at_point, 99) <= AT_POINT_GOAL_MS else 'MISSED'}")
        if inbox:
            log(f"    inbox page ({len(inbox)})         p50 {statistics.median(inbox):6.1f} ms  "
                f"p99 {pct(inbox, 99):6.1f} ms   goal p99 <= {INBOX_GOAL_MS:.0f} ms -> "
                f"{'met' if pct(inbox, 99) <= INBOX_GOAL_MS else 'MISSED'}")
        if portal:
            log(f"    my transactions ({len(portal)})     p50 {statistics.median(portal):6.1f} ms  "
                f"p95 {pct(portal, 95):6.1f} ms   (server time; interactive on a phone: make bench-portal)")
        log(f"    reads beyond the municipality: {len(beyond)}" + "".join(f"\n      - {b}" for b in beyond))


if __name__ == "__main__":
    main()
