"""Reading a survey: the corner coordinates of one plot from a CSV table, a GeoJSON file or a DXF drawing, in any
CRS Ardh knows (geo.crs.KNOWN_CRS). Every refusal says what is wrong and where (line, corner, CRS).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import Polygon, shape

from common.errors import RegisterError
from geo.crs import KNOWN_CRS, srid_from_name
from imports.crs_guess import candidates
from imports.dxf import dxf_frame
from surveys.compare import to_srid

MAX_CORNERS = 500
KSA_BOUNDS = (34.0, 16.0, 56.0, 33.0)
X_NAMES = {"x", "e", "east", "easting", "lon", "long", "longitude", "lng"}
Y_NAMES = {"y", "n", "north", "northing", "lat", "latitude"}


class SurveyRefused(RegisterError):
    pass


@dataclass
class SurveyOutline:
    polygon: Polygon  # in ``srid``
    srid: int
    wgs84: Polygon  # the same outline in EPSG:4326 (lon, lat)
    notes: list[str]

    @property
    def corners(self) -> list[list[float]]:
        return [list(c) for c in list(self.polygon.exterior.coords)[:-1]]


def _number(text: str, line: int, column: str) -> float:
    try:
        value = float(text.strip().replace("\u066b", ".").translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
    except ValueError:
        raise SurveyRefused(_("Line %(line)d: “%(text)s” in column %(col)s is not a number.")
                            % {"line": line, "text": text.strip()[:30], "col": column}, code="survey_csv") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise SurveyRefused(_("Line %(line)d: column %(col)s is not a finite number.") % {"line": line, "col": column},
                            code="survey_csv")
    return value


def read_csv(content: bytes) -> list[tuple[float, float]]:
    """The corners of a table: columns named x/y, E/N, easting/northing or lon/lat (a header is optional: then
    the last two columns are x and y, e.g. ``point,x,y``); comma, semicolon or tab separated."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SurveyRefused(_("The table is not UTF-8 text."), code="survey_csv") from None
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [(i, r) for i, r in enumerate(csv.reader(io.StringIO(text), dialect), start=1) if any(c.strip() for c in r)]
    if not rows:
        raise SurveyRefused(_("The table is empty."), code="survey_csv")
    header = [c.strip().lower() for c in rows[0][1]]
    xi = next((i for i, name in enumerate(header) if name in X_NAMES), None)
    yi = next((i for i, name in enumerate(header) if name in Y_NAMES), None)
    if xi is not None and yi is not None:
        rows = rows[1:]
    else:
        try:
            float(rows[0][1][-1])
        except ValueError:
            raise SurveyRefused(_("Line 1: name the coordinate columns x and y (or E and N, or lon and lat)."),
                                code="survey_csv") from None
        width = len(rows[0][1])
        if width < 2:
            raise SurveyRefused(_("Line 1: a corner needs two coordinates."), code="survey_csv")
        xi, yi = width - 2, width - 1
    corners = []
    for line, row in rows:
        if len(row) <= max(xi, yi):
            raise SurveyRefused(_("Line %(line)d has %(n)d columns; the coordinates are in columns %(x)d and %(y)d.")
                                % {"line": line, "n": len(row), "x": xi + 1, "y": yi + 1}, code="survey_csv")
        corners.append((_number(row[xi], line, "x"), _number(row[yi], line, "y")))
    return corners


def read_geojson(content: bytes) -> tuple[Polygon, int | None]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SurveyRefused(_("The GeoJSON cannot be read: %(e)s") % {"e": str(exc)[:120]},
                            code="survey_geojson") from None
    declared = None
    crs = data.get("crs") if isinstance(data, dict) else None
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        declared = srid_from_name(name)
        if declared is None:
            raise SurveyRefused(_("The GeoJSON names a CRS Ardh does not know: %(name)s.") % {"name": str(name)[:80]},
                                code="survey_crs")
    geoms = []
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        geoms = [f.get("geometry") for f in data.get("features") or [] if isinstance(f, dict)]
    elif isinstance(data, dict) and data.get("type") == "Feature":
        geoms = [data.get("geometry")]
    elif isinstance(data, dict):
        geoms = [data]
    polygons = []
    for g in geoms:
        try:
            s = shape(g)
        except Exception:
            raise SurveyRefused(_("A geometry of the GeoJSON is malformed."), code="survey_geojson") from None
        polygons += list(s.geoms) if s.geom_type == "MultiPolygon" else [s] if s.geom_type == "Polygon" else []
    if len(polygons) != 1:
        raise SurveyRefused(_("The GeoJSON must hold exactly one polygon, the plot's outline; it holds %(n)d.")
                            % {"n": len(polygons)}, code="survey_geojson")
    return polygons[0], declared


def read_dxf(content: bytes) -> tuple[Polygon, list[str]]:
    """The plot's outline in a drawing: its closed polylines (the largest one when there are several)."""
    try:
        df = dxf_frame(content, columns=["Layer"])
    except Exception:
        raise SurveyRefused(_("The drawing cannot be read as DXF."), code="survey_dxf") from None
    polygons = []
    for g in df.geometry.values:
        if g is not None and g.geom_type == "Polygon":
            polygons.append(g)
        elif g is not None and g.geom_type == "MultiPolygon":
            polygons += list(g.geoms)
    if not polygons:
        raise SurveyRefused(_("The drawing has no closed polyline: draw the plot's outline as one."), code="survey_dxf")
    notes = []
    if len(polygons) > 1:
        notes.append(_("The drawing has %(n)d closed outlines; the largest was taken as the plot.")
                     % {"n": len(polygons)})
    return max(polygons, key=lambda p: p.area), notes


def read_survey(content: bytes, *, content_type: str, srid: int | None) -> SurveyOutline:
    """The outline of the survey and the CRS it is in. ``srid``: what the applicant said (required for a table
    and a drawing; a GeoJSON's own ``crs`` must agree with it; without either, GeoJSON is WGS 84)."""
    if srid is not None and srid not in KNOWN_CRS:
        raise SurveyRefused(_("EPSG:%(srid)s is not a CRS Ardh knows.") % {"srid": srid}, code="survey_crs")
    notes: list[str] = []
    if content_type == "text/csv":
        corners = read_csv(content)
        if len(corners) > 1 and corners[0] == corners[-1]:
            corners = corners[:-1]
        if len(corners) < 3:
            raise SurveyRefused(_("A plot needs at least three corners; the table has %(n)d.") % {"n": len(corners)},
                                code="survey_corners")
        polygon = Polygon(corners)
    elif content_type == "application/geo+json":
        polygon, declared = read_geojson(content)
        if declared is not None and srid is not None and declared != srid:
            raise SurveyRefused(_("The GeoJSON says it is in EPSG:%(file)s but the application says EPSG:%(form)s.")
                                % {"file": declared, "form": srid}, code="survey_crs")
        srid = srid or declared or 4326
    elif content_type == "image/vnd.dxf":
        polygon, notes = read_dxf(content)
    else:
        raise SurveyRefused(_("A survey is a CSV table, a GeoJSON file or a DXF drawing."), code="survey_type")
    if srid is None:
        raise SurveyRefused(_("Say which CRS the survey's coordinates are in."), code="survey_crs")
    if len(polygon.exterior.coords) - 1 > MAX_CORNERS:
        raise SurveyRefused(_("A plot of more than %(n)d corners is not a survey.") % {"n": MAX_CORNERS},
                            code="survey_corners")
    polygon = shapely.force_2d(polygon)
    if not polygon.is_valid:
        reason = shapely.is_valid_reason(polygon)
        raise SurveyRefused(_("The outline is not a valid polygon: %(reason)s.") % {"reason": reason},
                            code="survey_invalid")
    wgs84 = to_srid(polygon, srid, 4326) if srid != 4326 else polygon
    minx, miny, maxx, maxy = wgs84.bounds
    inside = KSA_BOUNDS[0] <= minx and maxx <= KSA_BOUNDS[2] and KSA_BOUNDS[1] <= miny and maxy <= KSA_BOUNDS[3]
    if not inside or not all(map(lambda v: v == v and abs(v) != float("inf"), wgs84.bounds)):
        fitting, _swapped = candidates(polygon.bounds)
        fits = ", ".join(f"EPSG:{s}" for s in fitting)
        hint = " " + _("The coordinates fit %(list)s.") % {"list": fits} if fitting else ""
        raise SurveyRefused(
            _("In EPSG:%(srid)s (%(name)s) the survey's corners do not fall in Saudi Arabia: is the CRS right?")
            % {"srid": srid, "name": KNOWN_CRS[srid].name} + hint, code="survey_crs")
    return SurveyOutline(polygon=polygon, srid=srid, wgs84=wgs84, notes=notes)
