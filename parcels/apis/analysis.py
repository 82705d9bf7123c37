"""Analysis of the parcels near a geometry: counts and areas by land use (the planners' map)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.base import ApiBase
from api.features import layer_for
from geo import selectors as geo_selectors
from geo.apis import INPUT_SRID_PARAMS, BufferInput, target_geometry
from parcels.models import Parcel
from parcels.selectors import land_use_summary


class BufferAnalysisApi(ApiBase):
    """How much land of each use lies within a distance of a geometry: counts and areas of parcels."""

    required_scopes = {"POST": "read"}
    InputSerializer = BufferInput

    @extend_schema(request=BufferInput, parameters=INPUT_SRID_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        ser = self.InputSerializer(data=request.data, context=self.input_context())
        ser.is_valid(raise_exception=True)
        geom = target_geometry(ser.validated_data, self.municipality)
        metres = ser.validated_data["metres"]
        layer = layer_for("parcels")
        if metres > 0:
            qs = geo_selectors.within_distance(
                layer=layer, geometry=geom, metres=metres, municipality=self.municipality
            )
        else:
            qs = geo_selectors.intersecting(layer=layer, geometry=geom, municipality=self.municipality)
        qs = Parcel.objects.filter(pk__in=qs.values("pk"))
        by_use = land_use_summary(qs)
        return Response(
            {
                "metres": metres,
                "parcels": sum(r["count"] for r in by_use),
                "area_m2": round(sum(r["area_m2"] for r in by_use), 2),
                "by_land_use": by_use,
            }
        )
