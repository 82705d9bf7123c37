"""Database integrity for geometry columns, shared by every spatial model."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import IsEmpty
from django.contrib.postgres.indexes import GistIndex
from django.db.models import CheckConstraint, Q


def geometry_constraints(prefix: str, field: str = "geom") -> list[CheckConstraint]:
    """Valid and non-empty: the last line of defence behind ``geo.validation``."""
    return [
        CheckConstraint(condition=Q(**{f"{field}__isvalid": True}), name=f"{prefix}_{field}_valid"),
        CheckConstraint(condition=~Q(IsEmpty(field)), name=f"{prefix}_{field}_not_empty"),
    ]


def geometry_index(prefix: str, field: str = "geom") -> GistIndex:
    return GistIndex(fields=[field], name=f"{prefix}_{field}_gist")
