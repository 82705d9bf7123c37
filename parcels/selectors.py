"""Reads of the registers. Tenant scoping happens here, so no list leaks another municipality."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from accounts.models import Municipality
from common.errors import RegisterError
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


# --- The street network (parcels.models.network) ------------------------------------------------------------------

def _lonlat(point) -> tuple[float, float]:
    if isinstance(point, GEOSGeometry):
        if point.srid and point.srid != 4326:
            point = point.transform(4326, clone=True)
        return float(point.x), float(point.y)
    lon, lat = point
    return float(lon), float(lat)


def network_size(*, municipality) -> int:
    """How many edges the municipality's street network has (0: not built)."""
    from parcels.models import StreetEdge

    return StreetEdge.objects.filter(municipality=municipality).count()


def network_required(*, municipality) -> None:
    if not network_size(municipality=municipality):
        raise RegisterError(
            _("%(m)s has no street network yet: build it from its streets (manage.py build_street_network "
              "--municipality %(code)s) before planning routes.") % {"m": municipality, "code": municipality.code},
            code="no_street_network",
        )


def nearest_nodes(*, municipality, points) -> list[tuple[int | None, float | None]]:
    """For each point (a 4326 point or (lon, lat)): the nearest street node and the distance to it in metres
    (None, None when the network is empty). One KNN query for all of them (the nodes' GiST index)."""
    if not points:
        return []
    coords = [_lonlat(p) for p in points]
    with connection.cursor() as cur:
        cur.execute("""
            SELECT q.i, n.id, ST_Distance(ST_Transform(n.geom, %(srid)s), ST_Transform(q.pt, %(srid)s))
            FROM (SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt
                  FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS u(x, y, i)) q
            LEFT JOIN LATERAL (
                SELECT id, geom FROM parcels_streetnode WHERE municipality_id = %(m)s ORDER BY geom <-> q.pt LIMIT 1
            ) n ON true
            ORDER BY q.i
        """, {"srid": int(municipality.metric_srid), "m": municipality.pk,
              "xs": [c[0] for c in coords], "ys": [c[1] for c in coords]})
        return [(node, dist) for _i, node, dist in cur.fetchall()]


def nearest_node(*, municipality, point) -> int:
    """The street node nearest to ``point`` (RegisterError when the municipality has no network)."""
    network_required(municipality=municipality)
    return nearest_nodes(municipality=municipality, points=[point])[0][0]


def parcels_held_by(*, municipality, parties) -> QuerySet[Parcel]:
    """The current parcels that one of ``parties`` (party ids) holds today, in ``municipality``."""
    from parcels.models import ParcelOwnership

    held = ParcelOwnership.objects.filter(municipality=municipality, party_id__in=list(parties), until__isnull=True)
    return (parcels_current(municipality=municipality).filter(pk__in=held.values("parcel_id"))
            .select_related("plan").order_by("plan__number", "number"))
