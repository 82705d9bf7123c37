"""The cases' queue jobs (runtime/jobs.py; the worker discovers this module).

Expiry sweeps of later processes (a survey decision's validity, a licence's end) are their own periodic tasks in
their own ``tasks.py`` (``runtime.jobs.periodic`` is the registry): each knows what expiring means for it, and
none waits on another's (decision 017).
"""

from __future__ import annotations

import logging

from django.conf import settings

from cases import deadlines, events  # noqa: F401  (events: the cases.event job)
from runtime.jobs import periodic

logger = logging.getLogger(__name__)


@periodic("cases.sla_sweep", cron=settings.ARDH_CASES_SWEEP_CRON)
def sla_sweep(*, timestamp: int) -> None:
    """Reminders, escalations and delegations starting today (``cases.deadlines.sla_sweep``)."""
    done = deadlines.sla_sweep()
    if any(done.values()):
        logger.info("SLA sweep: %s", done)
