"""Licensing's reads: an inspector's visits for a day, the licenses of a municipality by status."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from licensing.models import InspectorArea, Visit, VisitStatus


def visits_for(*, user, municipality_id: int, day: date) -> QuerySet[Visit]:
    """The planned visits due by ``day`` for ``user``: theirs, and the unassigned ones in their districts."""
    districts = InspectorArea.objects.filter(inspector=user, municipality_id=municipality_id).values("district_id")
    return (Visit.objects.filter(municipality_id=municipality_id, status=VisitStatus.PLANNED, due_on__lte=day)
            .filter(Q(inspector=user) | Q(inspector__isnull=True, premises__district_id__in=districts))
            .select_related("premises__establishment", "license__activity").order_by("due_on", "pk"))


def inspectors_of(*, municipality_id: int) -> list:
    from django.contrib.auth import get_user_model

    ids = InspectorArea.objects.filter(municipality_id=municipality_id).values("inspector_id")
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))
