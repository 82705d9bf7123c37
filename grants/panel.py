"""What the inbox's case page shows of a land-grant case (``CaseType.detail_context``): the programme, every
eligibility rule with its result and source, the facts checked, the rank in the queue and the plot."""

from __future__ import annotations

from cases.models import Case
from grants.models import GrantApplication
from grants.selectors import live_allocation, rank_of


def panel_context(case: Case, actor) -> dict:
    application = (GrantApplication.objects.select_related("programme", "band").filter(case=case).first())
    if application is None:
        return {"case": case, "application": None}
    return {"case": case, "application": application, "rank": rank_of(application),
            "checks": list(application.checks.all()), "allocation": live_allocation(application)}
