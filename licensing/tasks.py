"""Licensing's daily jobs (the queue's worker runs them): licenses past their expiry expire (their child permits
with them), owners are told when their renewal window opens, and the risk-based schedule plans the visits due."""

from __future__ import annotations

from accounts.models import Municipality
from licensing.schedule import licenses_expire_due, renewal_reminders_send, visits_schedule_due
from runtime.jobs import periodic


@periodic("licensing.daily", cron="20 21 * * *")  # just after midnight in Riyadh
def daily(*, timestamp: int) -> None:
    licenses_expire_due()
    renewal_reminders_send()
    for municipality_id in Municipality.objects.values_list("pk", flat=True):
        visits_schedule_due(municipality_id=municipality_id)
