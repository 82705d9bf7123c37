"""DXF drawings from survey offices: parcels are closed polylines, their numbers are TEXT inside.

GDAL's DXF driver expands block INSERTs and approximates arcs (polyline bulges)
with short segments; we ask it to return closed polylines as polygons and then
give each polygon the text that lies inside it (the smallest polygon wins, so a
plan outline around the parcels does not steal their numbers).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from django.utils.translation import gettext as _

from imports.errors import ImportRefused, gdal_message

_POLYGONAL = {"Polygon", "MultiPolygon"}


def dxf_frame(content: bytes, *, columns: list[str]):
    """A DXF drawing (its bytes) as GDAL reads it, closed polylines as polygons and block INSERTs expanded: a
    GeoDataFrame of ``columns``. GDAL's own error when it cannot read it (the callers say what it means)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".dxf") as tmp:
        tmp.write(content)
        tmp.flush()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": "TRUE", "DXF_INLINE_BLOCKS": "TRUE"})
            try:
                return pyogrio.read_dataframe(tmp.name, columns=columns)
            finally:
                pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": None, "DXF_INLINE_BLOCKS": None})


def read_parcels(path: Path):
    from imports.readers import Batch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": "TRUE", "DXF_INLINE_BLOCKS": "TRUE"})
            try:
                df = pyogrio.read_dataframe(str(path), columns=["Layer", "Text"])
            finally:
                pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": None, "DXF_INLINE_BLOCKS": None})
    except Exception as exc:
        raise ImportRefused(_("The drawing cannot be read: %(e)s") % {"e": gdal_message(exc, Path(path))},
                            code="unreadable") from None
    geoms = np.asarray(df.geometry.values, dtype=object)
    kinds = shapely.get_type_id(geoms)
    polygonal = np.isin(kinds, [3, 6])
    texts = df["Text"].fillna("").astype(str).to_numpy()
    is_label = (kinds == 0) & (texts != "")
    polys = geoms[polygonal]
    numbers = np.full(len(polys), "", dtype=object)
    if len(polys) and is_label.any():
        areas = shapely.area(polys)
        tree = shapely.STRtree(polys)
        label_idx, poly_idx = tree.query(geoms[is_label], predicate="within")
        label_text = texts[is_label]
        best: dict[int, tuple[float, int]] = {}
        for li, pi in zip(label_idx, poly_idx, strict=True):
            if li not in best or areas[pi] < best[li][0]:
                best[li] = (areas[pi], pi)
        for li, (_area, pi) in best.items():
            numbers[pi] = label_text[li].strip() if not numbers[pi] else f"{numbers[pi]} {label_text[li].strip()}"
    open_lines = int(np.isin(kinds, [1, 5]).sum())
    notes = []
    keep = np.ones(len(polys), dtype=bool)
    if len(polys):
        # An unlabelled outline around other polygons is a plan or block boundary, not a parcel.
        outer, _inner = shapely.STRtree(polys).query(polys, predicate="contains_properly")
        outlines = np.unique(outer)
        keep[outlines[numbers[outlines] == ""]] = False
        if (~keep).any():
            notes.append(_("%(n)d unnumbered outlines around other polygons were ignored.") % {"n": int((~keep).sum())})
    polys, numbers = polys[keep], numbers[keep]
    layers = df["Layer"].fillna("").astype(str).to_numpy()[polygonal][keep]
    if open_lines:
        notes.append(_("%(n)d open polylines were not parcels and were ignored.") % {"n": open_lines})
    attrs = {"layer": layers, "text": numbers}
    return Batch(wkb=list(shapely.to_wkb(polys)), attrs=attrs, start=0), notes


def bounds(batch) -> tuple[float, float, float, float] | None:
    if not batch.wkb:
        return None
    b = shapely.total_bounds(shapely.from_wkb(batch.wkb))
    return tuple(float(v) for v in b) if np.isfinite(b).all() else None
