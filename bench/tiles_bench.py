"""Tile serving benchmark (``make bench-tiles``): run against a database holding the 1M-parcel demo city.

Per zoom, for the hot tile (the city centre, repeated) and for 1,000 random tiles of
the city, at 1, 2 and 4 concurrent connections, it measures tiles/s and p50/p99:

  floor     the very tile SQL our endpoint runs, prepared as it does, through psycopg (no HTTP, no Django),
            measured before and after the HTTP servers and averaged (the machine drifts)
  uncached  our endpoint (served by runtime/serve.py, as `make demo`) with the tile cache off
  cached    our endpoint with a warm disk cache
  bare      bench/bare_server.py on the same HTTP server: the same statement and nothing else (no cache,
            ETag, checks or Django): floor -> bare is what HTTP costs here, bare -> uncached what Ardh costs
  tipg      TiPg (its own venv under .data, uvicorn, 4 workers) on the same table

The HTTP servers are loaded by wrk (Debian package, C, one thread, keep-alive connections cycling
through the tile list for BENCH_WRK_SECONDS), the same client for ours and TiPg; every tile of the
list is first fetched once by a Python client that checks its status and records its size.

Series "parcels" (z15-17, the parcels layer; TiPg serves the same table with the same
columns and the same current-parcel filter) and series "base" (z12-17, the
multi-layer base map the planner map loads; TiPg has no equivalent). Also the largest
tile seen per zoom. The client runs on the same machine, so every figure includes
its share of the CPUs; ratios are what to read.
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
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("ARDH_DEBUG", "false")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402

from bench.servers import (  # noqa: E402
    free_port,
    popen_tied,
    start_ardh,
    start_bare,
    stop,
    tipg_database_url,
    wait_until_up,
)
from parcels.models import Municipality  # noqa: E402
from tiles.grid import Tile, tiles_touching  # noqa: E402
from tiles.sql import tile_sql  # noqa: E402
from tiles.views import public_selection  # noqa: E402

RANDOM_TILES = int(os.environ.get("BENCH_RANDOM_TILES", "1000"))
HOT_REPEATS = int(os.environ.get("BENCH_HOT_REPEATS", "300"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "3"))  # wrk takes whole seconds
WRK = shutil.which("wrk") or "/usr/bin/wrk"
CONCURRENCY = (1, 2, 4)
WORKERS = 4
TIPG_VENV = ROOT / ".data" / "tipg-venv"
PARCEL_FIELDS = ("number", "plan_id", "land_use", "status", "area_m2", "deed_number")


def start_ours(env_extra: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    return start_ardh(port, env_extra), port


def ensure_tipg() -> Path | None:
    python = TIPG_VENV / "bin" / "python"
    if not python.exists():
        print("Installing TiPg into .data/tipg-venv (pip install tipg uvicorn) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)  # noqa: S603
        pip = [str(TIPG_VENV / "bin" / "pip"), "install", "-q", "tipg", "uvicorn"]
        done = subprocess.run(pip, check=False)  # noqa: S603
        if done.returncode:
            return None
    return python


def start_tipg() -> tuple[subprocess.Popen, int] | None:
    python = ensure_tipg()
    if python is None:
        return None
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": tipg_database_url(),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.parcels_parcel"]',
        "TIPG_MAX_FEATURES_PER_TILE": "1000000",
        "TIPG_TILE_BUFFER": "64",  # ours; TiPg's default is 256
    }
    proc = popen_tied(  # our own fixed command line; stops when the benchmark dies
        [str(python), "-m", "uvicorn", "tipg.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(WORKERS), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    wait_until_up(port, "/collections", proc)
    return proc, port


def summary(latencies: list[float], elapsed: float) -> dict:
    ordered = sorted(latencies)
    return {
        "tiles_s": len(ordered) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


def run_parallel(jobs: list, worker_factory, concurrency: int) -> dict:
    """Split jobs over `concurrency` threads, each with its own connection (opened before the clock starts:
    a database connection takes milliseconds to set up); time each job."""
    latencies: list[float] = []
    lock = threading.Lock()
    chunks = [jobs[i::concurrency] for i in range(concurrency)]
    workers = [worker_factory() for _ in chunks]

    def work(chunk, do):
        mine = []
        for job in chunk:
            t0 = time.perf_counter()
            do(job)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(chunk, do))
               for chunk, (do, _close) in zip(chunks, workers, strict=True)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    for _do, close in workers:
        close()
    return summary(latencies, elapsed)


def http_worker(port: int, sizes: dict | None = None):
    def factory():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

        def do(path):
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status not in (200, 204):
                raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
            if sizes is not None:
                sizes[path] = len(body)

        return do, conn.close

    return factory


# wrk (one thread, so one Lua state): the connections take the list's tiles in turn, cycling through it;
# done() reports the figures as one line of JSON (latencies in microseconds).
WRK_SCRIPT = """
local paths = {%s}
local i = 0
function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('ARDH-WRK {"requests": %%d, "duration_us": %%d, "p50_us": %%f, "p99_us": %%f, '
    .. '"errors": %%d}\\n', summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def wrk_run(port: int, paths: list[str], concurrency: int) -> dict:
    """Tiles/s, p50 and p99 of ``paths`` (cycled) served on ``port``, loaded by wrk for WRK_SECONDS."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="ardh-wrk-") as script:
        script.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
        script.flush()
        out = subprocess.run(  # noqa: S603 - a fixed program; the arguments are numbers and our own file
            [WRK, "-t1", f"-c{concurrency}", f"-d{WRK_SECONDS}s", "--timeout", "30s", "-s", script.name,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True,
        )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    out = out.stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("ARDH-WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{out}")
    r = json.loads(line.split(" ", 1)[1])
    if r["errors"]:
        raise RuntimeError(f"wrk: {r['errors']} failed requests (errors or non-2xx) on port {port}:\n{out}")
    return {"tiles_s": r["requests"] / (r["duration_us"] / 1e6), "p50": r["p50_us"] / 1000, "p99": r["p99_us"] / 1000}


def sql_worker(dsn: str):
    """The floor runs each statement as our endpoint does (tiles.sql.fetch_value): a server-side prepared
    statement, planned once per connection. (Until 2026-11-25 the floor bound parameters on the client and
    so re-planned every tile, 3-20 % slower than the endpoint's own database work: ratios were flattered.)"""

    def factory():
        conn = psycopg.connect(dsn, autocommit=True)

        def do(statement):
            with conn.cursor() as cur:
                cur.execute(*statement, prepare=True)
                cur.fetchone()

        return do, conn.close

    return factory


def main() -> None:
    muni = Municipality.objects.filter(code="al-rass-demo").first()
    if muni is None:
        sys.exit("No demo city in this database: run `manage.py generate_demo --parcels 1000000` first.")
    from parcels.models import Parcel

    count = Parcel.objects.filter(municipality=muni, valid_to__isnull=True).count()
    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST']} port={db['PORT']} dbname={db['NAME']} user={db['USER']}"
    bbox = muni.boundary.extent
    centre = muni.boundary.point_on_surface
    rng = random.Random(1447)
    print(f"Database {db['NAME']}: {count:,} current parcels; {os.cpu_count()} CPUs shared by client and servers.")

    cache_dir = tempfile.mkdtemp(prefix="ardh-bench-cache-")
    servers = {}
    results, largest = [], {}
    try:
        servers["uncached"] = start_ours({"ARDH_TILE_CACHE_ENABLED": "false"})
        servers["cached"] = start_ours({"ARDH_TILE_CACHE_DIR": cache_dir})
        bare_port = free_port()
        servers["bare"] = start_bare(bare_port), bare_port
        tipg = start_tipg()
        if tipg:
            servers["tipg"] = tipg
        for series, zooms in (("parcels", range(15, 18)), ("base", range(12, 18))):
            for z in zooms:
                every = list(tiles_touching(bbox, z, buffer=0))
                hot = next(iter(tiles_touching((centre.x, centre.y, centre.x, centre.y), z, buffer=0)))
                sample = [rng.choice(every) for _ in range(RANDOM_TILES)]
                for label, tiles in (("hot", [hot] * HOT_REPEATS), ("random", sample)):
                    # the endpoint's own selection for a public tile without parameters (tiles/fast.py)
                    statements = [tile_sql(public_selection(series, t)[0], t) for t in tiles]
                    paths = [f"/tiles/{series}/{t.z}/{t.x}/{t.y}.mvt" for t in tiles]
                    tipg_paths = [
                        f"/collections/public.parcels_parcel/tiles/WebMercatorQuad/{t.z}/{t.x}/{t.y}"
                        f"?properties={','.join(PARCEL_FIELDS)}&filter=valid_to%20IS%20NULL"
                        for t in tiles
                    ]
                    sizes: dict = {}
                    # warm the cache (and the database) once, recording sizes
                    run_parallel(paths, http_worker(servers["cached"][1], sizes), 4)
                    if "tipg" in servers and series == "parcels":
                        run_parallel(tipg_paths, http_worker(servers["tipg"][1]), 4)  # statuses checked
                    for c in CONCURRENCY:
                        row = {"series": series, "z": z, "tiles": label, "c": c}
                        before = run_parallel(statements, sql_worker(dsn), c)
                        row["uncached"] = wrk_run(servers["uncached"][1], paths, c)
                        row["cached"] = wrk_run(servers["cached"][1], paths, c)
                        row["bare"] = wrk_run(servers["bare"][1], paths, c)
                        if "tipg" in servers and series == "parcels":
                            row["tipg"] = wrk_run(servers["tipg"][1], tipg_paths, c)
                        after = run_parallel(statements, sql_worker(dsn), c)
                        row["floor"] = {k: (before[k] + after[k]) / 2 for k in before}
                        row["floor_spread"] = (before["tiles_s"], after["tiles_s"])
                        results.append(row)
                        print_row(row, flush=True)
                    key = (series, z)
                    biggest = max(sizes.items(), key=lambda kv: kv[1])
                    largest[key] = max(largest.get(key, (None, 0)), biggest, key=lambda kv: kv[1])
    finally:
        stop(*(proc for proc, _port in servers.values()))
    print("\nLargest tile seen per zoom (hot tile + random sample), and the time of its SQL:")
    with psycopg.connect(dsn, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn:
        for (series, z), (path, size) in sorted(largest.items()):
            z_, x_, y_ = (int(v) for v in path.rsplit(".", 1)[0].split("/")[-3:])
            t = Tile(z_, x_, y_)
            t0 = time.perf_counter()
            conn.execute(*tile_sql(public_selection(series, t)[0], t)).fetchone()
            ms = (time.perf_counter() - t0) * 1000
            print(f"  {series:8s} z{z}: {size / 1024:7.1f} KB  {ms:6.1f} ms  {path}")
    out = ROOT / ".data" / "bench" / "tiles.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"results": results, "largest": {f"{s}/{z}": v for (s, z), v in largest.items()}},
                              indent=1))
    print(f"\nRaw figures: {out}")


def print_row(row: dict, flush: bool = False) -> None:
    def fmt(name):
        r = row.get(name)
        return f"{r['tiles_s']:7.0f}/s {r['p50']:6.1f} {r['p99']:6.1f}" if r else f"{'n/a':>21s}"

    floor = row["floor"]["tiles_s"]
    ratios = f"unc/floor {row['uncached']['tiles_s'] / floor:4.2f}  bare/floor {row['bare']['tiles_s'] / floor:4.2f}"
    ratios += f"  cached/floor {row['cached']['tiles_s'] / floor:5.2f}"
    if row.get("tipg"):
        ratios += f"  unc/tipg {row['uncached']['tiles_s'] / row['tipg']['tiles_s']:4.2f}"
    if not getattr(print_row, "header", False):
        print(f"{'series':8s} {'z':>2s} {'tiles':6s} {'c':>1s} | {'floor  tiles/s p50 p99 (ms)':>21s} | "
              f"{'uncached':>21s} | {'cached':>21s} | {'bare':>21s} | {'tipg':>21s} | ratios")
        print_row.header = True
    print(f"{row['series']:8s} {row['z']:2d} {row['tiles']:6s} {row['c']:1d} | {fmt('floor')} | {fmt('uncached')} | "
          f"{fmt('cached')} | {fmt('bare')} | {fmt('tipg')} | {ratios}", flush=flush)


if __name__ == "__main__":
    if not Path(WRK).exists():
        sys.exit("wrk is missing: run through `make bench-tiles` (scripts/system-deps.sh installs it)")
    main()
