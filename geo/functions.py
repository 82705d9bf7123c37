"""Database functions for metric measurements on longitude/latitude geometry.

Storage is EPSG:4326; distances and areas must be in metres, so these cast to
PostGIS ``geography`` (geodesic on the WGS 84 ellipsoid). Index use comes from a
bounding-box prefilter in degrees (see ``selectors.metric_bbox``).
"""

from __future__ import annotations

from django.contrib.gis.db.models.functions import GeoFuncMixin
from django.db.models import BooleanField, FloatField, Func


class _GeographyFunc(GeoFuncMixin, Func):
    function = ""
    geography_args = 0

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for i, expr in enumerate(self.source_expressions):
            sql, p = compiler.compile(expr)
            parts.append(f"({sql})::geography" if i < self.geography_args else sql)
            params.extend(p)
        return f"{self.function}({', '.join(parts)})", params


class GeographyDistance(_GeographyFunc):
    """Geodesic distance in metres between two geometries."""

    function = "ST_Distance"
    arity = 2
    geography_args = 2
    geom_param_pos = (0, 1)
    output_field = FloatField()


class GeographyDWithin(_GeographyFunc):
    """True where two geometries are within a number of metres of each other."""

    function = "ST_DWithin"
    arity = 3
    geography_args = 2
    geom_param_pos = (0, 1)
    output_field = BooleanField()


class GeographyArea(_GeographyFunc):
    """Geodesic area in square metres."""

    function = "ST_Area"
    arity = 1
    geography_args = 1
    geom_param_pos = (0,)
    output_field = FloatField()
