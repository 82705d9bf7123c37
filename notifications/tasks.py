"""The notifications' queue jobs (runtime/jobs.py; the worker discovers this module)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from notifications import services
from notifications.models import Delivery
from runtime.jobs import job, periodic


@job("notifications.send")
def send(*, delivery_id: int) -> None:
    """Send one delivery (at most once; retried with backoff while the provider fails)."""
    services.delivery_send(delivery_id)


@periodic("notifications.resume", cron="*/5 * * * *")
def resume(*, timestamp: int) -> None:
    """Sweep: a delivery still waiting after 10 minutes (its job lost or given up) gets a job again."""
    stale = timezone.now() - timedelta(minutes=10)
    for pk in Delivery.objects.filter(status=Delivery.Status.PENDING, updated_at__lt=stale).values_list(
            "pk", flat=True):
        services.queue_send(pk)
