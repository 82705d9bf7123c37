"""`make bench-jobs`: how soon a job starts after the transaction that queued it commits, on an idle worker.

A worker (`manage.py procrastinate worker`, as `make demo` runs it) on the bench database; then, one at a time,
BENCH_JOBS (default 50) jobs `jobs.ping`, each queued in a transaction of its own, with a pause between them so
the worker is idle each time. The latency of a job is the time of its `started` event (procrastinate_events,
written by the worker when it takes the job) minus the moment the client's COMMIT returned. Goal: <= 1 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL_S = 1.0


def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()


def start_worker():
    from django.db import connection

    from bench.servers import popen_tied

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev",
           "ARDH_DB_NAME": connection.settings_dict["NAME"]}
    before = _workers()
    proc = popen_tied([sys.executable, "manage.py", "procrastinate", "worker"], cwd=ROOT, env=env,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (_workers() - before):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the worker did not start")
        time.sleep(0.1)
    return proc


def _workers() -> set[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM procrastinate_workers")
        return {r[0] for r in cursor.fetchall()}


def _started_at(job_id: int) -> float | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM at) FROM procrastinate_events WHERE job_id = %s"
                       " AND type = 'started'", [job_id])
        row = cursor.fetchone()
    return float(row[0]) if row else None


def measure(n: int, *, pause_s: float = 0.3, timeout_s: float = 30) -> list[float]:
    """Latencies (s) of ``n`` jobs, each queued and committed alone on an idle worker."""
    from django.db import transaction

    from runtime.jobs import defer_after_commit

    latencies = []
    for _ in range(n):
        time.sleep(pause_s)  # the worker idles, listening
        with transaction.atomic():
            job_id = defer_after_commit("jobs.ping")
        committed = time.time()
        deadline = time.monotonic() + timeout_s
        while (started := _started_at(job_id)) is None:
            if time.monotonic() > deadline:
                raise SystemExit(f"job {job_id} did not start within {timeout_s} s")
            time.sleep(0.002)
        latencies.append(max(0.0, started - committed))
    return latencies


def main() -> None:
    from bench.servers import stop

    setup_django()
    n = int(os.environ.get("BENCH_JOBS", "50"))
    worker = start_worker()
    try:
        lat = sorted(measure(n))
    finally:
        stop(worker)
    p95 = lat[min(len(lat) - 1, round(0.95 * len(lat)) - 1)]
    median = statistics.median(lat)
    print(f"job start after commit, idle worker, {n} jobs: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms,"
          f" max {lat[-1] * 1000:.1f} ms   (goal: <= {GOAL_S * 1000:.0f} ms)"
          f"   {'MET' if p95 <= GOAL_S else 'NOT MET'}")


if __name__ == "__main__":
    main()
