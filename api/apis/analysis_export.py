"""The parcels of a buffer analysis as a file (GeoPackage or CSV), written by the imports app's exporter."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.gis.db.models.functions import AsWKB
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from api.apis.base import ApiBase
from api.apis.spatial import BufferInput, target_geometry
from api.errors import BadInput
from api.map_selectors import analysis_parcels
from imports.export import write_rows

FORMATS = {"gpkg": ("application/geopackage+sqlite3", ".gpkg"), "csv": ("text/csv", ".csv")}
COLUMNS = ("number", "plan__number", "land_use", "status", "area_m2", "deed_number")
MAX_FEATURES = 50_000


class AnalysisExportApi(ApiBase):
    """The parcels inside a geometry (or within ``metres`` of it) with their land use and area, as a file."""

    required_scopes = {"POST": "read"}

    @extend_schema(
        request=BufferInput,
        parameters=[OpenApiParameter("output", str, enum=list(FORMATS), required=True)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def post(self, request):
        fmt = request.query_params.get("output", "")
        if fmt not in FORMATS:
            raise BadInput(_("“output” must be one of: %(f)s.") % {"f": ", ".join(FORMATS)}, param="output")
        ser = BufferInput(data=request.data, context=self.input_context())
        ser.is_valid(raise_exception=True)
        geom = target_geometry(ser.validated_data, self.municipality)
        qs = analysis_parcels(municipality=self.municipality, geometry=geom, metres=ser.validated_data["metres"])
        rows = list(qs.annotate(_wkb=AsWKB("geom")).values_list("pk", *COLUMNS, "_wkb")[: MAX_FEATURES + 1])
        if len(rows) > MAX_FEATURES:
            raise BadInput(_("More than %(n)d parcels: draw a smaller area.") % {"n": MAX_FEATURES}, param="geometry")
        names = ["id", *(c.replace("plan__number", "plan_number") for c in COLUMNS)]
        content_type, suffix = FORMATS[fmt]
        tmp = Path(tempfile.mkdtemp(prefix="ardh-analysis-")) / f"analysis{suffix}"
        write_rows(names=names, rows=rows, srid=4326, fmt=fmt, out=tmp, layer_name="parcels")
        response = FileResponse(open(tmp, "rb"), content_type=content_type, as_attachment=True,
                                filename=f"ardh-analysis{suffix}")
        tmp.unlink()  # the open handle keeps the data until the response is sent
        tmp.parent.rmdir()
        return response
