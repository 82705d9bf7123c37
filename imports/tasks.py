"""The import pipeline's queue jobs (runtime/jobs.py; the worker discovers this module)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from imports import jobs
from imports.models import ImportJob
from runtime.jobs import job, periodic

S = ImportJob.Status


@job("imports.run")
def run(*, job_id: int) -> None:
    """Check or commit the import ``job_id``; nothing when it is done or another worker holds it."""
    jobs.run_job(job_id)


@periodic("imports.resume", cron="*/5 * * * *")
def resume(*, timestamp: int) -> None:
    """Sweep: an import waiting or running for over 5 minutes gets its job again (a job lost or given up, a row
    queued before the queue existed). A live worker's row stays with it (its advisory lock); a queued job
    already waiting is not doubled (queueing lock)."""
    stale = timezone.now() - timedelta(minutes=5)
    waiting = [S.QUEUED, S.COMMIT_QUEUED, S.RUNNING, S.COMMITTING]
    for pk in ImportJob.objects.filter(status__in=waiting, updated_at__lt=stale).values_list("pk", flat=True):
        jobs.queue_run(pk)
