"""Query parameters from untrusted clients, each checked against an allow-list or a range.

Nothing a client sends reaches SQL as text: SRIDs are integers from ``geo.crs.KNOWN_CRS``,
field names come from the layer registry's allow-lists, numbers are parsed and bounded.
"""

from __future__ import annotations

import math
from datetime import date

from django.contrib.gis.geos import Polygon
from django.utils import timezone
from django.utils.translation import gettext as _

from api.errors import BadInput
from geo.bbox import parse_bbox
from geo.crs import KNOWN_CRS

MAX_LIMIT = 1000


def srid(params, *, name: str = "srid", default: int = 4326) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if value not in KNOWN_CRS:
        raise BadInput(
            _("%(name)s must be one of %(known)s.") % {"name": name, "known": ", ".join(map(str, sorted(KNOWN_CRS)))},
            param=name,
            code="unknown_crs",
        )
    return value


def precision(srid_: int) -> int:
    """Decimals of coordinates: 7 for degrees (≈1 cm), 3 for metres (1 mm)."""
    return 3 if KNOWN_CRS[srid_].projected else 7


# Longer than any bound a parameter has: a number of hundreds of digits is refused before it is converted.
_MAX_CHARS = 64


def number(params, name: str, *, default=None, low=None, high=None, integer: bool = False):
    """A number from a query parameter, within [low, high]; ``integer`` for ASCII digits only (``+``/``-``)."""
    raw = params.get(name)
    if raw in (None, ""):
        if default is None:
            raise BadInput(_("%(name)s is required.") % {"name": name}, param=name, code="required")
        return default
    try:
        value = _parse_number(raw, integer=integer)
    except (TypeError, ValueError, OverflowError):
        what = _("an integer") if integer else _("a number")
        raise BadInput(_("%(name)s must be %(what)s.") % {"name": name, "what": what}, param=name) from None
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        raise BadInput(
            _("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high}, param=name
        )
    return value


def _parse_number(raw, *, integer: bool) -> float:
    text = str(raw).strip()
    if len(text) > _MAX_CHARS or not text.isascii():  # no 300-digit integers, no Arabic-Indic or superscript digits
        raise ValueError(text[:40])
    if integer:
        if not text.lstrip("+-").isdigit() or text.count("-") + text.count("+") > 1:
            raise ValueError(text[:40])
        return int(text)
    return float(text)


def bbox(raw: str | None, *, name: str = "bbox", lat_first: bool = False) -> Polygon | None:
    """minLon,minLat,maxLon,maxLat in the storage CRS (EPSG:4326 longitude/latitude)."""
    if raw in (None, ""):
        return None
    try:
        return parse_bbox(raw, name=name, lat_first=lat_first)
    except ValueError as exc:
        raise BadInput(str(exc), param=name) from None


def ordering(raw: str | None, *, allowed: tuple[str, ...], default: str = "id") -> list[str]:
    if raw in (None, ""):
        return [default]
    result = []
    for item in raw.split(","):
        field = item.strip()
        descending = field.startswith("-")
        name = field[1:] if descending else field
        if name not in allowed:
            raise BadInput(
                _("Cannot order by “%(f)s”; allowed: %(allowed)s.") % {"f": name[:40], "allowed": ", ".join(allowed)},
                param="ordering",
            )
        result.append(("-" if descending else "") + ("pk" if name == "id" else name))
    return result


def day(value, *, name: str = "day") -> date:
    """A date parameter (YYYY-MM-DD); today when absent. BadInput names the parameter."""
    if value in (None, ""):
        return timezone.localdate()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadInput(_("“%(name)s” must be a date (YYYY-MM-DD).") % {"name": name}, param=name) from None
