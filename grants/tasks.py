"""Land grants' jobs: after a draw, each batch's applicants are told (the case moves to "drawn" with its
timeline entry, and an SMS goes out), one job per batch of up to 260."""

from __future__ import annotations

from cases.events import event_apply
from grants.models import Allocation, AllocationStatus
from runtime.jobs import job


@job("grants.batch_announce")
def batch_announce(*, batch_id: int) -> None:
    case_ids = (Allocation.objects.filter(batch_id=batch_id, status=AllocationStatus.DRAWN)
                .values_list("application__case_id", flat=True).order_by("id"))
    for case_id in case_ids:
        event_apply(case_id=case_id, event="grant.drawn")  # taken once: a repeat finds the case already drawn
