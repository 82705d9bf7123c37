"""OpenAPI descriptions drf-spectacular cannot guess: the API key scheme and our input fields."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema

_POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}


def _nested(depth: int) -> dict:
    schema = _POSITION
    for _ in range(depth):
        schema = {"type": "array", "items": schema}
    return schema


_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.access.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key ardh_<prefix>.<secret>`",
        }


class GeometryFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "api.serializers.GeometryInputField"

    def map_serializer_field(self, auto_schema, direction):
        kinds = self.target.allowed or tuple(_DEPTH)
        return {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"type": {"type": "string", "enum": [k]}, "coordinates": _nested(_DEPTH[k])},
                    "required": ["type", "coordinates"],
                }
                for k in kinds
            ],
            "description": "GeoJSON geometry (coordinates in input_srid, EPSG:4326 by default)",
        }


class TenantRecordFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "api.serializers.TenantRecordField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "integer", "minimum": 1, "description": "id of a record of your municipality"}


class ArdhAutoSchema(AutoSchema):
    """Names components after the API that owns them (every API's serializer is called InputSerializer)."""

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        cls = serializer if isinstance(serializer, type) else type(serializer)
        owner = cls.__qualname__.split(".")[0]
        if "." in cls.__qualname__ and not name.startswith(owner):
            name = owner + name
        return name

    def get_operation_id(self):
        op = super().get_operation_id()
        if getattr(self.view, "lists_records", False) and self.method == "GET":  # a list, not one record
            op = op.replace("_retrieve", "_list")
        return op
