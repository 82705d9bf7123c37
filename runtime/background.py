"""Background work of the web process: a record's job started in a thread once its row is committed.

Imports and offline packages are rows claimed with ``SKIP LOCKED`` by whoever runs them; by default the web
process starts one in a daemon thread after the transaction that created (or queued) the row commits, so no
request holds a worker for minutes. With the setting named by ``enabled_setting`` false, the rows wait for a
worker command (``--pending``) or, in tests, for the test to run them itself.

The thread has a database connection of its own, which no request used: the request statement timeout
(runtime/statement_timeout.py) does not apply to it.
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


# --- Who is building a record --------------------------------------------------------------------
# A worker that claims a record also takes a session-level advisory lock on it, inside the claiming
# transaction. PostgreSQL releases that lock when the worker's connection ends, however the process
# ended (kill -9 included), so a record marked running whose lock is free has lost its worker and can
# be claimed again. No heartbeat and no timeout to tune.


def try_hold(namespace: int, record_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, record_id])
        return bool(cursor.fetchone()[0])


def claim_row(rows, *, waiting: dict, orphaned: dict, namespace: int):
    """Inside a transaction: the oldest waiting row of ``rows`` (a ``select_for_update(skip_locked=True)``
    queryset), else the oldest running row whose worker is gone; its worker lock taken. None if neither."""
    row = rows.filter(**waiting).order_by("created_at").first()
    if row is not None:
        return row if try_hold(namespace, row.pk) else None
    return next((r for r in rows.filter(**orphaned).order_by("created_at") if try_hold(namespace, r.pk)), None)


def release(namespace: int, record_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, record_id])
