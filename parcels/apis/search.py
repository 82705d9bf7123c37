"""What the planners' map asks besides the registers: search, a parcel's lineage, a zone's regulation."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from api.access import caller_municipality
from api.base import ApiBase
from api.errors import BadInput
from api.features import layer_for
from geo.selectors import register_get
from parcels import map_selectors

MAX_QUERY = 100


def may_see_restricted(request) -> bool:
    """Restricted fields (deed numbers) are for callers bound to the municipality, as in the registers API:
    the tenant scope already holds here, so this says it once where search depends on it."""
    return caller_municipality(request) is not None


class SearchApi(ApiBase):
    """Find parcels (number or "plan/number"), plans, districts (Arabic or English) and deed numbers."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="text to look for, 1 to 100 characters"),
            OpenApiParameter("kind", str, description="comma separated: parcel, plan, district, deed"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        q = request.query_params.get("q", "").strip()
        if not q:
            raise BadInput(_("Give the text to look for in “q”."), param="q", code="required")
        if len(q) > MAX_QUERY or "\x00" in q:
            raise BadInput(_("“q” must be at most %(n)d characters of text.") % {"n": MAX_QUERY}, param="q")
        kinds = map_selectors.KINDS
        if request.query_params.get("kind"):
            kinds = tuple(k.strip() for k in request.query_params["kind"].split(","))
            unknown = [k for k in kinds if k not in map_selectors.KINDS]
            if unknown:
                raise BadInput(
                    _("Unknown kind “%(k)s”; kinds: %(known)s.")
                    % {"k": unknown[0][:20], "known": ", ".join(map_selectors.KINDS)},
                    param="kind",
                )
        hits = map_selectors.search(
            municipality=self.municipality, q=q, restricted=may_see_restricted(request), kinds=kinds
        )
        return Response({"q": q, "results": hits})


class ParcelLineageApi(ApiBase):
    """A parcel's parents and children (split and merge), retired parcels included."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        parcel = register_get(layer=layer_for("parcels"), municipality=self.municipality, pk=pk)
        return Response(map_selectors.parcel_lineage(parcel=parcel))


class RegulationApi(ApiBase):
    """The zoning regulation a zone refers to: coverage, floors, FAR, setbacks, allowed uses."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        reg = map_selectors.regulation_get(municipality=self.municipality, pk=pk)
        if reg is None:
            raise Http404
        return Response({
            "id": reg.pk, "code": reg.code, "name_ar": reg.name_ar, "name_en": reg.name_en,
            "max_coverage_pct": float(reg.max_coverage_pct), "max_floors": reg.max_floors, "far": float(reg.far),
            "front_setback_m": float(reg.front_setback_m), "side_setback_m": float(reg.side_setback_m),
            "rear_setback_m": float(reg.rear_setback_m), "allowed_uses": list(reg.allowed_uses),
        })
