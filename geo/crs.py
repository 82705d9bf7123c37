"""The coordinate reference systems Ardh knows, and which one to use for what.

Saudi data arrives in several CRSs (see docs/decisions/001-storage-srid.md):
older plans and CAD files in Ain el Abd 1970 / UTM, newer work in KSA-GRF17
(the national frame, ITRF-aligned) and its UTM zones, GPS data in WGS 84.
Only SRIDs listed here are accepted from users: an SRID is never free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class KnownCRS:
    srid: int
    name: str
    projected: bool
    utm_zone: int | None = None


KNOWN_CRS: dict[int, KnownCRS] = {
    c.srid: c
    for c in [
        KnownCRS(4326, "WGS 84", projected=False),
        KnownCRS(3857, "WGS 84 / Pseudo-Mercator", projected=True),
        KnownCRS(9333, "KSA-GRF17", projected=False),
        *[KnownCRS(9356 + i, f"KSA-GRF17 / UTM zone {36 + i}N", True, 36 + i) for i in range(5)],
        *[KnownCRS(20437 + i, f"Ain el Abd 1970 / UTM zone {37 + i}N", True, 37 + i) for i in range(3)],
        *[KnownCRS(32637 + i, f"WGS 84 / UTM zone {37 + i}N", True, 37 + i) for i in range(3)],
    ]
}

# SRIDs that PostGIS 3.3's spatial_ref_sys may lack (added to EPSG after it was built);
# the geo migration registers them from PROJ's database.
KSA_GRF17_SRIDS = (9333, 9356, 9357, 9358, 9359, 9360)


def storage_srid() -> int:
    return settings.ARDH_STORAGE_SRID


def utm_srid_for_lon(lon: float) -> int:
    """KSA-GRF17 UTM SRID for a longitude (zones 36 to 40 cover the Kingdom)."""
    zone = int((lon + 180) // 6) + 1
    zone = min(max(zone, 36), 40)
    return 9356 + (zone - 36)


def is_known(srid: int) -> bool:
    return srid in KNOWN_CRS


# How GeoJSON (2008 ``crs`` members), GML and OGC APIs name a CRS: EPSG URNs and URIs, CRS84.
_CRS84 = re.compile(r"^(?:urn:ogc:def:crs:OGC:[\d.]*:CRS84|https?://www\.opengis\.net/def/crs/OGC/[\d.]+/CRS84)$", re.I)
_EPSG = re.compile(
    r"^(?:urn:ogc:def:crs:EPSG:[\d.]*:|https?://www\.opengis\.net/def/crs/EPSG/[\d.]+/|EPSG:{1,2})(\d{1,6})$", re.I
)


def srid_from_name(name) -> int | None:
    """The SRID a CRS name stands for, when Ardh knows that CRS (``KNOWN_CRS``); None for anything else.

    Coordinates named so are read easting/longitude first, as GeoJSON and GIS software do (EPSG:4326 too)."""
    if not isinstance(name, str) or len(name) > 200:
        return None
    name = name.strip()
    if _CRS84.match(name):
        return 4326
    match = _EPSG.match(name)
    if match and int(match.group(1)) in KNOWN_CRS:
        return int(match.group(1))
    return None
