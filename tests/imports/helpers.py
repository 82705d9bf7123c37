"""Writing import test files with GDAL (no binary fixtures) and running imports."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Transformer
from shapely.geometry import box

from imports.services import ImportOptions, import_parcels
from tests.shapes import lonlat


def square(i: int, *, size: float = 30.0, pitch: float = 40.0, shift: float = 0.0):
    """Parcel i of a 10-wide grid, in local metres around Al-Rass (see tests/shapes.py)."""
    x, y = (i % 10) * pitch + shift, (i // 10) * pitch
    return box(x, y, x + size, y + size)


def to_lonlat(geom):
    return shapely.transform(geom, lambda c: __import__("numpy").array([lonlat(x, y) for x, y in c]))


def to_srid(geom_ll, srid: int):
    tr = Transformer.from_crs(4326, srid, always_xy=True)
    return shapely.transform(geom_ll, lambda c: __import__("numpy").column_stack(tr.transform(c[:, 0], c[:, 1])))


def frame(plan_number: str, n: int = 6, *, srid: int | None = 4326, land_use="residential", start: int = 0,
          geoms=None, **extra):
    geoms = geoms if geoms is not None else [to_lonlat(square(i)) for i in range(start, start + n)]
    if srid not in (None, 4326):
        geoms = [to_srid(g, srid) for g in geoms]
    data = {"PLAN_NO": [plan_number] * len(geoms), "PARCEL_NO": [str(101 + start + i) for i in range(len(geoms))],
            "LAND_USE": [land_use] * len(geoms), **extra}
    return gpd.GeoDataFrame(data, geometry=geoms, crs=f"EPSG:{srid}" if srid else None)


def write(df, path: Path, **kw) -> Path:
    driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".shp": "ESRI Shapefile"}[path.suffix]
    df.to_file(path, driver=driver, engine="pyogrio", **kw)
    return path


def write_csv(df, path: Path, *, encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        cols = [c for c in df.columns if c != "geometry"]
        w.writerow([*cols, "WKT"])
        for _, row in df.iterrows():
            w.writerow([*(row[c] for c in cols), row.geometry.wkt if row.geometry is not None else ""])
    return path


def run(path, municipality, *, commit=False, actor="test", **opts) -> dict:
    return import_parcels(path=Path(path), municipality=municipality, options=ImportOptions(**opts), actor=actor,
                          commit=commit)
