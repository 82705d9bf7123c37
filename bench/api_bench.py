# ruff: noqa: S603 - commands are fixed argument lists built here, never user input
"""`make bench-api`: the API's speed on 1M parcels, against the database floor and peers, in one run.

1. Data: a separate database (ARDH_DB_NAME, default ardh_bench) with BENCH_PARCELS parcels
   (generate_demo; skipped when already there).
2. at-point over HTTP (Ardh served as `make demo` serves it, loopback): p50/p99 of one call answering
   parcel, block, plan, zone and district at random points inside parcels.
3. OGC API Features items, limit=1000 inside bboxes holding >= 1000 parcels: requests/s of
   - Ardh (/ogc/collections/parcels/items: one SQL with a row per feature, streamed into the FeatureCollection),
   - the DB floor: one SQL building the same FeatureCollection (Ardh's statement aggregated in the database,
     links included), built before timing, executed directly (raw psycopg, no HTTP, no Django),
   - the rows floor: Ardh's statement itself, its rows streamed straight to a raw psycopg client and joined,
   - bare: bench/bare_server.py on Ardh's HTTP server, streaming that same statement and nothing else (no key,
     throttle, checks or links): rows floor -> bare is what HTTP costs here, bare -> Ardh Ardh's handling,
   - pygeoapi (PostgreSQL provider) and TiPg on the same table, each pip-installed into its
     own venv under .data/bench and started on loopback. Everything connects to the database as Ardh does
     (the cluster's Unix socket by default), except TiPg, whose settings take no socket: TCP on 127.0.0.1.
   One sequential client per server; Ardh, bare and the floor take half-second turns (fair on a machine
   that is not quite idle); ratios printed at the end.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".data" / "bench"
DB_NAME = os.environ.setdefault("ARDH_DB_NAME", "ardh_bench")
DB_PORT = int(os.environ.get("ARDH_DB_PORT", "5441"))
PARCELS = int(os.environ.get("BENCH_PARCELS", "1000000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
AT_POINT_N = int(os.environ.get("BENCH_AT_POINT_N", "500"))
PORTS = {"ardh": 18871, "pygeoapi": 18872, "tipg": 18873, "bare": 18874}
HOST = "127.0.0.1"
LIMIT = 1000  # features per page of items
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["ARDH_DEBUG"] = "false"
sys.path.insert(0, str(ROOT))

from bench.servers import peer_db_host, popen_tied, start_bare, stop, tipg_database_url, wait_until_up  # noqa: E402
from bench.servers import start_ardh as start_ardh_server  # noqa: E402


def log(msg: str) -> None:
    print(msg, flush=True)


def setup_django():
    import django

    django.setup()


def ensure_data() -> None:
    from parcels.models import Parcel

    n = Parcel.objects.filter(valid_to__isnull=True).count()
    if n >= PARCELS:
        log(f"data: {n:,} current parcels in {DB_NAME}")
        return
    log(f"data: {n:,} parcels in {DB_NAME}; generating {PARCELS:,} (about 70 s per million)...")
    subprocess.run(
        [sys.executable, "manage.py", "generate_demo", "--parcels", str(PARCELS), "--force"], cwd=ROOT, check=True
    )


def bench_key() -> tuple[object, str]:
    from accounts.models import ApiKey, Municipality
    from accounts.services import api_key_create

    muni = Municipality.objects.get(code="al-rass-demo")
    ApiKey.objects.filter(municipality=muni, name="bench").delete()
    _, token = api_key_create(municipality=muni, name="bench", scopes=["read"], rate_per_minute=10_000_000)
    return muni, token


def sample(muni, n: int, seed: int = 7) -> list[tuple[float, float]]:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT min(id), max(id) FROM parcels_parcel WHERE municipality_id = %s", [muni.pk])
        lo, hi = c.fetchone()
        ids = random.Random(seed).sample(range(lo, hi + 1), n * 2)
        # Only points inside the municipality: the demo generator leaves some parcels outside its boundary.
        c.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM parcels_parcel "
            "WHERE id = ANY(%s) AND valid_to IS NULL) s, parcels_municipality m "
            "WHERE m.id = %s AND ST_Intersects(m.boundary, s.p) LIMIT %s",
            [ids, muni.pk, n],
        )
        return c.fetchall()


def bboxes(muni, n: int = 12) -> list[tuple[float, float, float, float]]:
    """Boxes around random parcels, grown until each holds at least 1,000 current parcels."""
    from django.db import connection

    boxes = []
    for lon, lat in sample(muni, n, seed=11):
        half = 0.004
        while True:
            box = (lon - half, lat - half, lon + half, lat + half)
            with connection.cursor() as c:
                c.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM parcels_parcel WHERE geom && ST_MakeEnvelope(%s,%s,%s,%s,4326)"
                    " AND valid_to IS NULL LIMIT 1000) s",
                    box,
                )
                if c.fetchone()[0] >= 1000:
                    break
            half *= 1.5
        boxes.append(tuple(round(v, 7) for v in box))
    return boxes


# --- servers -------------------------------------------------------------------------------------


def _venv(name: str, packages: list[str]) -> Path:
    venv = BENCH / name
    py = venv / "bin" / "python"
    stamp = venv / ".ardh-installed"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if not stamp.exists() or stamp.read_text() != " ".join(packages):
        log(f"installing {' '.join(packages)} into {venv} ...")
        subprocess.run([str(py), "-m", "pip", "install", "-q", *packages], check=True)
        stamp.write_text(" ".join(packages))
    return venv


def start_ardh():
    return start_ardh_server(PORTS["ardh"], {"ARDH_DB_NAME": DB_NAME, "ARDH_DB_PORT": str(DB_PORT)})


PYGEOAPI_CONFIG = """
server:
  bind: {{host: {host}, port: {port}}}
  url: http://{host}:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: en-US
  pretty_print: false
  limits: {{default_items: 10, max_items: 10000}}
  limit: 10000
  map: {{url: 'http://{host}/{{z}}/{{x}}/{{y}}.png', attribution: none}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme,
                    terms_of_service: none, url: 'http://{host}'}}
  license: {{name: none, url: 'http://{host}'}}
  provider: {{name: none, url: 'http://{host}'}}
  contact: {{name: none, position: none, address: none, city: none, stateorprovince: none, postalcode: none,
             country: none, phone: none, fax: none, email: none, url: 'http://{host}', hours: none,
             instructions: none, role: pointOfContact}}
resources:
  parcels:
    type: collection
    title: parcels
    description: parcels
    keywords: [parcels]
    links: []
    extents: {{spatial: {{bbox: [-180, -90, 180, 90], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}}}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {{host: {host}, port: {db_port}, dbname: {db}, user: ardh, password: '', search_path: [public]}}
        id_field: id
        table: parcels_parcel
        geom_field: geom
"""


def start_pygeoapi():
    venv = _venv("pygeoapi", ["pygeoapi", "psycopg2-binary", "geoalchemy2", "gunicorn"])
    conf = BENCH / "pygeoapi.yml"
    conf.write_text(PYGEOAPI_CONFIG.format(host=peer_db_host(), port=PORTS["pygeoapi"], db_port=DB_PORT, db=DB_NAME))
    openapi = BENCH / "pygeoapi-openapi.yml"
    env = os.environ | {"PYGEOAPI_CONFIG": str(conf), "PYGEOAPI_OPENAPI": str(openapi)}
    subprocess.run([str(venv / "bin" / "pygeoapi"), "openapi", "generate", str(conf), "--output-file", str(openapi)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    proc = popen_tied(
        [str(venv / "bin" / "gunicorn"), "pygeoapi.flask_app:APP", "--bind", f"{HOST}:{PORTS['pygeoapi']}",
         "--workers", "2", "--log-level", "warning"],
        env=env, cwd=BENCH,
    )
    wait_until_up(PORTS["pygeoapi"], "/collections", proc)
    return proc


def start_tipg():
    venv = _venv("tipg", ["tipg", "uvicorn"])
    env = os.environ | {
        "DATABASE_URL": tipg_database_url(),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    proc = popen_tied(
        [str(venv / "bin" / "uvicorn"), "tipg.main:app", "--host", HOST, "--port", str(PORTS["tipg"]),
         "--workers", "2", "--log-level", "warning"],
        env=env, cwd=BENCH,
    )
    wait_until_up(PORTS["tipg"], "/collections", proc)
    return proc


# --- measurements ----------------------------------------------------------------------------------


class Client:
    """A lean keep-alive HTTP client (http.client): the client's own cost is small and the same for all."""

    def __init__(self, port: int, headers: dict | None = None):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.headers = headers or {}

    def get(self, path: str, params: dict) -> bytes:
        self.conn.request("GET", f"{path}?{urlencode(params)}", headers=self.headers)
        r = self.conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"{path}: HTTP {r.status}: {body[:200]!r}")
        return body


def measure_at_point(token: str, points) -> tuple[float, float]:
    client = Client(PORTS["ardh"], {"Authorization": f"Api-Key {token}"})
    path = "/api/v1/at-point/"
    for lon, lat in points[:20]:
        client.get(path, {"lon": lon, "lat": lat})
    times = []
    for lon, lat in points[20 : 20 + AT_POINT_N]:
        t = time.perf_counter()
        body = client.get(path, {"lon": lon, "lat": lat})
        times.append((time.perf_counter() - t) * 1000)
        assert b'"Feature"' in body, body[:200]
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def interleaved(fetchers: dict, boxes, slice_s: float = 0.5) -> dict[str, tuple[float, int]]:
    """Requests/s of each fetcher, run in turns of ``slice_s`` until each had SECONDS (a single fetcher: SECONDS
    on its own).

    Taking turns, rather than one after the other, gives each the same share of whatever else the two
    cores are doing during the run, so their ratio stays fair on a machine that is not quite idle.
    """
    n_features = {name: fetch(boxes[0]) for name, fetch in fetchers.items()}  # warm-up
    counts = dict.fromkeys(fetchers, 0)
    spent = dict.fromkeys(fetchers, 0.0)
    i = 0
    while min(spent.values()) < SECONDS:
        for name, fetch in fetchers.items():
            start = time.perf_counter()
            while time.perf_counter() - start < slice_s:
                fetch(boxes[i % len(boxes)])
                i += 1
                counts[name] += 1
            spent[name] += time.perf_counter() - start
    return {name: (counts[name] / spent[name], n_features[name]) for name in fetchers}


def http_fetcher(port: int, path: str, headers=None, extra=None):
    client = Client(port, headers)

    def fetch(box):
        body = client.get(path, {"bbox": ",".join(map(str, box)), "limit": LIMIT, **(extra or {})})
        # Counted, not parsed: the client should cost every server the same (and the floor nothing).
        return body.count(b'"Feature"')

    return fetch


def page_statements(muni, boxes) -> dict:
    """Per box: Ardh's page statement (one row per feature), built by the function the endpoint uses."""
    from geo.layers import get_layer
    from ogc.params import bbox as parse_bbox
    from ogc.sql import items_sql

    layer = get_layer("parcels")
    polygons = {box: parse_bbox({"bbox": ",".join(map(str, box))}) for box in boxes}
    return {box: items_sql(layer, municipality_id=muni.pk, filters={}, box=polygon, srid=4326, lat_first=False,
                           limit=LIMIT, offset=0) for box, polygon in polygons.items()}


def collection_statement(rows_sql: str, params: list, *, limit: int, offset: int, links: list,
                         last_links: list) -> tuple[str, list]:
    """One statement building a page's whole FeatureCollection in PostgreSQL from Ardh's page statement: the
    document ``ogc.sql.page_body`` streams (the same features, numberReturned, links and numberMatched when
    known), made and aggregated in the database and sent as one value."""
    from ogc.sql import COLLECTION_HEAD

    head = COLLECTION_HEAD.replace("'", "''")
    n = "count(*)"
    end = (
        f"'], \"numberReturned\": ' || {n} || ', \"links\": ' || CASE WHEN {n} >= %s THEN %s ELSE %s END"
        f" || CASE WHEN {n} < %s AND ({n} > 0 OR %s = 0) THEN ', \"numberMatched\": ' || (%s + {n}) ELSE '' END || '}}'"
    )
    # concat() copies the features' text once; a chain of || copied it once per operator (a millisecond a page).
    sql = f"SELECT concat('{head}', string_agg(r.f, ', '), {end}) FROM ({rows_sql}) r(f)"  # noqa: S608 - Ardh's statement
    return sql, [limit, json.dumps(links), json.dumps(last_links), limit, offset, offset, *params]


def floor_fetcher(muni, boxes, links: list):
    """The floor: one SQL building the same FeatureCollection (``collection_statement`` over the statement Ardh
    runs for the page), straight to the database.

    Each box's statement is built before the clock starts, and run on the raw psycopg connection: the floor is
    the database's work plus one round trip, nothing of Django's.
    """
    from django.db import connection

    last = [link for link in links if link["rel"] != "next"]
    statements = {box: collection_statement(*rows, limit=LIMIT, offset=0, links=links, last_links=last)
                  for box, rows in page_statements(muni, boxes).items()}
    connection.ensure_connection()
    raw = connection.connection

    def fetch(box):
        with raw.cursor() as c:
            c.execute(*statements[box])
            return c.fetchone()[0].count('"Feature"')

    return fetch


def rows_floor_fetcher(muni, boxes):
    """The rows floor: Ardh's page statement itself, its rows streamed in the same batches straight to a raw
    psycopg client and joined there (no HTTP, no Django): the least a server streaming the page could take."""
    from django.db import connection

    from ogc.sql import COLLECTION_HEAD, FEATURES_PER_CHUNK

    statements = page_statements(muni, boxes)
    connection.ensure_connection()
    raw = connection.connection

    def fetch(box):
        with raw.cursor() as c:
            features = [row[0] for row in c.stream(*statements[box], size=FEATURES_PER_CHUNK)]
        return (COLLECTION_HEAD + ", ".join(features) + "]}").count('"Feature"')

    return fetch


def main() -> None:
    setup_django()
    ensure_data()
    muni, token = bench_key()
    points = sample(muni, AT_POINT_N + 20)
    boxes = bboxes(muni)
    log(f"{len(points)} at-point locations, {len(boxes)} bboxes of >= 1,000 parcels")
    procs = {}
    results = {}
    try:
        procs["ardh"] = start_ardh()
        procs["bare"] = start_bare(PORTS["bare"], {"ARDH_DB_NAME": DB_NAME, "ARDH_DB_PORT": str(DB_PORT),
                                                   "BARE_MUNICIPALITY": str(muni.pk)})
        p50, p99 = measure_at_point(token, points)
        log(f"at-point over HTTP: p50 {p50:.1f} ms, p99 {p99:.1f} ms (goal p99 <= 10 ms)")
        auth = {"Authorization": f"Api-Key {token}"}
        items_path = "/ogc/collections/parcels/items"
        links = json.loads(Client(PORTS["ardh"], auth).get(items_path, {"bbox": ",".join(map(str, boxes[0])),
                                                                          "limit": LIMIT}))["links"]
        results.update(interleaved({
            "db floor": floor_fetcher(muni, boxes, links),
            "rows floor": rows_floor_fetcher(muni, boxes),
            "bare": http_fetcher(PORTS["bare"], "/items"),
            "ardh": http_fetcher(PORTS["ardh"], items_path, auth),
        }, boxes))
        for name, start, path in (
            ("pygeoapi", start_pygeoapi, "/collections/parcels/items"),
            ("tipg", start_tipg, "/collections/public.parcels_parcel/items"),
        ):
            try:
                procs[name] = start()
                extra = {"f": "json"} if name == "pygeoapi" else None
                results.update(interleaved({name: http_fetcher(PORTS[name], path, extra=extra)}, boxes))
            except Exception as exc:  # a peer that cannot be installed or started is reported, not fatal
                log(f"{name}: not measured ({exc})")
    finally:
        stop(*procs.values())
    log(f"\nitems of 1,000 features inside a bbox ({SECONDS:.0f} s each, one sequential client; ardh, bare and the"
        " floors in alternating half-second turns):")
    for name, (rps, nfeat) in results.items():
        log(f"  {name:10s} {rps:7.1f} req/s  ({nfeat} features per response)")
    ardh, floor, rows, bare = (results[k][0] for k in ("ardh", "db floor", "rows floor", "bare"))
    log(f"\n  ardh / db floor   = {ardh / floor:.2f}  (goal >= 0.8; one SQL building the FeatureCollection)")
    log(f"  ardh / rows floor = {ardh / rows:.2f}  (the same rows Ardh streams, straight from the database)")
    log(f"  bare / rows floor = {bare / rows:.2f}  (HTTP alone)")
    log(f"  ardh / bare       = {ardh / bare:.2f}  (Ardh's request handling)")
    for peer in ("pygeoapi", "tipg"):
        if peer in results:
            goal = "  (goal >= 3)" if peer == "pygeoapi" else ""
            log(f"  ardh / {peer:10s} = {ardh / results[peer][0]:.2f}{goal}")


if __name__ == "__main__":
    if shutil.which("granian", path=str(ROOT / ".venv" / "bin")) is None:
        sys.exit("run through `make bench-api` (it builds .venv first)")
    main()
