"""What the planners' map page needs to start: the caller's municipality and role, URLs, the UTM
parameters for coordinates, and every user-facing string (translated here, so the map is Arabic first)."""

from __future__ import annotations

import functools

import pyproj
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Scope
from accounts.selectors import StaffAccess
from api.access import person_access
from audit.models import ChangeRecord
from geo.crs import KNOWN_CRS
from parcels.models import LandUse, ParcelStatus, SubdivisionPlan
from web.map_strings import strings


def membership_for(request) -> StaffAccess | None:
    """The signed-in person's access in the municipality they work in now (``api.access.person_access``)."""
    return person_access(request, with_boundary=False)


@functools.lru_cache(maxsize=64)
def utm_parameters(srid: int, lon: float, lat: float) -> dict:
    """Transverse Mercator parameters of a UTM CRS for the browser, and the datum shift at the city
    (constant within a city to well under a centimetre), so the map shows the surveyors' coordinates."""
    crs = pyproj.CRS.from_epsg(srid)
    to_datum = pyproj.Transformer.from_crs(4326, crs.geodetic_crs, always_xy=True)
    dlon_lat = to_datum.transform(lon, lat)
    zone = KNOWN_CRS[srid].utm_zone
    return {
        "srid": srid, "name": KNOWN_CRS[srid].name, "zone": zone,
        "a": crs.ellipsoid.semi_major_metre, "rf": crs.ellipsoid.inverse_flattening,
        "lon0": zone * 6 - 183, "k0": 0.9996, "false_easting": 500000.0, "false_northing": 0.0,
        "shift": [dlon_lat[0] - lon, dlon_lat[1] - lat],
    }


def map_config(*, request, membership: StaffAccess) -> dict:
    muni = membership.municipality
    boundary = type(muni).objects.only("boundary").get(pk=muni.pk).boundary
    centre = boundary.centroid
    scopes = set(membership.scopes)
    arabic = (get_language() or "ar").startswith("ar")
    return {
        "lang": "ar" if arabic else "en",
        "user": request.user.get_username(),
        "municipality": {
            "id": muni.pk, "name": muni.name_ar if arabic else muni.name_en,
            "bbox": list(boundary.extent), "centre": [centre.x, centre.y],
        },
        "utm": utm_parameters(muni.metric_srid, round(centre.x, 3), round(centre.y, 3)),
        "can": {
            "read": Scope.READ in scopes, "write": Scope.WRITE in scopes, "lineage": Scope.LINEAGE in scopes,
        },
        "urls": {
            "style": reverse("tiles:style"), "tiles": reverse("tiles:index"), "api": "/api/v1/",
            "home": reverse("web:home"),
        },
        "land_uses": {c.value: str(c.label) for c in LandUse},
        "statuses": {c.value: str(c.label) for c in ParcelStatus},
        "plan_statuses": {c.value: str(c.label) for c in SubdivisionPlan.Status},
        "actions": {c.value: str(c.label) for c in ChangeRecord.Action},
        "strings": strings(),
        "title": _("Ardh map"),
    }
