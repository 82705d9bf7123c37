"""Offline packages' queue jobs (runtime/jobs.py; the worker discovers this module)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from runtime.jobs import job, periodic
from tiles import offline_jobs
from tiles.models import OfflinePackage

S = OfflinePackage.Status


@job("tiles.build_package")
def build_package(*, package_id: int) -> None:
    """Build the package ``package_id``; nothing when it is built or another worker holds it."""
    offline_jobs.run_package(package_id)


@periodic("tiles.resume_packages", cron="*/5 * * * *")
def resume(*, timestamp: int) -> None:
    """Sweep: a package queued or building for over 5 minutes gets its job again (see imports.resume)."""
    stale = timezone.now() - timedelta(minutes=5)
    for pk in OfflinePackage.objects.filter(status__in=[S.QUEUED, S.RUNNING], updated_at__lt=stale).values_list(
            "pk", flat=True):
        offline_jobs.queue_build(pk)
