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


def demo_sms(limit: int = 50) -> QuerySet[Delivery]:
    """The latest SMS of every municipality (the demo's public outbox: ``ARDH_OUTBOX_PUBLIC``)."""
    ids = list(Delivery.objects.filter(channel="sms").order_by("-created_at", "-pk").values_list("pk", flat=True)
               [:limit])
    return Delivery.objects.filter(pk__in=ids).select_related("notification", "municipality").order_by(
        "-created_at", "-pk")
