"""Background work of the web process: a record's job started in a thread once its row is committed.

Imports and offline packages are rows claimed with ``SKIP LOCKED`` by whoever runs them; by default the web
process starts one in a daemon thread after the transaction that created (or queued) the row commits, so no
request holds a worker for minutes. With the setting named by ``enabled_setting`` false, the rows wait for a
worker command (``--pending``) or, in tests, for the test to run them itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction


def start_after_commit(run: Callable[[int], object], record_id: int, *, enabled_setting: str, name: str) -> None:
    def start() -> None:
        if getattr(settings, enabled_setting, True):
            threading.Thread(target=_run_then_close, args=(run, record_id), daemon=True, name=name).start()

    transaction.on_commit(start)


def _run_then_close(run: Callable[[int], object], record_id: int) -> None:
    try:
        run(record_id)
    finally:
        connection.close()  # the thread's own connection
