"""The registers under /api/v1/<register>/: list (GeoJSON, filters, bbox, ordering, pages) and CRUD.

Each register is a pair of thin classes (``ParcelListApi``, ``ParcelDetailApi``...) with
nested Input/Output serializers; reads go through ``geo.selectors``, writes through
``parcels.services`` (parcels) or ``record_save`` (other registers).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api import params
from api.base import ApiBase, etag, expected_version, feature_collection
from api.errors import BadInput
from api.features import layer_for, with_geojson
from api.serializers import FeatureOutputSerializer, GeometryInputField, TenantRecordField
from audit.selectors import history_for
from geo.selectors import register_get, register_list
from parcels import models as m
from parcels.services import parcel_create, parcel_update
from parcels.services import records as services
from parcels.services.records import checked_geometry

_RESERVED = {"bbox", "limit", "offset", "ordering", "srid", "input_srid", "format"}

LIST_PARAMETERS = [
    OpenApiParameter("bbox", str, description="minLon,minLat,maxLon,maxLat (EPSG:4326)"),
    OpenApiParameter("limit", int, description="page size, 1..1000"),
    OpenApiParameter("offset", int),
    OpenApiParameter("ordering", str, description="allow-listed field names, comma separated, '-' for descending"),
    OpenApiParameter("srid", int, description="output CRS (EPSG code from the known list)"),
]
SRID_PARAMETER = [OpenApiParameter("srid", int, description="output CRS (EPSG code from the known list)")]
IF_MATCH = [OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)]

# The registers exposed for reading and editing under /api/v1/ (URL name = layer name).
REGISTERS = ("parcels", "plans", "zones", "districts", "streets")


class RegisterListApi(ApiBase):
    layer_name = ""
    lists_records = True  # GET lists (the OpenAPI operation id says so)

    def get_serializer_class(self):  # for the OpenAPI schema
        return self.InputSerializer

    class OutputSerializer(FeatureOutputSerializer):
        pass

    @property
    def layer(self):
        return layer_for(self.layer_name)

    def filters(self) -> dict:
        layer, q = self.layer, self.request.query_params
        unknown = sorted(set(q) - _RESERVED - set(layer.filter_fields))
        if unknown:
            raise BadInput(
                _("Cannot filter by “%(f)s”; allowed: %(allowed)s.")
                % {"f": unknown[0][:40], "allowed": ", ".join(layer.filter_fields) or "-"},
                param=unknown[0][:40],
            )
        values = {name: q[name][:200] for name in layer.filter_fields if name in q}
        if any("\x00" in v for v in values.values()):
            raise BadInput(_("Filter values cannot contain NUL characters."), param="filter")
        return values

    @extend_schema(parameters=LIST_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        layer, q = self.layer, request.query_params
        srid = self.output_srid()
        limit = params.number(q, "limit", default=100, low=1, high=params.MAX_LIMIT, integer=True)
        offset = params.number(q, "offset", default=0, low=0, high=10**9, integer=True)
        qs = register_list(
            layer=layer,
            municipality=self.municipality,
            filters=self.filters(),
            ordering=params.ordering(q.get("ordering"), allowed=("id", *layer.fields)),
            bbox=params.bbox(q.get("bbox")),
        )
        rows = with_geojson(qs, layer, srid)[offset : offset + limit + 1]
        return feature_collection(rows, layer=layer, request=request, limit=limit, offset=offset, srid=srid)

    @extend_schema(parameters=SRID_PARAMETER, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        ser = self.InputSerializer(data=request.data, context=self.input_context())
        ser.is_valid(raise_exception=True)
        obj = self.create(ser.validated_data)
        return _record_response(obj, self.layer, self.output_srid(), status.HTTP_201_CREATED)

    def input_context(self, **extra):
        return super().input_context(municipality=self.municipality, **extra)

    def create(self, data):
        return services.register_record_create(
            model=self.layer.model, municipality=self.municipality, data=data, actor=self.actor
        )


class RegisterDetailApi(ApiBase):
    layer_name = ""

    def get_serializer_class(self):  # for the OpenAPI schema
        return self.InputSerializer

    @property
    def layer(self):
        return layer_for(self.layer_name)

    def get_object(self, pk):
        return register_get(layer=self.layer, municipality=self.municipality, pk=pk)

    @extend_schema(parameters=SRID_PARAMETER, responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        return _record_response(self.get_object(pk), self.layer, self.output_srid())

    @extend_schema(parameters=SRID_PARAMETER + IF_MATCH, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    @extend_schema(parameters=SRID_PARAMETER + IF_MATCH, responses={200: OpenApiTypes.OBJECT})
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(parameters=IF_MATCH, responses={204: None})
    def delete(self, request, pk):
        obj = self.get_object(pk)
        services.record_delete(instance=obj, actor=self.actor, expected_version=expected_version(request, obj))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, pk, *, partial: bool):
        obj = self.get_object(pk)
        version = expected_version(request, obj)
        ser = self.InputSerializer(data=request.data, partial=partial,
                                   context=self.input_context(municipality=self.municipality))
        ser.is_valid(raise_exception=True)
        obj = self.update(obj, ser.validated_data, version)
        return _record_response(obj, self.layer, self.output_srid())

    def update(self, obj, data, version):
        return services.register_record_update(instance=obj, data=data, actor=self.actor, expected_version=version)


class RecordHistoryApi(ApiBase):
    """Who changed a record, what and when (newest first)."""

    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        action = serializers.CharField()
        by = serializers.SerializerMethodField()
        changes = serializers.JSONField()
        note = serializers.CharField()

        def get_by(self, obj) -> str:
            return obj.actor.get_username() if obj.actor_id else obj.actor_label

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, register, pk):
        if register not in REGISTERS:
            raise BadInput(_("Unknown register."), param="register")
        obj = register_get(layer=layer_for(register), municipality=self.municipality, pk=pk)
        rows = history_for(instance=obj)[:500]
        return Response(self.OutputSerializer(rows, many=True).data)


def _record_response(obj, layer, srid, code=status.HTTP_200_OK) -> Response:
    row = with_geojson(layer.model._default_manager.filter(pk=obj.pk), layer, srid).get()
    data = FeatureOutputSerializer(row, context={"layer": layer}).data
    return Response(data, status=code, headers={"ETag": etag(row)})


# --- Parcels -----------------------------------------------------------------------------------


class _ParcelInput(serializers.Serializer):
    plan = TenantRecordField(model=m.SubdivisionPlan)
    block = TenantRecordField(model=m.Block, required=False, allow_null=True)
    number = serializers.CharField(max_length=32)
    land_use = serializers.ChoiceField(choices=m.LandUse.choices)
    status = serializers.ChoiceField(choices=m.ParcelStatus.choices, required=False)
    deed_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    geometry = GeometryInputField(allowed=("Polygon", "MultiPolygon"))


class ParcelListApi(RegisterListApi):
    layer_name = "parcels"

    class InputSerializer(_ParcelInput):
        pass

    def create(self, data):
        data = dict(data)
        return parcel_create(municipality=self.municipality, actor=self.actor, geom=data.pop("geometry"), **data)


class ParcelDetailApi(RegisterDetailApi):
    layer_name = "parcels"

    class InputSerializer(_ParcelInput):
        plan = None  # a parcel does not move between plans (that is a new plan's subdivision)

    def update(self, obj, data, version):
        data = dict(data)
        if "geometry" in data:
            # Promoted (Polygon -> MultiPolygon) and checked before the service assigns it to the field.
            data["geom"] = checked_geometry(instance=obj, geom=data.pop("geometry"))
        return parcel_update(parcel=obj, actor=self.actor, expected_version=version, **data)


# --- Plans, districts, zones, streets --------------------------------------------------------------


class _PlanInput(serializers.Serializer):
    number = serializers.CharField(max_length=32)
    name_ar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=m.SubdivisionPlan.Status.choices, required=False)
    approval_date = serializers.DateField(required=False, allow_null=True)
    district = TenantRecordField(model=m.District, required=False, allow_null=True)
    geometry = GeometryInputField(allowed=("Polygon", "MultiPolygon"))


class PlanListApi(RegisterListApi):
    layer_name = "plans"
    InputSerializer = _PlanInput


class PlanDetailApi(RegisterDetailApi):
    layer_name = "plans"
    InputSerializer = _PlanInput


class _DistrictInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name_ar = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    geometry = GeometryInputField(allowed=("Polygon", "MultiPolygon"))


class DistrictListApi(RegisterListApi):
    layer_name = "districts"
    InputSerializer = _DistrictInput


class DistrictDetailApi(RegisterDetailApi):
    layer_name = "districts"
    InputSerializer = _DistrictInput


class _ZoneInput(serializers.Serializer):
    regulation = TenantRecordField(model=m.ZoningRegulation)
    name_ar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    geometry = GeometryInputField(allowed=("Polygon", "MultiPolygon"))


class ZoneListApi(RegisterListApi):
    layer_name = "zones"
    InputSerializer = _ZoneInput


class ZoneDetailApi(RegisterDetailApi):
    layer_name = "zones"
    InputSerializer = _ZoneInput


class _StreetInput(serializers.Serializer):
    name_ar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=m.Street.Kind.choices, required=False)
    width_m = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    plan = TenantRecordField(model=m.SubdivisionPlan, required=False, allow_null=True)
    geometry = GeometryInputField(allowed=("LineString", "MultiLineString"))


class StreetListApi(RegisterListApi):
    layer_name = "streets"
    InputSerializer = _StreetInput


class StreetDetailApi(RegisterDetailApi):
    layer_name = "streets"
    InputSerializer = _StreetInput
