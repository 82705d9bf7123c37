"""Reads of land grants: the queue and an application's rank, the plot pool over the registers, lotteries and
allocations for the map and the inquiry."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from grants.models import (
    Allocation,
    AllocationStatus,
    EntitlementBand,
    GrantApplication,
    GrantStatus,
    PlotAssessment,
    Programme,
)
from parcels.models import LandReservation, Parcel, SubdivisionPlan
from parcels.models.parcel import LandUse, ParcelStatus

QUEUE_ORDER = ("-priority_points", "applied_at", "id")

# The parcels whose point lies in a zone whose regulation does not allow homes: found from the zones' side (few
# such zones, each probing the parcels' GiST index) — one set, not one zone lookup per plot of the pool.
NO_HOMES_ZONE_SQL = """
SELECT p.id FROM parcels_zone z
JOIN parcels_zoningregulation r ON r.id = z.regulation_id
JOIN parcels_parcel p ON p.geom && z.geom AND ST_Contains(z.geom, ST_PointOnSurface(p.geom))
WHERE z.municipality_id = %s AND NOT (r.allowed_uses @> ARRAY[%s]::varchar(24)[])
"""


def queue(*, programme: Programme) -> QuerySet[GrantApplication]:
    """The programme's applications waiting for a plot, first in rank first (more priority points, then the
    earlier application)."""
    return GrantApplication.objects.filter(programme=programme, status=GrantStatus.QUEUED).order_by(*QUEUE_ORDER)


def rank_of(application: GrantApplication) -> int | None:
    """1 for the first in the queue; None once the application has left it (drawn, allocated, withdrawn...)."""
    if application.status != GrantStatus.QUEUED:
        return None
    ahead = queue(programme=application.programme).filter(
        Q(priority_points__gt=application.priority_points)
        | Q(priority_points=application.priority_points, applied_at__lt=application.applied_at)
        | Q(priority_points=application.priority_points, applied_at=application.applied_at, id__lt=application.pk))
    return ahead.count() + 1


def plot_pool(*, programme: Programme, band: EntitlementBand | None = None) -> QuerySet[Parcel]:
    """The plots a programme may draw: current parcels of the municipality's approved grants plans, vacant,
    residential, not in a zone whose regulation forbids homes, not found unbuildable, not reserved and not
    allocated, of an area within the programme's bands (or ``band``'s). Unordered."""
    bands = [band] if band is not None else list(programme.bands.all())
    if not bands:
        return Parcel.objects.none()
    areas = Q()
    for b in bands:
        areas |= Q(area_m2__gte=b.plot_min_m2, area_m2__lte=b.plot_max_m2)
    plans = SubdivisionPlan.objects.filter(municipality_id=programme.municipality_id,
                                           purpose=SubdivisionPlan.Purpose.GRANTS,
                                           status=SubdivisionPlan.Status.APPROVED)
    # The plans' ids as values, not a subquery: the planner then reads their parcels by the plan index (a subquery's
    # row estimate sent it through the whole parcel table).
    plan_ids = list(plans.values_list("pk", flat=True))
    reserved = LandReservation.objects.filter(parcel=OuterRef("pk"), released_on__isnull=True)
    allocated = Allocation.objects.filter(parcel=OuterRef("pk")).exclude(
        status__in=[AllocationStatus.REPLACED, AllocationStatus.CANCELLED])
    unbuildable = PlotAssessment.objects.filter(parcel=OuterRef("pk"), buildable=False)
    return (Parcel.objects.filter(municipality_id=programme.municipality_id, plan_id__in=plan_ids,
                                  valid_to__isnull=True, status=ParcelStatus.VACANT, land_use=LandUse.RESIDENTIAL)
            .filter(areas)
            .exclude(pk__in=RawSQL(NO_HOMES_ZONE_SQL, [programme.municipality_id, LandUse.RESIDENTIAL.value]))  # noqa: S611 (fixed SQL, bound values)
            .exclude(Exists(reserved)).exclude(Exists(allocated)).exclude(Exists(unbuildable))
            .order_by())


def band_of_area(bands: list[EntitlementBand], area: float) -> EntitlementBand | None:
    """The first band (smallest families first) whose plot range holds ``area``."""
    return next((b for b in bands if b.plot_min_m2 <= area <= b.plot_max_m2), None)


def application_by_inquiry(*, number: str, national_id: str) -> GrantApplication | None:
    """The application with this number whose applicant has this ID — None for any mismatch (the inquiry says
    the same thing whether the number exists or not)."""
    return (GrantApplication.objects.select_related("programme", "band", "applicant", "case")
            .filter(number=str(number).strip()[:32], applicant__national_id=str(national_id).strip()[:10]).first())


def live_allocation(application: GrantApplication) -> Allocation | None:
    return (application.allocations.exclude(status__in=[AllocationStatus.REPLACED, AllocationStatus.CANCELLED])
            .select_related("parcel__plan", "lottery").first())
