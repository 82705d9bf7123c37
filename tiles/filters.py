"""Attribute filters on tiles: only the fields a layer allow-lists, only plain values.

``?land_use=residential,commercial&status=vacant`` becomes an ORM filter, so values
reach SQL as bound parameters. We still refuse values outside a conservative
alphabet (letters in any script, digits, space and ``-_./``): a tile URL has no
business carrying quotes or semicolons, and refusing them early keeps the cache
free of junk keys.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from django.db.models import Q
from django.utils.translation import gettext as _

from geo.layers import Layer

_VALUE = re.compile(r"^[\w\-./ ]{1,64}$")
MAX_VALUES = 20


class FilterError(ValueError):
    pass


def parse_filters(layer: Layer, params: Mapping[str, list[str]]) -> tuple[Q, str]:
    """Return (Q, cache key) for the query parameters; FilterError says what is wrong."""
    q = Q()
    canonical: list[str] = []
    for name in sorted(params):
        if name not in layer.filter_fields:
            allowed = ", ".join(layer.filter_fields) or _("none")
            raise FilterError(
                _("Cannot filter layer %(layer)s on %(field)r; allowed filters: %(allowed)s.")
                % {"layer": layer.name, "field": name[:64], "allowed": allowed}
            )
        values = sorted({v for raw in params[name] for v in raw.split(",") if v != ""})
        if not values:
            raise FilterError(_("Filter %(field)s has no value.") % {"field": name})
        if len(values) > MAX_VALUES:
            raise FilterError(_("Filter %(field)s has more than %(n)d values.") % {"field": name, "n": MAX_VALUES})
        field = layer.model._meta.get_field(name)
        choices = {str(c[0]) for c in field.choices} if field.choices else None
        typed = []  # the values as the field holds them: the query and the cache key use these
        for value in values:
            if not _VALUE.match(value):
                raise FilterError(
                    _("Filter %(field)s: value %(value)r has characters a filter value may not contain.")
                    % {"field": name, "value": value[:64]}
                )
            try:
                typed.append(layer.filter_value(name, value))
            except ValueError:
                raise FilterError(_("Filter %(field)s: %(value)r is not a value of this field.")
                                  % {"field": name, "value": value[:64]}) from None
            if choices is not None and value not in choices:
                raise FilterError(
                    _("Filter %(field)s: %(value)r is not one of %(choices)s.")
                    % {"field": name, "value": value, "choices": ", ".join(sorted(choices))}
                )
        q &= Q(**{f"{name}__in": typed})
        canonical.append(f"{name}={','.join(sorted({str(t) for t in typed}))}")
    key = "_" if not canonical else hashlib.blake2b("&".join(canonical).encode(), digest_size=8).hexdigest()
    return q, key
