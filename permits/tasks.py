"""The permits' jobs: issued permits whose term ended before construction started expire, once a day (the
queue's worker runs it; ``permits.services.workflow.permits_expire_due``)."""

from __future__ import annotations

from permits.services.workflow import permits_expire_due
from runtime.jobs import periodic


@periodic("permits.expire", cron="10 21 * * *")  # just after midnight in Riyadh
def expire(*, timestamp: int) -> None:
    permits_expire_due()
