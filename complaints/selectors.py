"""Where a report goes and what it may duplicate: the district polygon containing the pin (and whether the pin is
near its edge), the handler for the category there, and open reports of the category nearby."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import Municipality
from complaints.models import Category, Complaint, Routing
from parcels.models import District

NEAR_EDGE_M = 25  # a pin this close to a district's edge may belong to the next one: the citizen confirms


@dataclass
class Route:
    inside: bool
    district: District | None = None
    near_edge: bool = False
    handler_id: int | None = None
    role: str = ""


_EDGE_SQL = """SELECT ST_Distance(ST_Boundary(d.geom)::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)
FROM parcels_district d WHERE d.id = %s"""


def route(*, municipality: Municipality, point: Point, category: Category, recipient: str = "municipality") -> Route:
    """The district containing ``point`` and who handles ``category`` there; ``inside=False`` when the point is
    not in the municipality at all."""
    if not Municipality.objects.filter(pk=municipality.pk, boundary__intersects=point).exists():
        return Route(inside=False)
    district = District.objects.filter(municipality=municipality, geom__intersects=point).only(
        "pk", "code", "name_ar", "name_en").first()
    near = False
    if district is not None:
        with connection.cursor() as cursor:
            cursor.execute(_EDGE_SQL, [point.x, point.y, district.pk])
            near = cursor.fetchone()[0] < NEAR_EDGE_M
    if recipient == "council":
        return Route(inside=True, district=district, near_edge=near, role="council_secretary")
    rows = Routing.objects.filter(Q(district=district) | Q(district__isnull=True),
                                  Q(category=category) | Q(category__isnull=True), municipality=municipality)
    best = sorted(rows, key=lambda r: (r.category_id is None, r.district_id is None))  # the category first
    if best:
        return Route(inside=True, district=district, near_edge=near, handler_id=best[0].handler_id,
                     role=best[0].role or category.handler_role)
    return Route(inside=True, district=district, near_edge=near, role=category.handler_role)


def nearby_open(*, municipality: Municipality, point: Point, category: Category,
                exclude_id: int | None = None) -> QuerySet[Complaint]:
    """Open reports of ``category`` within its duplicate radius of ``point``, nearest first."""
    radius = category.duplicate_radius_m
    # The index narrows by a box in degrees (a metre is at most 1/95,000 degree of longitude below 60° N), the
    # geography distance decides.
    near = RawSQL("complaints_complaint.geom && ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s) AND "
                  "ST_DWithin(complaints_complaint.geom::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography,"
                  " %s)", [point.x, point.y, radius / 95_000, point.x, point.y, radius], output_field=BooleanField())
    qs = (Complaint.objects.filter(near, municipality=municipality, category=category, case__closed_at__isnull=True)
          .annotate(distance=Distance("geom", point)).select_related("case").order_by("distance"))
    return qs.exclude(pk=exclude_id) if exclude_id else qs


def open_reports() -> QuerySet[Complaint]:
    """The public map's reports: open ones, no personal data."""
    return Complaint.objects.filter(case__closed_at__isnull=True)


def complaint_of_case(case_id: int) -> Complaint | None:
    return Complaint.objects.select_related("category", "district", "case").filter(case_id=case_id).first()
