"""Reads of the registers. Tenant scoping happens here, so no list leaks another municipality."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import Municipality
from parcels.models import Parcel


def municipality_summaries() -> QuerySet[Municipality]:
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from parcels.models import District, Street, SubdivisionPlan, Zone

    def count_of(model, extra: Q | None = None):
        sub = (
            model.objects.filter(extra or Q(), municipality=OuterRef("pk"))
            .order_by()
            .values("municipality")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(sub, output_field=IntegerField()), 0)

    return Municipality.objects.order_by("code").annotate(
        n_districts=count_of(District),
        n_plans=count_of(SubdivisionPlan),
        n_parcels=count_of(Parcel, Q(valid_to__isnull=True)),
        n_streets=count_of(Street),
        n_zones=count_of(Zone),
    ).defer("boundary")


def parcels_current(*, municipality) -> QuerySet[Parcel]:
    return Parcel.objects.filter(municipality=municipality, valid_to__isnull=True)


def parcel_lineage(*, parcel: Parcel) -> dict[str, list[Parcel]]:
    """The parcels this one came from and the ones it became."""
    return {
        "parents": list(parcel.parents.order_by("number")),
        "children": list(parcel.children.order_by("number")),
    }


def land_use_summary(qs: QuerySet) -> list[dict]:
    rows = qs.order_by().values("land_use").annotate(count=Count("pk"), area_m2=Sum("area_m2")).order_by("land_use")
    return [{"land_use": r["land_use"], "count": r["count"], "area_m2": round(r["area_m2"] or 0, 2)} for r in rows]
