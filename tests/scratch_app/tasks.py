"""Queue jobs of the test settings only (the worker of the tests discovers them, as it does each app's)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.db import connection

from runtime.jobs import job


@job("scratch.probe", retry=False)
def probe(*, path: str, sleep_s: float) -> None:
    """Sleeps in SQL, then writes what the job's connection saw: its statement timeout and how long it took."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [sleep_s])
        cursor.execute("SHOW statement_timeout")
        timeout = cursor.fetchone()[0]
    Path(path).write_text(json.dumps({"timeout": timeout, "took": time.monotonic() - started}))


@job("scratch.mark", retry=3)
def mark(*, path: str, key: str, sleep_s: float = 0.0) -> None:
    """Appends "started <key> <worker's process id>" to ``path``, sleeps, then "done <key> <pid>" (a line, a
    write)."""
    import os

    for step in ("started", "done"):
        with open(path, "a") as out:
            out.write(f"{step} {key} {os.getpid()}\n")
        if step == "started":
            time.sleep(sleep_s)


@job("scratch.chain", retry=False)
def chain(*, path: str, fail: bool, sleep_s: float = 0.0) -> None:
    """Queues ``scratch.mark`` (key "child") inside its transaction, sleeps there, then fails (a rollback) or
    commits and appends "committed parent <pid>" to ``path``: the child must run after the commit, or never."""
    from django.db import transaction

    from runtime.jobs import defer_after_commit

    with transaction.atomic():
        defer_after_commit("scratch.mark", path=path, key="child")
        time.sleep(sleep_s)
        if fail:
            raise RuntimeError("the parent fails: its child job goes with it")
    import os

    with open(path, "a") as out:
        out.write(f"committed parent {os.getpid()}\n")
