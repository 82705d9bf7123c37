"""Reading import jobs and saved mappings."""

from __future__ import annotations

from django.db.models import QuerySet

from imports.models import FieldMapping, ImportJob


def jobs_for(*, user) -> QuerySet[ImportJob]:
    """Jobs a user may see: their own; staff see all."""
    qs = ImportJob.objects.select_related("municipality")
    return qs if user.is_staff else qs.filter(created_by=user)


def mappings_for(*, municipality) -> QuerySet[FieldMapping]:
    return FieldMapping.objects.filter(municipality=municipality).order_by("source")
