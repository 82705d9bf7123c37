"""Investment's reads: the public opportunities (no bidder data), the overdue rent."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from investment.models import PUBLIC_STATUSES, Instalment, Opportunity
from payments.models.bills import PAID_STATUSES


def public_opportunities(*, municipality_id: int | None = None) -> QuerySet[Opportunity]:
    """Published (and later) opportunities, newest closing first: what anyone may see."""
    qs = Opportunity.objects.filter(status__in=PUBLIC_STATUSES).select_related("site", "municipality")
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs.order_by("-bids_close_at", "pk")


def overdue_instalments(*, municipality_id: int, today: date | None = None) -> QuerySet[Instalment]:
    """Rent instalments past their due date whose bill is not paid."""
    today = today or timezone.localdate()
    return (Instalment.objects.filter(municipality_id=municipality_id, cancelled=False, due_on__lt=today)
            .exclude(bill__status__in=PAID_STATUSES).select_related("contract", "bill").order_by("due_on"))
