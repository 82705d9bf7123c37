"""Reads of the fee schedules: the lines in force for a municipality on a day, as the admin lists them."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from payments.models import FeeRule


def in_force(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def rules_in_force(*, municipality, service: str, on: date) -> list[FeeRule]:
    """For each line code of ``service``: the municipality's override in force on ``on`` if there is one, else
    the national line; of the municipality's category before a line for every category. Ordered by position."""
    category = municipality.fee_category
    rows = (FeeRule.objects.filter(in_force(on), service=service)
            .filter(Q(municipality__isnull=True) | Q(municipality_id=municipality.pk))
            .filter(Q(category__isnull=True) | Q(category=category)))
    chosen: dict[str, FeeRule] = {}
    for row in rows:
        rank = (row.municipality_id is not None, row.category is not None)
        best = chosen.get(row.line)
        if best is None or rank > (best.municipality_id is not None, best.category is not None):
            chosen[row.line] = row
    return sorted(chosen.values(), key=lambda r: (r.position, r.line))


def schedule_visible_to(*, municipality_ids: list[int] | None) -> QuerySet[FeeRule]:
    """The national lines and the overrides of these municipalities (None: every municipality's)."""
    qs = FeeRule.objects.select_related("municipality")
    if municipality_ids is None:
        return qs
    return qs.filter(Q(municipality__isnull=True) | Q(municipality_id__in=municipality_ids))


def services() -> list[str]:
    return list(FeeRule.objects.order_by("service").values_list("service", flat=True).distinct())
