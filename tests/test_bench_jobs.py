"""`make bench-jobs` measures what it says: a job's start after its commit, read from the worker's own event.
(Not a timed test: the figure itself is the benchmark's.)"""

from bench.jobs_bench import measure


def test_the_bench_measures_jobs_run_by_the_worker(worker):
    latencies = measure(3, pause_s=0.05)
    assert len(latencies) == 3 and all(0 <= s < 30 for s in latencies)
