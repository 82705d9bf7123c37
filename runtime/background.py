"""Who is building a record: the claim of imports and offline packages, inside their queue jobs.

Imports and offline packages are rows; a queue job (runtime/jobs.py) names the row, and whoever runs it claims
the row with ``SKIP LOCKED`` and a session-level advisory lock (below). The row, not the job, is the truth: a
job run twice (a retry, a stalled job handed back) finds the row taken or done and does nothing.
"""

from __future__ import annotations

from django.db import connection

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
