"""Spatial questions over every registered layer: at-point, intersecting, within-distance, nearest.

All answers come from ``geo.selectors`` scoped to the caller's municipality, with
geometry reprojected in SQL to the requested ``srid``.
"""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api import params
from api.base import ApiBase, feature_collection
from api.errors import BadInput
from api.features import layer_for, with_geojson
from api.serializers import FeatureOutputSerializer, GeometryInputField
from geo import selectors as geo_selectors
from geo.at_point import at_point_json
from geo.crs import storage_srid
from geo.layers import all_layers
from geo.validation import validate_geometry

_POINT = [
    OpenApiParameter("lon", float, required=True),
    OpenApiParameter("lat", float, required=True),
    OpenApiParameter("srid", int, description="output CRS"),
]
INPUT_SRID_PARAMS = [OpenApiParameter("input_srid", int, description="CRS of the posted geometry"), *_POINT[2:]]
_ANY_GEOMETRY = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
_KIND = {"Point": "Point", "MultiPoint": "MultiPoint", "LineString": "LineString",
         "MultiLineString": "MultiLineString", "Polygon": "MultiPolygon", "MultiPolygon": "MultiPolygon"}


def tenant_layer_names() -> list[str]:
    """The layers a caller may ask about: every registered layer of a municipality's records (the
    municipalities layer itself is not one)."""
    return [layer.name for layer in all_layers() if layer.tenant_field is not None]


def _point_in_municipality(muni, lon: float, lat: float) -> Point:
    point = Point(lon, lat, srid=storage_srid())
    if not muni.boundary.intersects(point):
        hint = ""
        if muni.boundary.intersects(Point(lat, lon, srid=storage_srid())):
            hint = " " + _("(lon and lat look swapped.)")
        raise BadInput(
            _("The point %(lon).7f, %(lat).7f is outside the municipality.") % {"lon": lon, "lat": lat} + hint,
            param="lon",
            code="outside",
        )
    return point


def _lonlat(q):
    return (
        params.number(q, "lon", low=-180, high=180),
        params.number(q, "lat", low=-90, high=90),
    )


class AtPointApi(ApiBase):
    """What is here? Parcel, block, plan, zone and district at lon,lat in one answer."""

    @extend_schema(parameters=_POINT, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        lon, lat = _lonlat(request.query_params)
        srid = self.output_srid()
        inside, body = at_point_json(municipality=self.municipality, lon=lon, lat=lat, srid=srid)
        if not inside:
            _point_in_municipality(self.municipality, lon, lat)  # raises, saying why (e.g. swapped axes)
        return HttpResponse(body, content_type="application/json")


class _Target(serializers.Serializer):
    """A geometry given inline, or another record named by layer and id."""

    geometry = GeometryInputField(allowed=_ANY_GEOMETRY, required=False)
    record_layer = serializers.CharField(required=False, max_length=64, help_text="a registered layer's name")
    record_id = serializers.IntegerField(required=False, min_value=1)

    def validate_record_layer(self, value):
        if value not in tenant_layer_names():  # the registry is complete only once apps are ready: asked here
            raise serializers.ValidationError(_("“%(v)s” is not a valid choice.") % {"v": value[:64]})
        return value

    def validate(self, attrs):
        has_geom = "geometry" in attrs
        has_record = "record_layer" in attrs and "record_id" in attrs
        if has_geom == has_record:
            raise serializers.ValidationError(_("Give either “geometry” or “record_layer” with “record_id”."))
        return attrs


def target_geometry(data: dict, municipality):
    if "geometry" in data:
        geom = data["geometry"]
        return validate_geometry(
            geom, kind=_KIND[geom.geom_type], within=municipality.boundary, within_name=municipality.name_ar
        )
    layer = layer_for(data["record_layer"])
    record = geo_selectors.register_get(layer=layer, municipality=municipality, pk=data["record_id"])
    return getattr(record, layer.geom_field)


class _LayerQueryApi(ApiBase):
    def layer_arg(self, name):
        if name not in tenant_layer_names():
            raise BadInput(_("Unknown layer."), param="layer")
        return layer_for(name)

    def page(self, qs, layer):
        q = self.request.query_params
        srid = self.output_srid()
        limit = params.number(q, "limit", default=100, low=1, high=params.MAX_LIMIT, integer=True)
        offset = params.number(q, "offset", default=0, low=0, high=10**9, integer=True)
        rows = with_geojson(qs, layer, srid)[offset : offset + limit + 1]
        return feature_collection(rows, layer=layer, request=self.request, limit=limit, offset=offset, srid=srid)


class IntersectingApi(_LayerQueryApi):
    """Features of a layer sharing area or line with a geometry or another record."""

    required_scopes = {"POST": "read"}
    InputSerializer = _Target

    @extend_schema(request=_Target, parameters=INPUT_SRID_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, layer):
        layer = self.layer_arg(layer)
        ser = self.InputSerializer(data=request.data, context=self.input_context())
        ser.is_valid(raise_exception=True)
        geom = target_geometry(ser.validated_data, self.municipality)
        qs = geo_selectors.intersecting(layer=layer, geometry=geom, municipality=self.municipality).order_by("pk")
        return self.page(qs, layer)


class _Within(_Target):
    metres = serializers.FloatField(min_value=0, max_value=50_000)


class WithinDistanceApi(_LayerQueryApi):
    """Features within a distance in metres of a geometry or record, nearest first (``distance_m``)."""

    required_scopes = {"POST": "read"}
    InputSerializer = _Within

    @extend_schema(request=_Within, parameters=INPUT_SRID_PARAMS, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, layer):
        layer = self.layer_arg(layer)
        ser = self.InputSerializer(data=request.data, context=self.input_context())
        ser.is_valid(raise_exception=True)
        geom = target_geometry(ser.validated_data, self.municipality)
        qs = geo_selectors.within_distance(
            layer=layer, geometry=geom, metres=ser.validated_data["metres"], municipality=self.municipality
        )
        return self.page(qs, layer)


class NearestApi(_LayerQueryApi):
    """The k features of a layer nearest to lon,lat, in metres."""

    @extend_schema(parameters=[*_POINT, OpenApiParameter("k", int)], responses={200: OpenApiTypes.OBJECT})
    def get(self, request, layer):
        layer = self.layer_arg(layer)
        lon, lat = _lonlat(request.query_params)
        k = params.number(request.query_params, "k", default=1, low=1, high=100, integer=True)
        point = _point_in_municipality(self.municipality, lon, lat)
        rows = list(
            with_geojson(
                geo_selectors.nearest(layer=layer, point=point, k=k, municipality=self.municipality),
                layer,
                self.output_srid(),
            )
        )
        features = FeatureOutputSerializer(rows, many=True, context={"layer": layer}).data
        for f, row in zip(features, rows, strict=True):
            f["properties"]["distance_m"] = round(row.distance_m, 3)
        return Response({"type": "FeatureCollection", "features": features, "numberReturned": len(features)})


class BufferInput(_Target):
    metres = serializers.FloatField(min_value=0, max_value=5_000, default=0)
