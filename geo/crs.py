"""The coordinate reference systems Ardh knows, and which one to use for what.

Saudi data arrives in several CRSs (see docs/decisions/001-storage-srid.md):
older plans and CAD files in Ain el Abd 1970 / UTM, newer work in KSA-GRF17
(the national frame, ITRF-aligned) and its UTM zones, GPS data in WGS 84.
Only SRIDs listed here are accepted from users: an SRID is never free text.
"""

from __future__ import annotations

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
