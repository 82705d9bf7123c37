"""JSON-able snapshots of records, for the history's before/after."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry
from django.db import models


def snapshot(instance: models.Model) -> dict:
    values = {}
    for f in instance._meta.concrete_fields:
        if f.primary_key or isinstance(f, models.GeneratedField) or f.name in {"created_at", "updated_at"}:
            continue
        values[f.attname] = _jsonable(getattr(instance, f.attname))
    return values


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _jsonable(value):
    if isinstance(value, GEOSGeometry):
        return json.loads(value.geojson)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
