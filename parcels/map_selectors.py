"""Reads behind the planners' map: search, a parcel's lineage, a zone's regulation, analysis parcels.

Everything is scoped to the caller's municipality. Deed numbers are restricted fields
(never in public tiles): they are searched only when the caller may see them.
"""

from __future__ import annotations

import json

from django.contrib.gis.db.models.functions import AsGeoJSON, Envelope
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from geo import selectors as geo_selectors
from geo.layers import get_layer
from parcels.models import District, Parcel, SubdivisionPlan, ZoningRegulation

KINDS = ("parcel", "plan", "district", "deed")
PER_KIND = 8


def _exact_first(qs: QuerySet, field: str, q: str) -> QuerySet:
    rank = Case(When(**{f"{field}__iexact": q}, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(_rank=rank).order_by("_rank", field, "pk")


def _with_shape(qs: QuerySet) -> QuerySet:
    return qs.annotate(_bbox=AsGeoJSON(Envelope("geom"), precision=7), _geojson=AsGeoJSON("geom", precision=7))


def _bbox(envelope: str) -> list[float]:
    coords = json.loads(envelope)["coordinates"]
    if isinstance(coords[0], (int, float)):  # a degenerate envelope is a point
        return [coords[0], coords[1], coords[0], coords[1]]
    xs = [c[0] for c in coords[0]]
    ys = [c[1] for c in coords[0]]
    return [min(xs), min(ys), max(xs), max(ys)]


def _hit(kind: str, obj, label: str, layer: str) -> dict:
    return {
        "kind": kind, "layer": layer, "id": obj.pk, "label": label,
        "bbox": _bbox(obj._bbox), "geometry": json.loads(obj._geojson),
    }


def _name(obj) -> str:
    arabic = (get_language() or "ar").startswith("ar")
    return (obj.name_ar if arabic else obj.name_en) or obj.name_ar or obj.name_en


def _parcels(municipality, q: str) -> QuerySet:
    current = get_layer("parcels").queryset(municipality=municipality.pk).select_related("plan")
    match = Q(number__istartswith=q)
    plan_number, slash, number = q.partition("/")
    if slash and plan_number.strip() and number.strip():  # "plan/parcel", as written on deeds
        match |= Q(plan__number__iexact=plan_number.strip(), number__iexact=number.strip())
    return _exact_first(current.filter(match), "number", q)


def search(*, municipality, q: str, restricted: bool, kinds: tuple[str, ...] = KINDS) -> list[dict]:
    """Parcels by number (or "plan/number"), plans by number or name, districts by Arabic or English
    name or code, and (for callers who may see them) parcels by deed number; exact matches first."""
    q = q.strip()
    hits: list[dict] = []
    if "parcel" in kinds:
        for p in _with_shape(_parcels(municipality, q))[:PER_KIND]:
            label = _("Parcel %(number)s — plan %(plan)s") % {"number": p.number, "plan": p.plan.number}
            hits.append(_hit("parcel", p, label, "parcels"))
    if "plan" in kinds:
        plans = SubdivisionPlan.objects.filter(municipality=municipality.pk).filter(
            Q(number__istartswith=q) | Q(name_ar__icontains=q) | Q(name_en__icontains=q))
        for p in _with_shape(_exact_first(plans, "number", q))[:PER_KIND]:
            hits.append(_hit("plan", p, _name(p) or _("Plan %(number)s") % {"number": p.number}, "plans"))
    if "district" in kinds:
        districts = District.objects.filter(municipality=municipality.pk).filter(
            Q(name_ar__icontains=q) | Q(name_en__icontains=q) | Q(code__iexact=q))
        for d in _with_shape(_exact_first(districts, "name_ar", q))[:PER_KIND]:
            hits.append(_hit("district", d, _name(d), "districts"))
    if "deed" in kinds and restricted:
        deeds = get_layer("parcels").queryset(municipality=municipality.pk).select_related("plan")
        for p in _with_shape(deeds.filter(deed_number=q).order_by("pk"))[:PER_KIND]:
            label = _("Deed %(deed)s — parcel %(number)s, plan %(plan)s") % {
                "deed": p.deed_number, "number": p.number, "plan": p.plan.number}
            hits.append(_hit("deed", p, label, "parcels"))
    return hits


def parcel_lineage(*, parcel: Parcel) -> dict:
    """Where a parcel came from and what it became (retired parcels included)."""
    def brief(p):
        return {"id": p.pk, "number": p.number, "valid_from": p.valid_from, "valid_to": p.valid_to,
                "area_m2": round(p.area_m2 or 0, 2)}

    return {
        "id": parcel.pk,
        "current": parcel.valid_to is None,
        "valid_from": parcel.valid_from,
        "valid_to": parcel.valid_to,
        "parents": [brief(p) for p in parcel.parents.order_by("pk")],
        "children": [brief(p) for p in parcel.children.order_by("pk")],
    }


def regulation_get(*, municipality, pk: int) -> ZoningRegulation | None:
    return ZoningRegulation.objects.filter(municipality=municipality.pk, pk=pk).first()


def analysis_parcels(*, municipality, geometry, metres: float) -> QuerySet:
    """Current parcels inside ``geometry`` (or within ``metres`` of it), as the buffer analysis counts them."""
    layer = get_layer("parcels")
    if metres > 0:
        qs = geo_selectors.within_distance(layer=layer, geometry=geometry, metres=metres, municipality=municipality)
    else:
        qs = geo_selectors.intersecting(layer=layer, geometry=geometry, municipality=municipality)
    return Parcel.objects.filter(pk__in=qs.values("pk")).order_by("pk")
