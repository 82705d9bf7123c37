"""TileJSON 3.0.0 documents for each layer and for the base map."""

from __future__ import annotations

from django.contrib.gis.db.models import Extent
from django.db import models

from common.bilingual import in_language
from geo.layers import Layer

DEFAULT_BOUNDS = (34.5, 16.0, 55.7, 32.2)  # the Kingdom, when no municipality is loaded yet


def title(layer: Layer) -> str:
    return in_language(layer.title_ar, layer.title_en)


def field_types(layer: Layer) -> dict[str, str]:
    out = {}
    for name in layer.public_fields:
        field = layer.model._meta.get_field(name)
        if isinstance(field, models.GeneratedField):
            field = field.output_field
        numeric = isinstance(field, models.FloatField | models.DecimalField | models.IntegerField | models.ForeignKey)
        out[name] = "Number" if numeric else "String"
    return out


def data_bounds() -> tuple[float, float, float, float]:
    from parcels.models import Municipality  # the tenants' outlines bound every layer

    extent = Municipality.objects.aggregate(e=Extent("boundary"))["e"]
    return tuple(round(v, 6) for v in extent) if extent else DEFAULT_BOUNDS


def vector_layer(layer: Layer) -> dict:
    return {
        "id": layer.name,
        "description": title(layer),
        "minzoom": layer.min_zoom,
        "maxzoom": layer.max_zoom,
        "fields": field_types(layer),
    }


def document(*, name: str, description: str, tiles_url: str, layers: list[Layer]) -> dict:
    bounds = data_bounds()
    minzoom = min((lyr.min_zoom for lyr in layers), default=0)
    maxzoom = max((lyr.max_zoom for lyr in layers), default=22)
    centre_zoom = max(minzoom, min(maxzoom, 12))
    return {
        "tilejson": "3.0.0",
        "name": name,
        "description": description,
        "version": "1.0.0",
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": list(bounds),
        "center": [round((bounds[0] + bounds[2]) / 2, 6), round((bounds[1] + bounds[3]) / 2, 6), centre_zoom],
        "vector_layers": [vector_layer(lyr) for lyr in layers],
    }
