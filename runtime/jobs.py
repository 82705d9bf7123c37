"""The job queue: procrastinate on the project's own PostgreSQL (docs/decisions/012-job-queue.md).

- ``job(name)`` declares a task (retried with backoff); ``periodic(name, cron=...)`` one the worker defers on a
  schedule (SLA reminders, escalations, expiry sweeps: each app declares its own in its ``tasks.py``, which the
  worker discovers).
- ``defer_after_commit(name, **kwargs)`` queues a task: the job row is written in the caller's transaction, so
  the worker sees it only once that transaction commits (never for a rolled-back write) and a committed write
  never loses its job (no window between the commit and the queueing).
- The worker is ``manage.py procrastinate worker`` (``make demo`` starts one beside the server; compose runs a
  ``worker`` service). Tasks run in threads of the worker; each task's database connection is closed when it
  ends, so session state (advisory locks included) never outlives the task.

Tasks receive record ids and must be idempotent: a job may run again (retry, a worker killed mid-job whose job
the ``jobs.retry_stalled`` sweep hands back). The records stay the truth: imports and offline packages claim
their row with the advisory lock of ``runtime/background.py``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.db import close_old_connections, connection, transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.manager import JobManager
from procrastinate.sql import queries

logger = logging.getLogger(__name__)

# 5 attempts: at once, then after about 2, 4, 8 and 16 s (+ 1 s each): a passing fault (a connection reset, a
# provider's 503) heals; a lasting one ends "failed" in the queue and on the record.
DEFAULT_RETRY = RetryStrategy(max_attempts=5, wait=1, exponential_wait=2)


def _closing(func: Callable) -> Callable:
    @functools.wraps(func)
    def run(*args, **kwargs):
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            connection.close()  # this thread's own connection: no session state survives the task

    return run


def job(name: str, *, retry: RetryStrategy | int | bool = DEFAULT_RETRY, queue: str = "default", **options):
    """Declare ``func`` as the task ``name`` (keyword arguments only, JSON-serialisable)."""

    def declare(func: Callable) -> Callable:
        app.task(name=name, retry=retry, queue=queue, pass_context=False, **options)(_closing(func))
        return func

    return declare


def periodic(name: str, *, cron: str, retry: RetryStrategy | int | bool = False, queue: str = "default"):
    """Declare ``func`` (no arguments but ``timestamp``, the tick's Unix time) as a task the worker defers on
    ``cron`` (5 fields, or 6 with seconds first). One worker defers each tick, however many run."""

    def declare(func: Callable) -> Callable:
        task = app.task(name=name, retry=retry, queue=queue, pass_context=False)(_closing(func))
        app.periodic(cron=cron, periodic_id=name)(task)
        return func

    return declare


# The job row is always written through Django's connection, in the caller's transaction. Inside the worker,
# ``manage.py procrastinate worker`` runs the app on a psycopg pool of its own: a job a task deferred through the
# app went out on another connection and was committed at once — before the task's own writes (a notification's
# delivery, found missing by its job, was never sent) or even without them (a task rolled back).
_IN_TRANSACTION = JobManager(DjangoConnector())


def defer_after_commit(name: str, *, queueing_lock: str | None = None, **kwargs) -> int | None:
    """Queue the task ``name`` with ``kwargs`` as part of the current transaction (in a web request as in a task
    the worker runs); its job id.

    With ``queueing_lock``, a job with the same lock still waiting makes this one unnecessary: None.
    """
    job = app.configure_task(name, allow_unknown=False, queueing_lock=queueing_lock).make_new_job(**kwargs)
    if queueing_lock is None:  # nothing to refuse it: no savepoint (two round trips less on a hot path)
        return _IN_TRANSACTION.defer_job(job).id
    try:
        with transaction.atomic():  # a savepoint: a refused queueing lock does not spoil the caller's transaction
            return _IN_TRANSACTION.defer_job(job).id
    except AlreadyEnqueued:
        return None


# --- Built-in periodic jobs of the queue itself ---------------------------------------------------------------
STALLED_AFTER_S = 60  # a running job whose worker has sent no heartbeat for this long lost its worker


def retry_stalled(*, seconds_since_heartbeat: float = STALLED_AFTER_S) -> int:
    """Hand back to the queue the jobs of workers that died (kill -9, a lost machine); how many.

    Procrastinate's own queries (workers send a heartbeat every few seconds), on this thread's connection."""
    with connection.cursor() as cursor:
        cursor.execute(queries["select_stalled_jobs_by_heartbeat"],
                       {"queue": None, "task_name": None, "seconds_since_heartbeat": seconds_since_heartbeat})
        ids = [row[0] for row in cursor.fetchall()]
        for job_id in ids:
            cursor.execute(queries["retry_job"], {"job_id": job_id, "retry_at": None, "new_priority": None,
                                                  "new_queue_name": None, "new_lock": None})
    if ids:
        logger.warning("stalled job(s) %s handed back to the queue", ids)
    return len(ids)


@periodic("jobs.retry_stalled", cron="* * * * *")
def retry_stalled_task(*, timestamp: int) -> None:
    retry_stalled()


@periodic("jobs.remove_old_jobs", cron="17 3 * * *")
def remove_old_jobs_task(*, timestamp: int) -> None:
    """Expiry sweep of the queue itself: finished jobs older than 30 days go (the records keep their outcome)."""
    with connection.cursor() as cursor:
        cursor.execute(queries["delete_old_jobs"], {"nb_hours": 30 * 24, "queue": None,
                                                    "statuses": ["succeeded", "failed", "cancelled", "aborted"]})


@job("jobs.ping", retry=False)
def ping() -> None:
    """Does nothing: `make bench-jobs` measures how soon a committed job starts."""
