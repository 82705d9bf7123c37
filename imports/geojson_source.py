"""GeoJSON files through Ardh's own GeoJSON parser (``geo.geojson``) where GDAL is silent or wrong.

- A geometry with its own ``crs`` member (GeoJSON 2008): GDAL ignores it and reads the numbers in the
  file's CRS (UTM metres as degrees). Here it is honoured when it names a CRS Ardh knows: the geometry is
  transformed to the file's CRS and the report says so (``crs_transformed``); any other is that feature's
  error (``unknown_crs``). Never ignored.
- A geometry GDAL read as nothing (string coordinates, an odd nesting): the same parser says why
  (``invalid_geojson`` and the path of the bad member) instead of "the feature has no geometry".

The file is parsed with Python's json only when needed (a ``"crs"`` member somewhere, or a geometry GDAL
could not read), and at most ``ARDH_IMPORT_GEOJSON_CHECK_BYTES`` (128 MB) of it.
"""

from __future__ import annotations

from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException
from django.utils.translation import gettext as _

from common.json_input import JSONInputError, loads
from geo.geojson import parse_geometry
from geo.validation import GeometryError
from imports.errors import ImportRefused


def _max_bytes() -> int:
    return getattr(settings, "ARDH_IMPORT_GEOJSON_CHECK_BYTES", 128 * 1024 * 1024)


def raw_features(path: Path) -> list | None:
    """The features of a GeoJSON file as Python objects, or None when it is too large to parse here."""
    if path.stat().st_size > _max_bytes():
        return None
    try:
        data = loads(path.read_bytes())
    except JSONInputError as exc:
        raise ImportRefused(_("The file cannot be read: %(e)s") % {"e": exc}, code="unreadable") from None
    features = data.get("features") if isinstance(data, dict) else None
    return features if isinstance(features, list) else None


def _may_have_geometry_crs(path: Path) -> bool:
    """Whether a ``"crs"`` member may sit inside a feature: found after ``"features"`` begins (the top-level one
    that GDAL and most writers put first is GDAL's to read). Read in chunks, never parsed."""
    seen_features, tail = False, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(8 * 1024 * 1024):
            data = tail + chunk
            features_at = data.find(b'"features"') if not seen_features else 0
            if features_at >= 0:
                seen_features = True
                if data.find(b'"crs"', features_at) >= 0:
                    return True
            tail = data[-16:]
    return False


def geometry_crs_overrides(path: Path, *, file_srid: int) -> tuple[dict, list | None]:
    """{feature index: (WKB or None, (code, reason) or None, note or None)} for geometries with their own
    ``crs`` member, read with it and transformed to ``file_srid``; and the parsed features (or None)."""
    if not _may_have_geometry_crs(path):
        return {}, None
    features = raw_features(path)
    if features is None:
        raise ImportRefused(
            _("The file is too large to check the “crs” members of its geometries; send it without them."),
            code="geometry_crs")
    out = {}
    for i, feature in enumerate(features):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or "crs" not in geometry:
            continue
        try:
            geom = parse_geometry(geometry, srid=file_srid)
            srid = geom.srid
            if srid != file_srid:
                geom = geom.transform(file_srid, clone=True)
        except GeometryError as exc:
            out[i] = (None, (exc.code, " ".join(exc.messages)), None)
        except (GEOSException, GDALException):
            out[i] = (None, ("transform", _("The geometry cannot be transformed from its “crs”.")), None)
        else:
            note = f"crs_transformed:{srid}" if srid != file_srid else None
            out[i] = (bytes(geom.wkb), None, note)
    return out, features


def explain_missing(features: list, index: int, *, file_srid: int) -> tuple[str, str] | None:
    """Why a feature GDAL read without geometry has none, when its JSON has one; None if it really has none."""
    feature = features[index] if 0 <= index < len(features) else None
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if geometry is None:
        return None
    try:
        geom = parse_geometry(geometry, srid=file_srid)
    except GeometryError as exc:
        where = f" [{exc.path}]" if exc.path else ""
        return exc.code, " ".join(exc.messages) + where
    if shapely.from_wkb(bytes(geom.wkb), on_invalid="ignore") is None:
        return "unreadable_geometry", _("The geometry cannot be read.")
    return "unreadable_geometry", _("GDAL could not read the geometry.")
