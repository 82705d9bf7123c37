"""Workers scale horizontally (issue 23): two real workers on the same queue share the jobs and never run one
twice; a worker killed in the middle of a job leaves it to be handed back (``jobs.retry_stalled``) and another
worker runs it to the end."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection, transaction

from runtime.jobs import defer_after_commit, retry_stalled
from tests.worker import Worker, clear_queue, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def statuses() -> Counter:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM procrastinate_jobs WHERE task_name = 'scratch.mark' "
                       "GROUP BY status")
        return Counter(dict(cursor.fetchall()))


def lines(path: Path, step: str = "done") -> list[tuple[str, str]]:
    """(key, pid) of the jobs' lines of ``step`` (started, done)."""
    found = [line.split() for line in path.read_text().splitlines()] if path.exists() else []
    return [(key, pid) for s, key, pid in found if s == step]


@pytest.fixture
def two_workers():
    clear_queue()
    workers = [Worker().start(), Worker().start()]
    try:
        yield workers
    finally:
        for w in workers:
            w.stop()


def test_two_workers_share_the_queue_and_run_each_job_once(two_workers):
    out = Path(tempfile.mkstemp(prefix="ardh-marks-")[1])
    out.unlink()
    with transaction.atomic():
        for i in range(60):
            defer_after_commit("scratch.mark", path=str(out), key=f"job-{i}", sleep_s=0.05)
    wait_for(lambda: statuses()["succeeded"] == 60, timeout=120, what="60 jobs done", worker=two_workers[0])
    done = lines(out)
    keys = Counter(key for key, _pid in done)
    assert len(done) == 60 and set(keys.values()) == {1}  # each job once, none twice
    pids = {pid for _key, pid in done}
    assert pids <= {str(w.proc.pid) for w in two_workers} and len(pids) == 2  # both took a share
    out.unlink()


def test_a_job_of_a_killed_worker_is_handed_back_and_finished_by_another(two_workers):
    first, second = two_workers
    out = Path(tempfile.mkstemp(prefix="ardh-marks-")[1])
    out.unlink()
    with transaction.atomic():
        defer_after_commit("scratch.mark", path=str(out), key="long", sleep_s=4)
    started = wait_for(lambda: lines(out, "started"), what="the job started", worker=first)
    running = first if started[0][1] == str(first.proc.pid) else second
    other = second if running is first else first
    running.kill()  # kill -9 in the middle of the job: nothing written
    time.sleep(2.5)  # its heartbeat stops
    assert lines(out) == [] and statuses()["doing"] == 1
    assert retry_stalled(seconds_since_heartbeat=2) == 1
    wait_for(lambda: statuses()["succeeded"] == 1, timeout=60, what="the job finished by the other worker",
             worker=other)
    assert [key for key, _pid in lines(out)] == ["long"] and lines(out)[0][1] == str(other.proc.pid)
    out.unlink()
