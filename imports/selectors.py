"""Reading import jobs and saved mappings."""

from __future__ import annotations

from django.db.models import QuerySet

from imports.models import FieldMapping, ImportJob


def jobs_for(*, municipality) -> QuerySet[ImportJob]:
    """Import jobs of a municipality (None: of every municipality)."""
    qs = ImportJob.objects.select_related("municipality").defer("municipality__boundary")
    return qs if municipality is None else qs.filter(municipality=municipality)


def mappings_for(*, municipality) -> QuerySet[FieldMapping]:
    return FieldMapping.objects.filter(municipality=municipality).order_by("source")
