"""What a file is, told by its content and never by its name: a renamed program stays a program.

``sniff(head, whole)`` returns the MIME type of the kinds of file cases accept, or None. ``head`` is the first
bytes (``HEAD_BYTES``); ``whole`` is a callable giving the entire content, asked only for text formats that
must be parsed to be known (GeoJSON; the size was checked before).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

HEAD_BYTES = 64 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DXF = "image/vnd.dxf"
DWG = "image/vnd.dwg"
GEOJSON = "application/geo+json"
CSV = "text/csv"
KNOWN = (PDF, PNG, JPEG, DXF, DWG, GEOJSON, CSV)

GEOJSON_TYPES = {"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString",
                 "Polygon", "MultiPolygon", "GeometryCollection"}
# An ASCII DXF starts with group code 0 and SECTION (after optional 999 comment groups).
_ASCII_DXF = re.compile(rb"\A\s*(?:999\s*\r?\n[^\r\n]*\r?\n\s*)*0\s*\r?\n\s*SECTION\s*\r?\n")
_DWG = re.compile(rb"\AAC10\d\d")
_BINARY_DXF = b"AutoCAD Binary DXF\r\n\x1a\x00"
_BOM = b"\xef\xbb\xbf"


def sniff(head: bytes, whole: Callable[[], bytes]) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _DWG.match(head):
        return DWG
    if head.startswith(_BINARY_DXF) or _ASCII_DXF.match(head):
        return DXF
    text = head.removeprefix(_BOM).lstrip()
    if text.startswith(b"{"):
        return GEOJSON if _is_geojson(whole()) else None
    if _is_csv(head):
        return CSV
    return None


def _is_geojson(content: bytes) -> bool:
    try:
        doc = json.loads(content.removeprefix(_BOM).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and doc.get("type") in GEOJSON_TYPES


def _is_csv(head: bytes) -> bool:
    """UTF-8 text of rows split by commas or semicolons, each row the same number of cells."""
    if b"\x00" in head:
        return False
    if len(head) == HEAD_BYTES:  # a multi-byte character may be cut at the end of the head
        head = head[: head.rfind(b"\n") + 1] or head
    try:
        text = head.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return False
    if text.lstrip().startswith("<"):  # HTML, XML, SVG
        return False
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if not lines:
        return False
    for delimiter in (",", ";"):
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        widths = {len(row) for row in rows}
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False
