"""JSON from untrusted clients: one reader for every request body and JSON-valued form field.

``json.loads`` recurses once per level of nesting: a body of a few thousand ``[`` raises
``RecursionError`` (a 500) before any check of ours runs. The nesting is therefore measured
first, outside strings, and anything deeper than ``ARDH_MAX_JSON_DEPTH`` (default 64; a
GeoJSON MultiPolygon inside a request needs about 6) is refused with a 400. NaN and
Infinity literals are refused too (they are not JSON).

``loads`` is the reader: the API's parser (``api.parsers.JSONParser``, every API view) uses it, and so does
anything else that reads JSON text from outside (a geometry given as text, a JSON form field, an imported
GeoJSON file).
"""

from __future__ import annotations

import json
import re

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

# A JSON string: quotes, then runs of plain characters or escapes (unrolled: no backtracking per character).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
# Each byte's step in nesting: +1 for [ and {, -1 for ] and }, 0 for the rest.
_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1


class JSONInputError(ValueError):
    """JSON that is refused, with a code: ``invalid_json`` or ``too_deep``."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def max_depth() -> int:
    return getattr(settings, "ARDH_MAX_JSON_DEPTH", 64)


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text``, brackets inside strings not counted."""
    if text.count("[") + text.count("{") <= 1:
        return 1
    steps = _STEP[np.frombuffer(_STRING.sub("", text).encode("utf-8", "surrogatepass"), dtype=np.uint8)]
    steps = steps[steps != 0]  # a few ms for a 5 MB body
    return int(np.cumsum(steps, dtype=np.int64).max(initial=0))


def _reject_constant(name):
    raise ValueError(_("%(name)s is not a JSON number.") % {"name": name})


def loads(text: str | bytes):
    """Parse JSON text from a client; ``JSONInputError`` says why it is refused."""
    if isinstance(text, bytes | bytearray):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONInputError(_("The JSON is not UTF-8 text."), code="invalid_json") from None
    limit = max_depth()
    if nesting_depth(text) > limit:
        raise JSONInputError(
            _("The JSON is nested more than %(n)d levels deep.") % {"n": limit}, code="too_deep"
        )
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:  # only if the limit is set above what the interpreter can recurse
        raise JSONInputError(_("The JSON is nested too deeply."), code="too_deep") from None
    except ValueError as exc:
        message = _("The JSON cannot be read: %(e)s") % {"e": str(exc)[:200]}
        raise JSONInputError(message, code="invalid_json") from None
