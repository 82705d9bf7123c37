"""Topology of the parcel fabric: current parcels may not overlap.

Two parcels that only share an edge are neighbours; an overlap of more than
``OVERLAP_TOLERANCE_M2`` (survey rounding) is a conflict, reported with the
parcel numbers, the overlapping area in m² and a point inside the overlap.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.gis.db.models.functions import Intersection, PointOnSurface
from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext as _

from geo.functions import GeographyArea
from parcels.models import Parcel
from parcels.services.errors import TopologyError

OVERLAP_TOLERANCE_M2 = 0.05


def overlap_conflicts(*, municipality_id: int, geom: GEOSGeometry, exclude_ids: Iterable[int] = ()) -> list[dict]:
    rows = (
        Parcel.objects.filter(municipality_id=municipality_id, valid_to__isnull=True, geom__intersects=geom)
        .exclude(pk__in=list(exclude_ids))
        .exclude(geom__touches=geom)
        .annotate(overlap_m2=GeographyArea(Intersection("geom", geom)))
        .filter(overlap_m2__gt=OVERLAP_TOLERANCE_M2)
        .annotate(where=PointOnSurface(Intersection("geom", geom)))
        .select_related("plan")
        .order_by("-overlap_m2")[:10]
    )
    return [
        {
            "parcel_id": p.pk,
            "parcel": str(p),
            "overlap_m2": round(p.overlap_m2, 2),
            "location": (round(p.where.x, 7), round(p.where.y, 7)),
        }
        for p in rows
    ]


def assert_no_overlap(*, municipality_id: int, geoms: list[GEOSGeometry], exclude_ids: Iterable[int]) -> None:
    exclude_ids = list(exclude_ids)
    for geom in geoms:
        conflicts = overlap_conflicts(municipality_id=municipality_id, geom=geom, exclude_ids=exclude_ids)
        if conflicts:
            first = conflicts[0]
            raise TopologyError(
                _("The result overlaps parcel %(parcel)s by %(area)s m² (at %(lon)s, %(lat)s).")
                % {
                    "parcel": first["parcel"],
                    "area": first["overlap_m2"],
                    "lon": first["location"][0],
                    "lat": first["location"][1],
                },
                conflicts=conflicts,
            )
