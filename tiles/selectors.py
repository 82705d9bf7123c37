"""Reads of the tiles app's own records."""

from django.db.models import QuerySet

from tiles.models import OfflinePackage


def packages_for(*, municipality) -> QuerySet[OfflinePackage]:
    """The offline packages of one municipality (the caller's tenant), newest first."""
    return OfflinePackage.objects.filter(municipality=municipality).select_related("district")
