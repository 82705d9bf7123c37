"""CRS URIs of OGC API Features Part 2, limited to ``geo.crs.KNOWN_CRS``.

CRS84 is longitude/latitude. EPSG's geographic CRSs (4326, KSA-GRF17 9333) are
latitude/longitude in their official axis order, so coordinates are flipped for them;
projected CRSs are easting/northing.
"""

from __future__ import annotations

from geo.crs import KNOWN_CRS

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


def uri(srid: int | None) -> str:
    return CRS84 if srid is None else f"{_EPSG}{srid}"


def supported() -> list[str]:
    return [CRS84, *(uri(s) for s in sorted(KNOWN_CRS))]


def parse(value: str) -> tuple[int, bool]:
    """(srid, lat_first) for a supported CRS URI; ValueError otherwise."""
    value = value.strip().strip("[]")
    if value == CRS84:
        return 4326, False
    if value.startswith(_EPSG):
        code = value[len(_EPSG) :]
        if code.isdigit() and len(code) < 7 and int(code) in KNOWN_CRS:
            srid = int(code)
            return srid, not KNOWN_CRS[srid].projected
    raise ValueError(value)
