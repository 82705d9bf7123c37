"""Import benchmark: N generated parcels in a GeoPackage, imported with full validation and topology
checks, next to ``ogr2ogr -f PostgreSQL`` (PG_USE_COPY=YES) of the same file, measured in the same run.

    make bench-import                      # 1,000,000 parcels
    BENCH_IMPORT_PARCELS=100000 make bench-import

Both runs are child processes so each one's peak RSS is its own (os.wait4). The import is
``manage.py import_parcels --commit`` into a fresh scratch municipality (all parcels new), then
once more (all unchanged: the idempotent re-import a municipality does every delivery).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

import geopandas as gpd  # noqa: E402
import shapely  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import GEOSGeometry  # noqa: E402
from django.db import connection  # noqa: E402
from shapely.geometry import MultiPolygon  # noqa: E402

from config import env  # noqa: E402
from fixtures.generator import build_city  # noqa: E402
from fixtures.loader import purge_municipality  # noqa: E402
from parcels.models import Municipality, Parcel, SubdivisionPlan  # noqa: E402

CODE = "bench-import"
SCRATCH = "bench_ogr2ogr_scratch"


def _geos(g):
    return GEOSGeometry(memoryview(g.wkb), srid=4326)


def write_gpkg(city, path: Path) -> int:
    plan_numbers = {p["index"]: p["number"] for p in city.plans()}
    n = 0
    for batch in city.parcel_batches():
        df = gpd.GeoDataFrame({
            "plan_number": [plan_numbers[int(i)] for i in batch.plan_index],
            "parcel_number": [str(v) for v in batch.number],
            "land_use": batch.land_use, "status": batch.status, "deed_number": batch.deed_number,
        }, geometry=list(batch.geom), crs="EPSG:4326")
        df.to_file(path, driver="GPKG", layer="parcels", engine="pyogrio", append=n > 0)
        n += len(df)
    return n


def scratch_municipality(city) -> Municipality:
    old = Municipality.objects.filter(code=CODE).first()
    if old is not None:
        purge_municipality(old)
    m = city.municipality()
    plans = city.plans()
    # The generator's octagonal outline cuts through corner plans (their parcels lie partly outside
    # it); the benchmark wants a clean file, so the scratch municipality is the plans' extent + ~1 km.
    extent = shapely.box(*shapely.total_bounds([p["geom"] for p in plans])).buffer(0.01, join_style="mitre")
    muni = Municipality.objects.create(**{**m, "code": CODE, "boundary": _geos(MultiPolygon([extent]))})
    SubdivisionPlan.objects.bulk_create([
        SubdivisionPlan(municipality=muni, number=p["number"], name_ar=p["name_ar"], geom=_geos(p["geom"]))
        for p in plans
    ])
    return muni


def live_write_floor(muni: Municipality, written: int) -> tuple[float, float]:
    """The cheapest write of the file's rows into the live parcels table: (insert s, FK checks s).

    One ``INSERT ... SELECT`` from ogr2ogr's scratch table (plans resolved by a join; no validation, no
    topology, no history) with the import's session settings, then ``SET CONSTRAINTS ALL IMMEDIATE`` so the
    deferred foreign-key checks an import pays at COMMIT are paid here, then ROLLBACK. The table's own
    CHECKs, generated area, indexes and foreign keys all run: that is what any write into the register costs.
    The rolled-back rows are vacuumed away so the import after it meets the table as it was.
    """
    with connection.cursor() as cur:
        cur.execute("SELECT f_geometry_column FROM geometry_columns WHERE f_table_name = %s", [SCRATCH])
        geom = cur.fetchone()[0]
        cur.execute("BEGIN")
        try:
            cur.execute("SET LOCAL jit = off; SET LOCAL work_mem = '128MB'; SET LOCAL maintenance_work_mem = '256MB'")
            t = time.perf_counter()
            cur.execute(f"""
                INSERT INTO parcels_parcel (created_at, updated_at, version, valid_from, municipality_id, plan_id,
                                            number, land_use, status, deed_number, geom)
                SELECT now(), now(), 1, now(), %(muni)s, pl.id, s.parcel_number, s.land_use,
                       COALESCE(s.status, 'vacant'), COALESCE(s.deed_number, ''), s.{geom}
                FROM {SCRATCH} s JOIN parcels_subdivisionplan pl
                  ON pl.municipality_id = %(muni)s AND pl.number = s.plan_number
            """, {"muni": muni.pk})  # noqa: S608 (constants and the catalogue's column name)
            inserted = cur.rowcount
            insert_s = time.perf_counter() - t
            t = time.perf_counter()
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            fk_s = time.perf_counter() - t
        finally:
            cur.execute("ROLLBACK")
        assert inserted == written, (inserted, written)
    assert not Parcel.objects.filter(municipality=muni).exists(), "the floor's rollback left rows behind"
    with connection.cursor() as cur:
        cur.execute("VACUUM parcels_parcel")
    return insert_s, fk_s


def _watch_hwm(pid: int, peak: list[int], stop: threading.Event) -> None:
    # VmHWM is the process's own high-water mark (getrusage of a forked child would include ours).
    while not stop.is_set():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]))
        except OSError:
            return
        stop.wait(0.1)


def timed(cmd: list[str], env_extra: dict | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env_extra or {})},  # noqa: S603
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, stop = [0], threading.Event()
    watcher = threading.Thread(target=_watch_hwm, args=(proc.pid, peak, stop), daemon=True)
    watcher.start()
    out = proc.stdout.read()
    code = proc.wait()
    seconds = time.perf_counter() - started
    stop.set()
    watcher.join()
    if code != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out[-3000:]}")
    return seconds, peak[0] / 1024, out


def main() -> None:
    n = env.integer("BENCH_IMPORT_PARCELS", 1_000_000)
    db = settings.DATABASES["default"]
    print(f"import benchmark: {n:,} generated parcels; load average {os.getloadavg()[0]:.2f} (2 cores, shared)")
    with tempfile.TemporaryDirectory(prefix="ardh-bench-") as tmp:
        gpkg = Path(tmp) / "parcels.gpkg"
        t = time.perf_counter()
        city = build_city(seed=1447, parcels=n)
        written = write_gpkg(city, gpkg)
        print(f"  wrote {written:,} parcels to GeoPackage ({gpkg.stat().st_size / 1024**2:.0f} MB) "
              f"in {time.perf_counter() - t:.0f} s")
        muni = scratch_municipality(city)
        del city

        pg = (f"PG:host={db['HOST']} port={db['PORT']} dbname={db['NAME']} user={db['USER']}"
              + (f" password={db['PASSWORD']}" if db["PASSWORD"] else ""))
        ogr_s, ogr_rss, _ = timed(["ogr2ogr", "-f", "PostgreSQL", pg, str(gpkg), "parcels", "-nln", SCRATCH,
                                   "-overwrite", "-nlt", "MULTIPOLYGON"], {"PG_USE_COPY": "YES"})
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {SCRATCH}")  # noqa: S608 (a constant)
            assert cur.fetchone()[0] == written
        floor_insert_s, floor_fk_s = live_write_floor(muni, written)
        floor_s = floor_insert_s + floor_fk_s
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE {SCRATCH}")

        manage = [sys.executable, "manage.py", "import_parcels", str(gpkg), "--municipality", CODE, "--commit",
                  "--map", "number=parcel_number", "--json"]
        imp_s, imp_rss, out = timed(manage)
        first = json.loads(out[out.index("{"):])
        assert first["committed"] and first["diff"]["new"] == written, out[-3000:]
        again_s, again_rss, out2 = timed(manage)
        second = json.loads(out2[out2.index("{"):])
        assert second["diff"]["unchanged"] == written, out2[-3000:]

    rows = [
        ("ogr2ogr -f PostgreSQL (PG_USE_COPY=YES), no checks", ogr_s, ogr_rss),
        ("import_parcels --commit (new, full validation + topology)", imp_s, imp_rss),
        ("import_parcels --commit again (all unchanged)", again_s, again_rss),
    ]
    print(f"\n  {'run':<62} {'seconds':>8} {'features/s':>11} {'peak RSS':>9}")
    for name, s, rss in rows:
        print(f"  {name:<62} {s:8.1f} {written / s:11,.0f} {rss:7.0f} MB")
    print(f"  {'live-table write floor: INSERT ... SELECT from the scratch table':<62} {floor_s:8.1f} "
          f"{written / floor_s:11,.0f} {'-':>9}")
    print(f"    (rolled back: insert {floor_insert_s:.1f} s + deferred foreign-key checks {floor_fk_s:.1f} s; "
          "no validation, topology or history)")
    print(f"\n  ratio import / ogr2ogr (features/s): {ogr_s / imp_s:.2f}x  (re-import: {ogr_s / again_s:.2f}x)")
    print(f"  ratio live-table write floor / ogr2ogr: {ogr_s / floor_s:.2f}x; "
          f"import / live-table write floor: {floor_s / imp_s:.2f}x")
    t = first["timings"]
    write_s = sum(t.get(k, 0) for k in ("write_changed", "write_new", "write_retired", "commit"))
    print(f"  the import's own write (+ history rows, COMMIT): {write_s:.1f} s = {floor_s / write_s:.2f}x the floor")
    print(f"  import phases (s): {first['timings']}")
    print(f"  re-import phases (s): {second['timings']}")
    print(f"  load average at the end: {os.getloadavg()[0]:.2f}")
    purge_municipality(Municipality.objects.get(code=CODE))


if __name__ == "__main__":
    main()
