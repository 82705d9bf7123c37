"""Serializers shared by the register APIs: GeoJSON features out, checked geometry in."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.errors import GeometryInputError
from geo.geojson import parse_geometry
from geo.layers import Layer
from geo.validation import GeometryError


def feature(obj, layer: Layer) -> dict:
    """One GeoJSON Feature from a row annotated with ``geojson`` (see selectors.with_geojson)."""
    props = {}
    for name in layer.fields:
        value = getattr(obj, name)
        props[name] = value
    props["version"] = obj.version
    return {"type": "Feature", "id": obj.pk, "geometry": json.loads(obj.geojson), "properties": props}


class FeatureOutputSerializer(serializers.BaseSerializer):
    """A register record as a GeoJSON Feature; geometry already reprojected and rounded in SQL."""

    def to_representation(self, instance):
        data = feature(instance, self.context["layer"])
        return json.loads(json.dumps(data, default=str)) if _needs_cast(data) else data


def _needs_cast(data: dict) -> bool:
    return any(not isinstance(v, str | int | float | bool | type(None)) for v in data["properties"].values())


class GeometryInputField(serializers.Field):
    """A GeoJSON geometry, structure-checked; the spatial checks are the services' (validate_geometry)."""

    default_error_messages = {"invalid": _("Enter a GeoJSON geometry.")}

    def __init__(self, *, allowed: tuple[str, ...] | None = None, **kwargs):
        self.allowed = allowed
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        srid = self.context.get("input_srid", 4326)
        try:
            return parse_geometry(data, srid=srid, allowed=self.allowed, notes=self.context.get("notes"))
        except GeometryError as exc:
            # Not a field error of the serializer: answered whole, with its code, path and location.
            raise GeometryInputError(exc, field=self.field_name) from None

    def to_representation(self, value):
        return json.loads(value.geojson)


class TenantRecordField(serializers.Field):
    """The id of a record of the caller's municipality; another tenant's id reads as "not found"."""

    def __init__(self, *, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError(_("Give a record id."))
        try:
            pk = int(data)
        except ValueError:
            raise serializers.ValidationError(_("Give a record id.")) from None
        obj = self.model._default_manager.filter(pk=pk, municipality=self.context["municipality"]).first()
        if obj is None:
            what = self.model._meta.verbose_name
            raise serializers.ValidationError(_("No %(what)s with id %(id)s.") % {"what": what, "id": pk})
        return obj

    def to_representation(self, value):
        return value.pk
