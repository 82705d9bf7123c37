"""Writing a DXF (R12 ASCII) the way survey offices read it: closed polylines and a TEXT label each.

GDAL's DXF writer cannot attach labels without OGR style strings, which pyogrio
does not expose; R12 is simple enough to write directly, and a file written here
reads back through ``imports.dxf`` with its parcel numbers.
"""

from __future__ import annotations

from typing import TextIO

import shapely


def _tag(out: TextIO, code: int, value) -> None:
    out.write(f"{code}\n{value}\n")


def _ring(out: TextIO, coords, layer: str, closed: bool) -> None:
    _tag(out, 0, "POLYLINE"); _tag(out, 8, layer); _tag(out, 66, 1); _tag(out, 70, 1 if closed else 0)  # noqa: E702
    pts = coords[:-1] if closed else coords
    for x, y in pts:
        _tag(out, 0, "VERTEX"); _tag(out, 8, layer); _tag(out, 10, f"{x:.9f}"); _tag(out, 20, f"{y:.9f}")  # noqa: E702
    _tag(out, 0, "SEQEND"); _tag(out, 8, layer)  # noqa: E702


def write_header(out: TextIO) -> None:
    for code, value in [(0, "SECTION"), (2, "HEADER"), (9, "$ACADVER"), (1, "AC1009"), (0, "ENDSEC"),
                        (0, "SECTION"), (2, "ENTITIES")]:
        _tag(out, code, value)


def write_feature(out: TextIO, geom, label: str, *, layer: str, text_height: float) -> None:
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "Polygon":
            for ring in [part.exterior, *part.interiors]:
                _ring(out, list(ring.coords), layer, closed=True)
        elif part.geom_type == "LineString":
            _ring(out, list(part.coords), layer, closed=False)
    if label:
        p = shapely.point_on_surface(geom)
        _tag(out, 0, "TEXT"); _tag(out, 8, f"{layer}_LABELS"); _tag(out, 10, f"{p.x:.9f}")  # noqa: E702
        _tag(out, 20, f"{p.y:.9f}"); _tag(out, 40, text_height); _tag(out, 1, label)  # noqa: E702


def write_footer(out: TextIO) -> None:
    _tag(out, 0, "ENDSEC")
    _tag(out, 0, "EOF")
