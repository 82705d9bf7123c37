"""The real queue worker (``manage.py procrastinate worker``) on the test database, as `make demo` runs it.

Tests that need jobs run use the ``worker`` fixture (tests/conftest.py): a transactional test (the worker sees
only committed rows), a worker process started for it and stopped after it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def worker_argv(*, concurrency: int = 2) -> list[str]:
    return [sys.executable, "manage.py", "procrastinate", "worker", "--concurrency", str(concurrency)]


class Worker:
    """A worker process; ``kill()`` is kill -9, ``start()`` starts another with the same environment."""

    def __init__(self, **extra_env: str):
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
                    "ARDH_DB_NAME": connection.settings_dict["NAME"], "PYTHONUNBUFFERED": "1", **extra_env}
        self.proc: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix="ardh-worker-", suffix=".log")[1])

    def start(self, timeout: float = 60) -> Worker:
        before = _worker_ids()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(worker_argv(), cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while not (_worker_ids() - before):  # a worker registers itself (procrastinate_workers) once it listens
            assert self.proc.poll() is None, f"the worker exited: {self.output()}"
            assert time.monotonic() < deadline, f"the worker did not start: {self.output()}"
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM (the worker finishes its jobs), SIGKILL after 30 s; its log goes (assertions quoted it)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.unlink(missing_ok=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def _worker_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM procrastinate_workers")
        return {row[0] for row in cursor.fetchall()}


def clear_queue() -> None:
    """Jobs left by earlier tests name rows that are gone (transactional tests flush every table but the
    queue's, which Django does not manage)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers,"
                       " procrastinate_workers CASCADE")


def wait_for(predicate, *, timeout: float = 60, what: str = "", worker: Worker | None = None):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}" + (
            f"\n{worker.output()}" if worker else "")
        time.sleep(0.1)
    return value
