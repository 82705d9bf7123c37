"""Reads of the outbox, scoped by tenant."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.permissions import REGISTERS_READ
from accounts.selectors import municipality_ids_with
from notifications.models import Delivery


def outbox_for(user) -> QuerySet[Delivery]:
    """The deliveries a staff member may read: those of the municipalities they work in (all: superusers)."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return Delivery.objects.none()
    qs = Delivery.objects.select_related("notification", "municipality").order_by("-created_at", "-pk")
    ids = municipality_ids_with(user, REGISTERS_READ)
    return qs if ids is None else qs.filter(municipality_id__in=ids)
