"""A small OpenAPI 3.0 definition of the OGC API Features endpoints (the "service-desc")."""

from __future__ import annotations

from django.urls import reverse

from geo.layers import all_layers
from ogc.params import DEFAULT_LIMIT, MAX_LIMIT


def _param(name, where="query", schema=None, required=False, style=None, explode=None):
    p = {"name": name, "in": where, "required": required, "schema": schema or {"type": "string"}}
    if style:
        p["style"], p["explode"] = style, explode
    return p


def _ok(kind="application/json"):
    return {"200": {"description": "OK", "content": {kind: {"schema": {"type": "object"}}}},
            "400": {"description": "Bad request"}, "404": {"description": "Not found"}}


def spec(request) -> dict:
    root = request.build_absolute_uri(reverse("ogc:landing")).rstrip("/")
    f = _param("f", schema={"type": "string", "enum": ["json", "html"]})
    items_params = [
        _param("limit", schema={"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        _param("offset", schema={"type": "integer", "minimum": 0, "default": 0}),
        _param("bbox", schema={"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
               style="form", explode=False),
        _param("bbox-crs", schema={"type": "string", "format": "uri"}),
        _param("crs", schema={"type": "string", "format": "uri"}),
        _param("datetime"),
        f,
    ]
    paths = {
        "/": {"get": {"summary": "Landing page", "operationId": "getLandingPage", "parameters": [f],
                      "responses": _ok()}},
        "/conformance": {"get": {"summary": "Conformance classes", "operationId": "getConformance",
                                 "parameters": [f], "responses": _ok()}},
        "/collections": {"get": {"summary": "Collections", "operationId": "getCollections", "parameters": [f],
                                 "responses": _ok()}},
    }
    for layer in all_layers():
        n = layer.name
        paths[f"/collections/{n}"] = {"get": {"summary": layer.title_en, "operationId": f"describe_{n}",
                                              "parameters": [f], "responses": _ok()}}
        paths[f"/collections/{n}/items"] = {
            "get": {
                "summary": f"{layer.title_en}: features",
                "operationId": f"items_{n}",
                "parameters": items_params + [_param(x) for x in layer.filter_fields],
                "responses": _ok("application/geo+json"),
            }
        }
        paths[f"/collections/{n}/items/{{featureId}}"] = {
            "get": {
                "summary": f"{layer.title_en}: one feature",
                "operationId": f"item_{n}",
                "parameters": [_param("featureId", "path", required=True), _param("crs"), f],
                "responses": _ok("application/geo+json"),
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Ardh OGC API Features", "version": "1.0.0"},
        "servers": [{"url": root}],
        "components": {"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "Authorization"}}},
        "security": [{"apiKey": []}],
        "paths": paths,
    }
