"""Parcel lineage over HTTP: split and merge. Topology refusals answer 409 with the conflict."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.base import ApiBase, expected_version
from api.features import layer_for, with_geojson
from api.serializers import FeatureOutputSerializer, GeometryInputField
from geo.selectors import register_get
from parcels.models import Parcel
from parcels.services import parcel_merge, parcel_split


def _features(parcels, srid):
    layer = layer_for("parcels")
    rows = with_geojson(Parcel.objects.filter(pk__in=[p.pk for p in parcels]), layer, srid).order_by("pk")
    features = FeatureOutputSerializer(rows, many=True, context={"layer": layer}).data
    return {"type": "FeatureCollection", "features": features}


class ParcelSplitApi(ApiBase):
    """Split a current parcel by a line across it, or into equal-area parts. Needs If-Match."""

    required_scopes = {"POST": "lineage"}

    class InputSerializer(serializers.Serializer):
        line = GeometryInputField(allowed=("LineString",), required=False)
        parts = serializers.IntegerField(required=False, min_value=2, max_value=50)
        numbers = serializers.ListField(
            child=serializers.CharField(max_length=32), required=False, max_length=50, allow_empty=False
        )

        def validate(self, attrs):
            if ("line" in attrs) == ("parts" in attrs):
                raise serializers.ValidationError(_("Give either a cutting “line” or a number of “parts”."))
            return attrs

    @extend_schema(
        request=InputSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request, pk):
        parcel = register_get(layer=layer_for("parcels"), municipality=self.municipality, pk=pk)
        version = expected_version(request, parcel)
        ser = self.InputSerializer(data=request.data, context=self.input_context())
        ser.is_valid(raise_exception=True)
        children = parcel_split(parcel=parcel, actor=self.actor, expected_version=version, **ser.validated_data)
        return Response(_features(children, self.output_srid()), status=status.HTTP_201_CREATED)


class ParcelMergeApi(ApiBase):
    """Merge adjacent current parcels of one plan. Each parcel comes with the version the client read."""

    required_scopes = {"POST": "lineage"}

    class InputSerializer(serializers.Serializer):
        class _Member(serializers.Serializer):
            id = serializers.IntegerField(min_value=1)
            version = serializers.IntegerField(min_value=1)

        parcels = _Member(many=True, min_length=2, max_length=100)
        number = serializers.CharField(max_length=32, required=False)
        land_use = serializers.ChoiceField(choices=Parcel._meta.get_field("land_use").choices, required=False)

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        ser = self.InputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        layer = layer_for("parcels")
        parcels = [
            register_get(layer=layer, municipality=self.municipality, pk=p["id"]) for p in data["parcels"]
        ]
        child = parcel_merge(
            parcels=parcels,
            actor=self.actor,
            number=data.get("number"),
            land_use=data.get("land_use"),
            expected_versions={p["id"]: p["version"] for p in data["parcels"]},
        )
        return Response(_features([child], self.output_srid()), status=status.HTTP_201_CREATED)
