"""Layers as the API serves them: found by name (404 otherwise), geometry as GeoJSON text made by PostGIS."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import QuerySet
from django.http import Http404

from api.params import precision
from geo.crs import storage_srid
from geo.layers import Layer, UnknownLayer, get_layer


def layer_for(name: str) -> Layer:
    try:
        return get_layer(name)
    except UnknownLayer:
        raise Http404(name) from None


def with_geojson(qs: QuerySet, layer: Layer, srid: int) -> QuerySet:
    """Geometry as GeoJSON text in ``srid``, reprojected and rounded by PostGIS."""
    geom = layer.geom_field if srid == storage_srid() else Transform(layer.geom_field, srid)
    return qs.defer(layer.geom_field).annotate(geojson=AsGeoJSON(geom, precision=precision(srid)))
