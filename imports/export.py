"""Exporting any registered layer to GPKG, zipped Shapefile, GeoJSON, DXF or CSV (WKT), in a known CRS.

Rows stream out of PostGIS already transformed (ST_Transform + ST_AsBinary) in
chunks and are appended to the file, so memory stays flat for a million parcels.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import geopandas as gpd
import shapely
from django.contrib.gis.db.models.functions import AsWKB, Transform
from django.utils.translation import gettext as _

from geo.crs import KNOWN_CRS
from geo.layers import get_layer
from imports import dxf_write
from imports.errors import ImportRefused

FORMATS = {"gpkg": ".gpkg", "shp": ".zip", "geojson": ".geojson", "dxf": ".dxf", "csv": ".csv"}
_DRIVERS = {"gpkg": "GPKG", "shp": "ESRI Shapefile", "geojson": "GeoJSON", "csv": "CSV"}
CHUNK = 20_000
# Shapefile (dBASE) field names stop at 10 characters; these are the names our readers recognise.
_SHP_NAMES = {"plan_number": "plan_no", "deed_number": "deed_no", "approval_date": "approved",
              "regulation_id": "regulation"}


def _columns(layer) -> list[str]:
    cols = list(layer.fields)
    # Parcels and blocks are known by plan number on every deed, not by our row id.
    if any(f.name == "plan" for f in layer.model._meta.concrete_fields):
        cols.append("plan__number")
    return cols


def _plain(v):
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    return v


def _chunks(layer, municipality, srid: int):
    cols = _columns(layer)
    qs = (layer.queryset(municipality=municipality)
          .annotate(_wkb=AsWKB(Transform(layer.geom_field, srid))).order_by("pk").values_list(*cols, "_wkb"))
    names = [c.replace("plan__number", "plan_number") for c in cols]
    rows, sent = [], False
    for row in qs.iterator(chunk_size=CHUNK):
        rows.append(row)
        if len(rows) == CHUNK:
            yield names, rows
            rows, sent = [], True
    if rows or not sent:  # an empty layer still gets a file with its columns
        yield names, rows


def _frame(names, rows, srid):
    data = {n: [_plain(r[i]) for r in rows] for i, n in enumerate(names)}
    geoms = shapely.from_wkb([bytes(r[-1]) for r in rows]) if rows else []
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=f"EPSG:{srid}")


def write_rows(*, names: list[str], rows: list[tuple], srid: int, fmt: str, out: Path, layer_name: str) -> int:
    """Write rows already read (attributes, then the geometry as WKB last) as a GeoPackage or CSV file.

    For answers that are not a whole layer (e.g. the parcels of a map analysis); returns rows written.
    """
    if fmt not in ("gpkg", "csv"):
        raise ImportRefused(_("Unknown export format %(f)s.") % {"f": fmt}, code="format")
    _frame(names, rows, srid).to_file(
        out, driver=_DRIVERS[fmt], engine="pyogrio", layer=layer_name,
        layer_options={"GEOMETRY": "AS_WKT"} if fmt == "csv" else None,
        geometry_type=None if rows else "Unknown",
    )
    return len(rows)


def export_layer(*, layer_name: str, fmt: str, srid: int, out: Path, municipality=None) -> tuple[Path, int]:
    """Write the layer to ``out`` (a zip for Shapefile); return (path, features written)."""
    layer = get_layer(layer_name)
    if fmt not in FORMATS:
        raise ImportRefused(_("Unknown export format %(f)s.") % {"f": fmt}, code="format")
    if srid not in KNOWN_CRS:
        raise ImportRefused(_("EPSG:%(s)s is not a supported coordinate reference system.") % {"s": srid},
                            code="unknown_crs")
    out = Path(out)
    out.unlink(missing_ok=True)
    if fmt == "dxf":
        return out, _write_dxf(layer, municipality, srid, out)
    if fmt == "shp":
        with tempfile.TemporaryDirectory() as tmp:
            shp = Path(tmp) / f"{layer.name}.shp"
            n = _write_ogr(layer, municipality, srid, shp, "shp")
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                for part in Path(tmp).iterdir():
                    zf.write(part, part.name)
        return out, n
    return out, _write_ogr(layer, municipality, srid, out, fmt)


def _write_ogr(layer, municipality, srid, path: Path, fmt: str) -> int:
    total = 0
    opts = {"GEOMETRY": "AS_WKT"} if fmt == "csv" else {}
    if fmt == "shp":
        opts["ENCODING"] = "UTF-8"
    for names, rows in _chunks(layer, municipality, srid):
        df = _frame(names, rows, srid)
        if fmt == "shp":
            df = df.rename(columns=_SHP_NAMES)
        df.to_file(path, driver=_DRIVERS[fmt], engine="pyogrio", layer=layer.name, append=total > 0,
                   layer_options=opts or None, geometry_type=None if rows else "Unknown")
        total += len(rows)
    return total


def _write_dxf(layer, municipality, srid, path: Path) -> int:
    total = 0
    height = 1.0 if KNOWN_CRS[srid].projected else 0.00001
    with open(path, "w", encoding="utf-8") as fh:
        dxf_write.write_header(fh)
        for names, rows in _chunks(layer, municipality, srid):
            label_at = names.index("number") if "number" in names else None
            for r in rows:
                label = str(r[label_at]) if label_at is not None else ""
                dxf_write.write_feature(fh, shapely.from_wkb(bytes(r[-1])), label, layer=layer.name.upper(),
                                        text_height=height)
            total += len(rows)
        dxf_write.write_footer(fh)
    return total
