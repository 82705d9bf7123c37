"""From source attributes to parcel fields: guessed, saved per source, overridable."""

from __future__ import annotations

import math

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from imports.errors import ImportRefused
from imports.models import FieldMapping
from parcels.models import LandUse, ParcelStatus

TARGETS = ("plan_number", "number", "land_use", "status", "deed_number")
# Attribute names seen in Saudi deliveries, compared case- and separator-insensitively.
_GUESSES = {
    "plan_number": ["plan_number", "plan_numbe", "plan_no", "planno", "plan", "plannumber", "رقم_المخطط", "المخطط"],
    "number": ["parcel_number", "parcel_no", "parcelno", "parcel", "number", "pid", "text", "رقم_القطعة",
               "القطعة"],
    "land_use": ["land_use", "landuse", "use", "usage", "الاستخدام", "استخدام"],
    "status": ["status", "الحالة"],
    "deed_number": ["deed_number", "deed_numbe", "deed_no", "deed", "رقم_الصك", "الصك"],
}
# Arabic land-use words on survey drawings -> our codes.
_LAND_USE_AR = {
    "سكني": "residential", "تجاري": "commercial", "مختلط": "mixed_use", "حكومي": "government",
    "مسجد": "mosque", "تعليمي": "education", "صحي": "health", "حديقة": "park", "مرافق": "utility",
    "صناعي": "industrial", "زراعي": "agricultural",
}


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


_BLOCK_NUMBER = ["block_number", "block_numb", "block_no", "blockno", "block", "number", "رقم_البلك", "البلك",
                 "رقم_البلوك", "البلوك"]


def guess(fields: list[str], *, allowed: tuple[str, ...] = TARGETS, blocks: bool = False) -> dict[str, str]:
    by_norm = {_norm(f): f for f in fields}
    out = {}
    guesses = {**_GUESSES, "number": _BLOCK_NUMBER} if blocks else _GUESSES
    for target, names in guesses.items():
        if target not in allowed:
            continue
        for n in names:
            if n in by_norm:
                out[target] = by_norm[n]
                break
    return out


def resolve(*, municipality, fields: list[str], source: str | None, explicit: dict | None,
            defaults: dict | None, target=None) -> tuple[dict, dict]:
    """The mapping to use: guesses, overridden by the saved one for ``source``, overridden by ``explicit``."""
    allowed = target.fields if target is not None else TARGETS
    mapping, consts = guess(fields, allowed=allowed, blocks=target is not None and target.name == "blocks"), {}
    if source:
        saved = FieldMapping.objects.filter(municipality=municipality, source=source).first()
        if saved is not None:
            mapping.update(saved.fields)
            consts.update(saved.defaults)
    mapping.update(explicit or {})
    consts.update(defaults or {})
    unknown_targets = (set(mapping) | set(consts)) - set(allowed)
    if unknown_targets:
        raise ImportRefused(_("Unknown target fields: %(f)s.") % {"f": ", ".join(sorted(unknown_targets))},
                            code="mapping")
    missing = [v for v in mapping.values() if v not in fields]
    if missing:
        raise ImportRefused(
            _("The file has no attribute %(a)s (it has: %(have)s).")
            % {"a": ", ".join(missing), "have": ", ".join(fields)},
            code="mapping",
        )
    for target in ("number", "plan_number"):
        if target not in mapping and target not in consts:
            raise ImportRefused(
                _("No attribute is mapped to %(t)s; map one or give a default value.") % {"t": target},
                code="mapping", details={"fields": fields, "mapping": mapping},
            )
    return mapping, consts


@transaction.atomic
def mapping_save(*, municipality, source: str, fields: dict, defaults: dict) -> FieldMapping:
    obj, _created = FieldMapping.objects.update_or_create(
        municipality=municipality, source=source, defaults={"fields": fields, "defaults": defaults}
    )
    return obj


def text_values(values, n: int) -> list[str]:
    """Attribute values as clean strings: 101.0 -> '101', None/NaN -> ''."""
    if values is None:
        return [""] * n
    plain = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if all(type(v) is str for v in plain):  # the common case (text columns), at list-comprehension speed
        return [v.strip() for v in plain]
    out = []
    for v in values:
        if v is None or (isinstance(v, float | np.floating) and math.isnan(v)):
            out.append("")
        elif isinstance(v, float | np.floating) and float(v).is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v).strip())
    return out


_LAND_USES = {c.value for c in LandUse} | {c.value for c in ParcelStatus}


def land_use_code(value: str) -> str:
    if not value:
        return ""
    key = _norm(value)
    if key in _LAND_USES:
        return key
    return _LAND_USE_AR.get(value.strip(), value.strip())


def status_code(value: str) -> str:
    return _norm(value) if value else ""
