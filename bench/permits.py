"""`make bench-permits`: building permits on the 1M-parcel bench city (`ardh_bench`), each figure beside its floor.

Goals (issue 19): one full check p95 <= 50 ms; the what-if over a 50,000-parcel district <= 30 s; the permit
certificate's PDF <= 1 s.

0. Streets: the check's front edges need streets beside the parcels (the generator gives every parcel one since
   "demo city: every parcel fronts a street"). A sample of parcels is checked — a street within 60 m, a front
   edge found by the check — and the share printed; a city generated before that change is said to be stale
   (BENCH_PERMITS_REGENERATE=1 regenerates it first: `generate_demo --force`, about a minute per million).
   The demo rules (``permits.seed.demo_rules_ensure``) are ensured; they are idempotent.
1. One full check: for BENCH_CHECKS (200) random zoned parcels, the parcel read, the inputs gathered from the
   registers (``permits.inputs.check_inputs``: zone, rules in force, streets, overlays) and ``run_check`` on a
   villa drawn inside it — p50/p95/max. Floor: the same SQL statements on a raw cursor (no ORM) plus the check's
   geometric core alone (edges, facing streets, classification, envelope, the building against the strips) on
   geometries already projected.
2. What-if: a bench district of the 50,000 parcels nearest the city's centre (their hull), a draft of the
   biggest zoning code's rules with the side setback 1 m more, and BENCH_PERMITS (300) issued permits on vacant
   parcels of that code in it, their villas drawn on the adopted envelope (so the draft fails them).
   ``permits.whatif.whatif`` timed end to end. Floor: fetching the same parcels and streets as WKB on a raw cursor
   plus the vectorised shapely operations alone (projection, a setback buffer of every parcel's boundary,
   difference, area — twice, one per rule set).
3. Certificate: ``permits.services.workflow.certificate_issue`` (the site plan SVG, the Arabic template,
   WeasyPrint, the stored PDF, audit) for BENCH_CERTIFICATES (5) bench permits. Floor: WeasyPrint rendering a
   one-line Arabic page.

Bench data (district, draft, permits and their cases and certificates) is removed and made again each run.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

CHECK_GOAL_MS, WHATIF_GOAL_S, CERTIFICATE_GOAL_S = 50.0, 30.0, 1.0
MARK = "BENCH-P"  # numbers of the bench's cases and permits, code of its district
DRAFT_NOTE = "bench-permits draft"
SEED = 1448
STALE_SHARE = 0.9  # fewer parcels than this with a front edge: the city predates every parcel fronting a street


def log(msg: str) -> None:
    print(msg, flush=True)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def city():
    from accounts.models import Municipality

    muni = Municipality.objects.filter(code="al-rass-demo").first()
    if muni is None:
        raise SystemExit("no bench city: run `make bench-city` first")
    return muni


def random_parcels(muni, n: int, *, vacant_only: bool = False) -> list[int]:
    """``n`` random current parcel ids of the city, with a zone (random ids in the id range, kept if they exist)."""
    from django.db import connection

    rng = random.Random(SEED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM parcels_parcel WHERE municipality_id = %s", [muni.pk])
        lo, hi = cursor.fetchone()
        picked: list[int] = []
        while len(picked) < n:
            ids = [rng.randint(lo, hi) for _ in range(n * 2)]
            cursor.execute(
                "SELECT p.id FROM parcels_parcel p WHERE p.id = ANY(%s) AND p.municipality_id = %s AND "
                "p.valid_to IS NULL AND (NOT %s OR p.status = 'vacant') AND EXISTS (SELECT 1 FROM parcels_zone z "
                "WHERE z.municipality_id = p.municipality_id AND ST_Intersects(z.geom, p.geom))",
                [ids, muni.pk, vacant_only])
            picked += [r[0] for r in cursor.fetchall() if r[0] not in picked]
    return picked[:n]


def streets_check(muni, sample: int) -> float:
    """The share of sampled parcels with a front edge; printed with the share that have a street within 60 m."""
    from django.db import connection

    from parcels.models import Parcel
    from permits.check import describe_site
    from permits.inputs import check_inputs
    from permits.selectors import STREET_SEARCH_M, degrees

    ids = random_parcels(muni, sample)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM parcels_parcel p WHERE p.id = ANY(%s) AND EXISTS (SELECT 1 FROM "
                       "parcels_street s WHERE s.municipality_id = p.municipality_id AND "
                       "ST_DWithin(s.geom, p.geom, %s))", [ids, degrees(STREET_SEARCH_M)])
        near = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM parcels_street WHERE municipality_id = %s", [muni.pk])
        streets = cursor.fetchone()[0]
    today = date.today()
    fronted = 0
    for parcel in Parcel.objects.filter(pk__in=ids).select_related("plan"):
        site = describe_site(check_inputs(parcel=parcel, on=today))
        fronted += any(e["kind"] == "front" for e in site["edges"])
    share = fronted / max(len(ids), 1)
    log(f"streets: {streets:,} in the city; of {len(ids)} random zoned parcels {near} have a street within "
        f"{STREET_SEARCH_M:.0f} m and {fronted} a front edge ({share:.0%})")
    return share


def ensure_fresh_city(muni):
    share = streets_check(muni, int(os.environ.get("BENCH_STREET_SAMPLE", "200")))
    if share >= STALE_SHARE:
        log("streets: the bench city gives parcels their streets (generated after the street change)")
        return muni
    if os.environ.get("BENCH_PERMITS_REGENERATE") == "1":
        from django.core.management import call_command

        n = int(os.environ.get("PARCELS", "1000000"))
        log(f"streets: STALE bench city (fewer than {STALE_SHARE:.0%} of parcels front a street): regenerating "
            f"{n:,} parcels (BENCH_PERMITS_REGENERATE=1)")
        t0 = time.perf_counter()
        call_command("generate_demo", parcels=n, force=True)
        log(f"regenerated in {time.perf_counter() - t0:.0f} s")
        muni = city()
        streets_check(muni, 100)
        return muni
    log(f"streets: WARNING the bench city looks STALE (fewer than {STALE_SHARE:.0%} of parcels front a street): "
        "its parcels without a street get side setbacks on every edge. Regenerate with "
        "BENCH_PERMITS_REGENERATE=1 make bench-permits (or make bench-generate).")
    return muni


# --- 1. one full check ------------------------------------------------------------------------------------------

def villa_inside(parcel_geom, srid: int, inset: float = 4.5) -> dict:
    """A two-floor villa and an annex inside a parcel (its outline inset), as the check's proposal."""
    from shapely.geometry import mapping, shape

    from permits.check.contract import reproject, transformers

    to_metric, back = transformers(srid)
    metric = reproject(to_metric, shape(json.loads(parcel_geom.geojson)))
    ground = metric.buffer(-inset, join_style="mitre")
    if ground.is_empty or ground.area < 20:
        ground = metric.buffer(-1.0, join_style="mitre")
    annex = ground.buffer(-3.0, join_style="mitre")
    if annex.is_empty:
        annex = ground
    def ll(g):
        return mapping(reproject(back, g))
    return {"use": "residential", "units": 1, "parking_spaces": 2, "height_m": 9.5,
            "floors": [{"kind": "ground", "level": 0, "footprint": ll(ground)},
                       {"kind": "upper", "level": 1, "footprint": ll(ground)},
                       {"kind": "annex", "level": 2, "footprint": ll(annex)}]}


FLOOR_SQL = {
    "parcel": "SELECT geom, number, municipality_id, valid_to FROM parcels_parcel WHERE id = %s",
    "zone": "SELECT z.id, z.regulation_id FROM parcels_zone z WHERE z.municipality_id = %s AND "
            "ST_Intersects(z.geom, %s::geometry) ORDER BY ST_Area(ST_Intersection(z.geom, %s::geometry)) DESC, "
            "z.id LIMIT 1",
    "rules": "SELECT * FROM permits_ruleset WHERE regulation_id = %s AND status = 'adopted' AND valid_from <= %s "
             "AND (valid_to IS NULL OR valid_to >= %s) LIMIT 1",
    "srid": "SELECT metric_srid FROM parcels_municipality WHERE id = %s",
    "streets": "SELECT id, name_ar, width_m, kind, ST_AsBinary(geom) FROM parcels_street WHERE municipality_id = %s "
               "AND ST_DWithin(geom, %s::geometry, %s) ORDER BY id",
    "overlays": "SELECT id, ST_AsBinary(geom), prohibited, extra_setback_m FROM permits_overlay WHERE "
                "municipality_id = %s AND valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s) AND "
                "ST_DWithin(geom, %s::geometry, %s)",
}


def floor_sql(cursor, pid: int, muni_id: int, today: date) -> tuple[float, dict]:
    """The check's reads on a raw cursor: (seconds, what the geometric core needs)."""
    from permits.selectors import STREET_SEARCH_M, degrees

    t0 = time.perf_counter()
    cursor.execute(FLOOR_SQL["parcel"], [pid])
    geom, _number, _m, _valid_to = cursor.fetchone()
    cursor.execute(FLOOR_SQL["zone"], [muni_id, geom, geom])
    _zone, regulation = cursor.fetchone()
    cursor.execute(FLOOR_SQL["rules"], [regulation, today, today])
    cursor.fetchone()
    cursor.execute(FLOOR_SQL["srid"], [muni_id])
    srid = cursor.fetchone()[0]
    cursor.execute(FLOOR_SQL["streets"], [muni_id, geom, degrees(STREET_SEARCH_M)])
    streets = cursor.fetchall()
    cursor.execute(FLOOR_SQL["overlays"], [muni_id, today, today, geom, degrees(50.0)])
    cursor.fetchall()
    return time.perf_counter() - t0, {"srid": srid, "streets": streets}


def floor_shapely(payload: dict, rules: dict) -> float:
    """The check's geometric core alone, on geometries projected beforehand (what no implementation can skip)."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    from permits.check.contract import reproject, transformers
    from permits.check.edges import classify, edges_of, facing_street
    from permits.check.envelope import envelope_of

    to_metric, _back = transformers(payload["metric_srid"])
    parcel = reproject(to_metric, shape(payload["parcel"]["geometry"]))
    parcel = max(parcel.geoms, key=lambda p: p.area) if parcel.geom_type == "MultiPolygon" else parcel
    streets = [(s["id"], s["name"], s["width_m"], reproject(to_metric, shape(s["geometry"])))
               for s in payload["streets"]]
    floors = [reproject(to_metric, shape(f["footprint"])) for f in payload["proposal"]["floors"]]
    t0 = time.perf_counter()
    edges = edges_of(parcel)
    classify(edges, [facing_street(e, streets, 3.0) for e in edges], rules)
    _envelope, strips = envelope_of(parcel, edges, [])
    building = unary_union(floors)
    for strip in strips.values():
        building.intersection(strip).area  # noqa: B018 — the measurement is the point
    building.difference(parcel.buffer(0.005)).area  # noqa: B018
    sum(f.area for f in floors) / parcel.area
    return time.perf_counter() - t0


def measure_checks(muni, n: int) -> None:
    from django.db import connection

    from parcels.models import Parcel
    from permits.check import run_check
    from permits.check.contract import _rules
    from permits.inputs import check_inputs

    ids = random_parcels(muni, n)
    today = date.today()
    proposals = {p.pk: villa_inside(p.geom, muni.metric_srid) for p in Parcel.objects.filter(pk__in=ids)}
    # warm-up: the first check loads translations, transformers, the ORM's compiled queries
    for pid in ids[:5]:
        run_check({**check_inputs(parcel=Parcel.objects.get(pk=pid), on=today), "proposal": proposals[pid]})
    times, floors, failed, passed = [], [], 0, 0
    with connection.cursor() as cursor:
        for pid in ids:
            t0 = time.perf_counter()
            parcel = Parcel.objects.select_related("plan").get(pk=pid)
            payload = {**check_inputs(parcel=parcel, on=today), "proposal": proposals[pid]}
            try:
                out = run_check(payload)
                passed += out["passed"]
            except Exception as exc:
                failed += 1
                if failed <= 3:
                    log(f"  check refused on parcel {pid}: {exc}")
            times.append((time.perf_counter() - t0) * 1000)
            sql_s, _ = floor_sql(cursor, pid, muni.pk, today)
            rules, _src = _rules(payload["rules"])
            floors.append((sql_s + floor_shapely(payload, rules)) * 1000)
    p95, f95 = pct(times, 95), pct(floors, 95)
    log(f"one full check (read + gather inputs + run_check), {len(times)} parcels ({passed} villas pass, "
        f"{failed} refused): p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms "
        f"(goal p95 <= {CHECK_GOAL_MS:.0f} ms)   {verdict(p95 <= CHECK_GOAL_MS)}")
    log(f"  floor (the same SQL on a raw cursor + the geometric core alone): p50 {statistics.median(floors):.1f} ms, "
        f"p95 {f95:.1f} ms — the check costs {p95 / max(f95, 1e-6):.1f}x its floor at p95")


# --- 2. what-if -------------------------------------------------------------------------------------------------

def cleanup(muni) -> None:
    from django.db import transaction

    from cases.documents.models import IssuedDocument
    from cases.models import Case
    from parcels.models import District, Parcel
    from permits.models import Permit, Proposal, RuleSet

    with transaction.atomic():
        permits = Permit.objects.filter(municipality=muni, number__startswith=MARK)
        Parcel.objects.filter(pk__in=permits.values("parcel_id")).update(status="vacant")
        cases = Case.objects.filter(municipality=muni, number__startswith=MARK)
        permits.delete()
        docs = IssuedDocument.objects.filter(case__in=cases)
        for doc in docs:
            doc.pdf.delete(save=False)
        docs.delete()
        Proposal.objects.filter(case__in=cases).delete()
        cases.delete()
        RuleSet.objects.filter(municipality=muni, status="draft", notes=DRAFT_NOTE).delete()
        District.objects.filter(municipality=muni, code=MARK).delete()


def bench_district(muni, size: int):
    """A district of the ``size`` parcels nearest the city's centre (the hull of their points on surface)."""
    from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
    from django.db import connection

    from parcels.models import District

    with connection.cursor() as cursor:
        cursor.execute(
            "WITH c AS (SELECT ST_Centroid(boundary) AS at FROM parcels_municipality WHERE id = %s), "
            "near AS (SELECT ST_PointOnSurface(p.geom) AS pos FROM parcels_parcel p, c WHERE p.municipality_id = %s "
            "AND p.valid_to IS NULL ORDER BY p.geom <-> c.at LIMIT %s) "
            "SELECT ST_AsText(ST_Buffer(ST_ConvexHull(ST_Collect(pos)), 0.000001)) FROM near", [muni.pk, muni.pk, size])
        hull = GEOSGeometry(cursor.fetchone()[0], srid=4326)
    return District.objects.create(municipality=muni, code=MARK, name_ar="حي القياس", name_en="Bench district",
                                   geom=MultiPolygon(hull, srid=4326))


def biggest_regulation(muni, district) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT z.regulation_id, count(*) FROM parcels_parcel p JOIN parcels_zone z ON "
            "z.municipality_id = p.municipality_id AND ST_Intersects(z.geom, ST_PointOnSurface(p.geom)) "
            "WHERE p.municipality_id = %s AND p.valid_to IS NULL AND ST_Intersects(p.geom, %s::geometry) "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1", [muni.pk, district.geom.ewkb])
        return cursor.fetchone()[0]


def bench_draft(muni, regulation_id: int, today: date):
    """A draft of the code's rules in force with the side setback 1 m more, through the planners' service."""
    from permits.selectors import rule_set_in_force
    from permits.services.rules import rule_set_new_version

    adopted = rule_set_in_force(regulation_id=regulation_id, on=today)
    draft = rule_set_new_version(rule_set=adopted, actor="bench-permits", side_setback_m=adopted.side_setback_m + 1,
                                 notes=DRAFT_NOTE)
    return adopted, draft


def bench_permits(muni, district, adopted, n: int, today: date) -> list:
    """``n`` issued permits on vacant parcels of the district's zoning code, each villa the adopted envelope."""
    from django.contrib.gis.db.models.functions import PointOnSurface
    from django.db import transaction
    from django.db.models import Exists, OuterRef
    from django.utils import timezone
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    from cases.models import Case
    from parcels.models import Parcel, Zone
    from permits.check import run_check
    from permits.inputs import check_inputs
    from permits.models import Permit, Proposal

    zoned = Zone.objects.filter(regulation_id=adopted.regulation_id, geom__intersects=OuterRef("pos"))
    candidates = list(Parcel.objects.filter(municipality=muni, valid_to__isnull=True, status="vacant",
                                            geom__intersects=district.geom)
                      .annotate(pos=PointOnSurface("geom")).filter(pos__intersects=district.geom)
                      .filter(Exists(zoned)).order_by("id").values_list("id", flat=True)[: n * 3])
    rng = random.Random(SEED)
    rng.shuffle(candidates)
    made = []
    now = timezone.now()
    with transaction.atomic():
        for pid in candidates:
            if len(made) >= n:
                break
            parcel = Parcel.objects.get(pk=pid)
            site = check_inputs(parcel=parcel, on=today, rule_set=adopted)
            envelope = run_check({**site, "proposal": villa_inside(parcel.geom, muni.metric_srid)})["envelope"]
            if not envelope:
                continue
            shape_ = shape(envelope).buffer(0)
            ground = max(getattr(shape_, "geoms", [shape_]), key=lambda g: g.area)
            floors = [{"kind": "ground", "level": 0, "footprint": mapping(ground)},
                      {"kind": "upper", "level": 1, "footprint": mapping(ground)}]
            proposal_in = {"use": "residential", "units": 1, "parking_spaces": 2, "height_m": 9.5, "floors": floors}
            try:
                check = run_check({**site, "proposal": proposal_in})
            except Exception as exc:  # an odd parcel: say so, take the next
                log(f"  bench permit skipped on parcel {pid}: {exc}")
                continue
            k = len(made) + 1
            case = Case.objects.create(municipality=muni, number=f"{MARK}-{k:06d}", case_type="building_permit",
                                       status="issued", status_since=now, location=parcel.geom.point_on_surface)
            from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

            outline = GEOSGeometry(json.dumps(mapping(unary_union([ground]))), srid=4326)
            outline = outline if outline.geom_type == "MultiPolygon" else MultiPolygon(outline, srid=4326)
            proposal = Proposal.objects.create(
                municipality=muni, case=case, number=1, parcel=parcel, source="drawn", use="residential", units=1,
                parking_spaces=2, height_m=9.5, floors=floors, footprint=outline,
                floor_area_m2=check["proposal"]["floor_area_m2"], rule_set=adopted, rules_date=today,
                check_result=check, passed=check["passed"])
            made.append(Permit.objects.create(
                municipality=muni, case=case, number=f"{MARK}-{k:06d}", kind="building_permit", parcel=parcel,
                proposal=proposal, status="issued", issued_on=today, valid_until=date(today.year + 3, 1, 1),
                use="residential", floors=2, floor_area_m2=proposal.floor_area_m2, geom=outline))
        Parcel.objects.filter(pk__in=[p.parcel_id for p in made]).update(status="under_construction")
    return made


def floor_whatif(muni, district, regulation_id: int) -> tuple[float, int]:
    """Fetching the same parcels and streets as WKB on a raw cursor + the vectorised shapely work alone."""
    import shapely
    from django.db import connection

    from permits.check.contract import reproject, transformers
    from permits.selectors import STREET_SEARCH_M, degrees

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, ST_AsBinary(p.geom) FROM parcels_parcel p WHERE p.municipality_id = %s AND "
            "p.valid_to IS NULL AND p.status = 'vacant' AND ST_Intersects(p.geom, %s::geometry) AND "
            "ST_Intersects(%s::geometry, ST_PointOnSurface(p.geom)) AND EXISTS (SELECT 1 FROM parcels_zone z "
            "WHERE z.regulation_id = %s AND ST_Intersects(z.geom, ST_PointOnSurface(p.geom)))",
            [muni.pk, district.geom.ewkb, district.geom.ewkb, regulation_id])
        rows = cursor.fetchall()
        cursor.execute("SELECT id, width_m, ST_AsBinary(geom) FROM parcels_street WHERE municipality_id = %s AND "
                       "ST_DWithin(geom, %s::geometry, %s)", [muni.pk, district.geom.ewkb, degrees(STREET_SEARCH_M)])
        street_rows = cursor.fetchall()
    geoms = shapely.from_wkb([bytes(r[1]) for r in rows])
    lines = shapely.from_wkb([bytes(r[2]) for r in street_rows])
    to_metric, _back = transformers(muni.metric_srid)
    metric = reproject(to_metric, geoms)
    reproject(to_metric, lines)
    shapely.STRtree(lines)
    boundaries = shapely.boundary(metric)
    for setback in (2.0, 3.0):  # the adopted rules and the draft
        shapely.area(shapely.difference(metric, shapely.buffer(boundaries, setback, quad_segs=4)))
    return time.perf_counter() - t0, len(rows)


def measure_whatif(muni, size: int, n_permits: int) -> list:
    from permits.whatif import whatif

    today = date.today()
    t0 = time.perf_counter()
    district = bench_district(muni, size)
    regulation_id = biggest_regulation(muni, district)
    adopted, draft = bench_draft(muni, regulation_id, today)
    permits = bench_permits(muni, district, adopted, n_permits, today)
    from parcels.models import Parcel

    in_district = Parcel.objects.filter(municipality=muni, valid_to__isnull=True, geom__intersects=district.geom,
                                        ).count()
    log(f"what-if data: district of {in_district:,} parcels (the {size:,} nearest the centre; their hull), draft "
        f"{draft.regulation.code} v{draft.number} (side setback {adopted.side_setback_m} -> {draft.side_setback_m} m), "
        f"{len(permits)} bench permits built on the adopted envelope; made in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    out = whatif(draft=draft, district=district, on=today)
    took = time.perf_counter() - t0
    refused = sum(1 for p in out["permits"] if p["failing"] == ["input"])
    log(f"what-if (map features included): {took:.1f} s (goal <= {WHATIF_GOAL_S:.0f} s)   "
        f"{verdict(took <= WHATIF_GOAL_S)}  — {out['parcels']:,} vacant parcels of {out['code']}, {out['changed']:,} "
        f"change ({out['before_m2']:,.0f} -> {out['after_m2']:,.0f} m²); of {len(permits)} permits "
        f"{len(out['permits']) - refused} would no longer comply, {refused} refused")
    floor, rows = floor_whatif(muni, district, regulation_id)
    log(f"  floor (the same rows as WKB on a raw cursor + the vectorised shapely work alone, {rows:,} parcels): "
        f"{floor:.1f} s — the what-if costs {took / max(floor, 1e-6):.1f}x its floor")
    measure_all_parcels(muni, district, adopted, draft)
    return permits


def measure_all_parcels(muni, district, adopted, draft) -> None:
    """The batch envelope areas of EVERY parcel of the district (as if all were vacant), both rule sets: the
    what-if's parcel part at its largest (the bench city's districts are mostly built)."""
    import shapely
    from django.contrib.gis.db.models.functions import AsWKB

    from parcels.models import Parcel, Street
    from permits.check.batch import buildable_areas
    from permits.inputs import rules_payload
    from permits.selectors import degrees

    t0 = time.perf_counter()
    rows = list(Parcel.objects.filter(municipality=muni, valid_to__isnull=True, geom__intersects=district.geom)
                .values_list("pk", AsWKB("geom")))
    parcels = list(zip([r[0] for r in rows], shapely.from_wkb([bytes(r[1]) for r in rows]), strict=True))
    streets = [(pk, shapely.from_wkb(bytes(g)), float(w)) for pk, w, g in Street.objects.filter(
        municipality=muni, geom__dwithin=(district.geom, degrees(60))).values_list("pk", "width_m", AsWKB("geom"))]
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    for rule_set in (adopted, draft):
        buildable_areas(parcels=parcels, streets=streets, overlays=[], rules=rules_payload(rule_set),
                        metric_srid=muni.metric_srid)
    took = time.perf_counter() - t0
    log(f"  every parcel of the district as if vacant ({len(parcels):,} parcels, {len(streets):,} streets): read "
        f"{read:.1f} s, buildable_areas under both rule sets {took:.1f} s ({took / 2:.1f} s per rule set)")


# --- 3. certificate ---------------------------------------------------------------------------------------------

def measure_certificates(muni, permits: list, n: int) -> None:
    from cases.documents import render
    from cases.documents.services import Approver
    from permits.services.workflow import certificate_issue

    if not permits:
        log("certificate: no bench permit to certify (no vacant parcel of the code in the district)")
        return
    times = []
    for permit in permits[: n + 1]:
        t0 = time.perf_counter()
        certificate_issue(case=permit.case, permit=permit, proposal=permit.proposal, actor="bench-permits",
                          approver=Approver(name="م. عبدالله القياس", title="معتمد الرخص"))
        times.append(time.perf_counter() - t0)
    times = times[1:] or times  # the first loads WeasyPrint and the fonts
    floors = []
    for _ in range(max(len(times), 3)):
        t0 = time.perf_counter()
        render.html_to_pdf('<html lang="ar" dir="rtl"><body><p>رخصة بناء</p></body></html>')
        floors.append(time.perf_counter() - t0)
    worst = max(times)
    log(f"certificate PDF (site plan, template, WeasyPrint, stored, audited), {len(times)} permits: median "
        f"{statistics.median(times):.2f} s, max {worst:.2f} s (goal <= {CERTIFICATE_GOAL_S:.0f} s)   "
        f"{verdict(worst <= CERTIFICATE_GOAL_S)}")
    log(f"  floor (WeasyPrint, a one-line Arabic page): median {statistics.median(floors):.2f} s")


def load() -> str:
    try:
        one, five, _fifteen = os.getloadavg()
        return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} cores"
    except OSError:
        return "load unknown"


def main() -> None:
    import django

    django.setup()
    log(f"bench-permits on {os.environ.get('ARDH_DB_NAME', 'ardh')} ({load()}: other work on the machine slows "
        "every figure)")
    from permits.seed import demo_rules_ensure

    demo_rules_ensure(municipality=city())  # the demo's rules (idempotent): the check needs them
    muni = ensure_fresh_city(city())
    demo_rules_ensure(municipality=muni)  # again, should the city have been regenerated
    cleanup(muni)
    measure_checks(muni, int(os.environ.get("BENCH_CHECKS", "200")))
    permits = measure_whatif(muni, int(os.environ.get("BENCH_DISTRICT_PARCELS", "50000")),
                             int(os.environ.get("BENCH_PERMITS", "300")))
    measure_certificates(muni, permits, int(os.environ.get("BENCH_CERTIFICATES", "5")))
    log(f"done ({load()})")


if __name__ == "__main__":
    main()
