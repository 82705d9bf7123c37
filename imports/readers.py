"""Opening what municipalities send: zipped Shapefile, GeoPackage, GeoJSON, DXF, CSV with WKT.

``open_source`` looks at a file without reading its features (format, layers, declared
CRS, bounds, attribute encoding) and refuses what cannot be read, saying why.
``iter_batches`` then streams the chosen layer in batches of WKB + attribute arrays,
so a million-feature file never sits in memory whole.
"""

from __future__ import annotations

import codecs
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from django.utils.translation import gettext as _
from pyogrio import raw
from pyproj import CRS

from imports import dxf, geojson_source
from imports.archive import extract_zip
from imports.errors import ImportRefused, gdal_message

FORMATS = {".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson", ".shp": "shp", ".dxf": "dxf", ".csv": "csv"}
CSV_OPTIONS = {"GEOM_POSSIBLE_NAMES": "wkt,WKT,geom,geometry,the_geom,GEOM,GEOMETRY", "KEEP_GEOM_COLUMNS": "NO"}


@dataclass
class Batch:
    wkb: list  # WKB bytes or None per feature
    attrs: dict[str, np.ndarray]
    start: int  # index of the first feature of the batch in the layer
    # Why a feature's geometry could not be read (index in the batch -> (code, reason)): reported per feature.
    errors: dict[int, tuple[str, str]] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)  # what was changed on the way in (crs_transformed:<srid>)


@dataclass
class Source:
    path: Path  # the file GDAL opens (inside the unpacked archive for a zip)
    format: str
    layer: str
    layers: list[str]
    declared_srid: int | None
    declared_crs: str
    encoding: str | None
    feature_count: int
    bounds: tuple[float, float, float, float] | None
    fields: list[str]
    notes: list[str] = field(default_factory=list)
    _dxf_cache: list[Batch] | None = field(default=None, repr=False)
    # GeoJSON: geometries read with their own "crs" member (feature index -> (WKB, error, note)), and the
    # features parsed by Python when that or an explanation was needed (imports.geojson_source).
    overrides: dict = field(default_factory=dict, repr=False)
    _features: list | None = field(default=None, repr=False)

    def open_options(self) -> dict:
        return dict(CSV_OPTIONS) if self.format == "csv" else {}

    def describe(self) -> dict:
        return {
            "format": self.format, "layer": self.layer, "layers": self.layers, "features": self.feature_count,
            "declared_srid": self.declared_srid, "declared_crs": self.declared_crs, "encoding": self.encoding,
            "bounds": list(self.bounds) if self.bounds else None, "fields": self.fields, "notes": self.notes,
        }


def open_source(path: Path, *, workdir: Path, layer: str | None = None, encoding: str | None = None) -> Source:
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise ImportRefused(_("The file is empty."), code="empty")
    suffix = path.suffix.lower()
    notes: list[str] = []
    if suffix == ".zip":
        path, notes = _from_zip(path, workdir)
        suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise ImportRefused(
            _("Files of type %(ext)s are not supported; send Shapefile (zip), GeoPackage, GeoJSON, DXF or CSV.")
            % {"ext": suffix or "?"},
            code="format",
        )
    if fmt == "shp":
        notes += _check_shapefile(path)
    if encoding is None and fmt in {"shp", "csv"}:
        encoding = _guess_encoding(path, fmt)
    layers = _spatial_layers(path, fmt)
    if layer is None:
        if len(layers) > 1:
            raise ImportRefused(
                _("The file has several layers (%(layers)s); choose one.") % {"layers": ", ".join(layers)},
                code="choose_layer",
                details={"layers": layers},
            )
        layer = layers[0]
    elif layer not in layers:
        raise ImportRefused(
            _("The file has no layer %(layer)s; it has: %(layers)s.") % {"layer": layer, "layers": ", ".join(layers)},
            code="choose_layer",
            details={"layers": layers},
        )
    src = Source(path=path, format=fmt, layer=layer, layers=layers, declared_srid=None, declared_crs="",
                 encoding=encoding, feature_count=0, bounds=None, fields=[], notes=notes)
    if fmt == "dxf":
        return _describe_dxf(src)
    info = _read_info(src)
    src.fields = [str(f) for f in info["fields"]]
    src.feature_count = int(info["features"])
    tb = info.get("total_bounds")
    src.bounds = tuple(float(v) for v in tb) if tb is not None and np.isfinite(tb).all() else None
    src.declared_crs = info.get("crs") or ""
    src.declared_srid = _epsg(src.declared_crs)
    if src.feature_count == 0:
        raise ImportRefused(_("The layer %(layer)s has no features.") % {"layer": layer}, code="empty")
    if fmt == "geojson":
        src.overrides, src._features = geojson_source.geometry_crs_overrides(
            path, file_srid=src.declared_srid or 4326)
        if src.overrides:  # GDAL's bounds mixed the CRSs: the CRS check needs them as they will be staged
            src.bounds = _bounds(src)
    return src


def _bounds(src: Source) -> tuple[float, float, float, float] | None:
    boxes = np.array([shapely.total_bounds(shapely.from_wkb([w for w in b.wkb if w], on_invalid="ignore"))
                      for b in iter_batches(src)])
    if not len(boxes) or np.isnan(boxes).all():
        return None
    return (float(np.nanmin(boxes[:, 0])), float(np.nanmin(boxes[:, 1])), float(np.nanmax(boxes[:, 2])),
            float(np.nanmax(boxes[:, 3])))


def iter_batches(src: Source, *, batch_size: int = 50_000) -> Iterator[Batch]:
    if src.format == "dxf":
        yield from src._dxf_cache or []
        return
    start = 0
    while start < src.feature_count:
        try:
            batch = _read(src, start, batch_size)
        except Exception:  # GDAL refused a feature of the batch (e.g. string coordinates): find which
            batch = _read_one_by_one(src, start, min(batch_size, src.feature_count - start))
        if batch is None:
            break
        if src.format == "geojson":
            _amend_geojson(src, batch)
        yield batch
        start += len(batch.wkb)


def _amend_geojson(src: Source, batch: Batch) -> None:
    """Geometries with their own ``crs`` as read by Ardh's parser; a reason for those GDAL read as nothing."""
    for i in range(len(batch.wkb)):
        index = batch.start + i
        if index in src.overrides:
            wkb, error, note = src.overrides[index]
            batch.wkb[i] = wkb
            if error:
                batch.errors[i] = error
            if note:
                batch.notes[i] = note
        elif batch.wkb[i] is None and i not in batch.errors:
            if src._features is None:
                src._features = geojson_source.raw_features(src.path) or []
            why = geojson_source.explain_missing(src._features, index, file_srid=src.declared_srid or 4326)
            if why:
                batch.errors[i] = why


def _read(src: Source, start: int, count: int, *, read_geometry: bool = True) -> Batch | None:
    options = src.open_options()
    if src.format == "csv":
        options["KEEP_GEOM_COLUMNS"] = "YES"  # the WKT text: why a geometry could not be read
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        meta, fids, geoms, data = raw.read(
            str(src.path), layer=src.layer, encoding=src.encoding, skip_features=start, max_features=count,
            read_geometry=read_geometry, return_fids=not read_geometry, **options,
        )
    n = len(geoms) if geoms is not None else len(fids)  # without geometry, the ids count the features
    if n == 0:
        return None
    attrs = {str(f): d for f, d in zip(meta["fields"], data, strict=True)}
    batch = Batch(wkb=list(geoms) if geoms is not None else [None] * n, attrs={}, start=start)
    for name, values in attrs.items():
        if src.format == "csv" and name not in src.fields:  # the geometry column kept as text
            if read_geometry:
                _explain_wkt(batch, values)
        else:
            batch.attrs[name] = values
    return batch


def _explain_wkt(batch: Batch, texts) -> None:
    """The reason GDAL read no geometry from a CSV row's WKT: the text is not WKT (or not readable)."""
    for i, (wkb, text) in enumerate(zip(batch.wkb, texts, strict=True)):
        if wkb is None and isinstance(text, str) and text.strip():
            try:
                shapely.from_wkt(text, on_invalid="raise")
                reason = _("GDAL could not read it.")
            except Exception as exc:  # shapely raises GEOSException (and others for odd text)
                reason = str(exc).split(":", 1)[-1].strip()[:200]
            batch.errors[i] = ("unreadable_geometry", _("The WKT cannot be read (%(text)s…): %(reason)s")
                               % {"text": text.strip()[:40], "reason": reason})


def _read_one_by_one(src: Source, start: int, count: int) -> Batch | None:
    """The batch with attributes read at once and geometries one feature at a time, so one unreadable
    geometry is one feature's error (with GDAL's reason), not the end of the import."""
    batch = _read(src, start, count, read_geometry=False)
    if batch is None:
        return None
    for i in range(len(batch.wkb)):
        try:
            one = _read(src, start + i, 1)
        except Exception as exc:
            batch.errors[i] = ("unreadable_geometry", _("The geometry cannot be read: %(e)s")
                               % {"e": gdal_message(exc, src.path)})
        else:
            batch.wkb[i] = one.wkb[0] if one is not None else None
            if one is not None and one.errors:
                batch.errors[i] = one.errors[0]
    return batch




def _read_info(src: Source) -> dict:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pyogrio.read_info(
                str(src.path), layer=src.layer, encoding=src.encoding, force_feature_count=True,
                force_total_bounds=True, **src.open_options(),
            )
    except Exception as exc:  # GDAL's errors are many classes; all mean "cannot read this"
        raise ImportRefused(_("The file cannot be read: %(e)s") % {"e": gdal_message(exc, src.path)},
                            code="unreadable") from None


def _spatial_layers(path: Path, fmt: str) -> list[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = pyogrio.list_layers(str(path))
    except Exception as exc:
        raise ImportRefused(_("The file cannot be read: %(e)s") % {"e": gdal_message(exc, path)},
                            code="unreadable") from None
    layers = [str(name) for name, gtype in found if gtype is not None or fmt in {"dxf", "csv"}]
    if not layers:
        raise ImportRefused(_("The file has no geometry layer."), code="empty")
    return layers


def _epsg(crs_text: str) -> int | None:
    if not crs_text:
        return None
    try:
        crs = CRS.from_user_input(crs_text)
        # A 3D CRS (GeoJSON with heights says EPSG:4979): the 2D one; heights are dropped (z_dropped).
        return (crs.to_2d() if crs.is_geographic or crs.is_projected else crs).to_epsg(min_confidence=70)
    except Exception:
        return None


def _from_zip(path: Path, workdir: Path) -> tuple[Path, list[str]]:
    files = extract_zip(path, workdir)
    readable = [f for f in files if f.suffix.lower() in FORMATS and f.suffix.lower() != ".json"]
    if not readable:
        names = ", ".join(f.name for f in files) or _("nothing")
        if any(f.suffix.lower() == ".dbf" for f in files):
            raise ImportRefused(_("The archive has a .dbf but no .shp file."), code="shp_incomplete")
        raise ImportRefused(_("The archive holds no readable layer (it has: %(names)s).") % {"names": names},
                            code="format")
    if len(readable) > 1:
        raise ImportRefused(
            _("The archive holds several datasets (%(names)s); send one per upload.")
            % {"names": ", ".join(f.name for f in readable)},
            code="choose_layer",
        )
    return readable[0], []


def _sibling(path: Path, ext: str) -> Path | None:
    for p in path.parent.iterdir():
        if p.stem == path.stem and p.suffix.lower() == ext:
            return p
    return None


def _check_shapefile(path: Path) -> list[str]:
    for ext in (".dbf", ".shx"):
        if _sibling(path, ext) is None:
            raise ImportRefused(
                _("The shapefile %(name)s has no %(ext)s file; send the .shp, .shx, .dbf (and .prj) together.")
                % {"name": path.name, "ext": ext},
                code="shp_incomplete",
            )
    if _sibling(path, ".prj") is None:
        return [_("No .prj file: the coordinate reference system is unknown and must be confirmed.")]
    return []


def _guess_encoding(path: Path, fmt: str) -> str | None:
    """Attribute text encoding: UTF-8 when the bytes decode as UTF-8, else Windows Arabic (cp1256).

    Old Saudi desktop GIS writes DBFs in cp1256 without a .cpg; read as Latin-1 they
    turn into mojibake that nobody notices until the deeds print.
    """
    if fmt == "shp":
        cpg = _sibling(path, ".cpg")
        if cpg is not None:
            return None  # GDAL honours the .cpg
        data_path = _sibling(path, ".dbf")
    else:
        data_path = path
    with open(data_path, "rb") as fh:
        data = fh.read(4 * 1024 * 1024)
    if fmt == "shp" and len(data) > 10:
        data = data[int.from_bytes(data[8:10], "little"):]  # skip the binary DBF header
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
        return "UTF-8"
    except UnicodeDecodeError:
        return "CP1256"


def _describe_dxf(src: Source) -> Source:
    batch, notes = dxf.read_parcels(src.path)
    src.notes += notes
    src._dxf_cache = [batch]
    src.feature_count = len(batch.wkb)
    src.fields = list(batch.attrs)
    src.bounds = dxf.bounds(batch)
    if src.feature_count == 0:
        raise ImportRefused(_("The drawing has no closed polylines or polygons."), code="empty")
    return src
